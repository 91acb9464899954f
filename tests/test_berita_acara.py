"""The Berita Acara a village signs (PDF text extracted): always Indonesian, a number and a letterhead,
pelaksana and sumber dana per activity, activities paid from other sources beside the Dana Desa budget,
one signature block without duplicates kept with the closing sentence, no word broken inside, and the
content code only in the footer."""
import io
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from planner.extensions import db
from planner.models import CommitmentActivity, Plan

from . import factories
from .test_commitment_frozen import _user

LONG_WORDS = ("Kesejahteraan", "Penanggulangan", "posyandu-bulan", "peserta-pertemuan", "Pemberdayaan",
              "Sumberejo", "Karangpandan")


def _commit(app, world, proposals, attendance, pledges=(), number=""):
    """Commit A1X's plan with `proposals` (dicts for factories.proposal) and `attendance`; returns the
    commitment id. Every proposal is made wajib so that all of them are in the document."""
    from planner.services import commitments, rembuk

    with app.test_request_context():
        plan = db.session.get(Plan, world.plans["a1x"])
        for p in list(plan.proposals):
            db.session.delete(p)
        plan.stunting_budget = 900_000_000
        plan.rules = {"target_groups_required": []}
        db.session.flush()
        for values in proposals:
            factories.proposal(plan, **values)
        db.session.commit()
        user = _user(world.usernames["desa_a1"])
        session = rembuk.open_meeting(plan, user, dict(held_on=date(2026, 8, 12), place="Balai Desa A1X",
                                                       chair="Sutrisno", facilitator="Wati", document_number=number))
        for person in attendance:
            rembuk.add_attendee(session, user, person)
        for pledge in pledges:
            rembuk.add_pledge(session, user, pledge)
        rembuk.resolve(session, user)
        for p in plan.proposals:
            if p.from_dana_desa:
                rembuk.decide(session, user, p, "in", reason="disepakati")
        cid = commitments.commit_meeting(session, user).id
        db.session.remove()
    return cid


ATTENDANCE = [
    dict(name="Sutrisno", role="kepala_desa", sex="L", signs=True),
    dict(name="H. Mahmud", role="bpd", institution="Ketua BPD", sex="L", signs=True),
    dict(name="Siti Aminah", role="bidan_desa", sex="P", signs=True),
    dict(name="Darmi", role="kader_posyandu", institution="Posyandu Melati", sex="P", signs=True),
    dict(name="Sumiati", role="pkk", sex="P"),
]


def _two_sources(app, world):
    return _commit(app, world, [
        dict(name="PMT pemulihan baduta", location="Posyandu Melati", unit="anak-hari", unit_cost=17_000,
             min_units=90, max_units=900, impact_per_unit=0.0001, implementer="Kasi Kesejahteraan + TPK",
             months=[4, 5, 6, 7, 8, 9]),
        dict(name="Jamban sehat keluarga", category="sensitif", package="air_sanitasi", target_group="keluarga",
             location="Dusun Krajan", unit="unit", unit_cost=6_500_000, min_units=1, max_units=4,
             impact_per_unit=0.002, apbdes_code="2.4.14", implementer="Kaur Perencanaan + TPK",
             funding_source="csr", months=[6, 7, 8, 9]),
    ], ATTENDANCE, pledges=[dict(body="Puskesmas Peterongan", what="Memberi MMS kepada semua ibu hamil",
                                 months=[])], number="140/12/2026")


def _pages(body: bytes) -> list:
    return [page.extract_text() for page in PdfReader(io.BytesIO(body)).pages]


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_always_indonesian_even_when_the_user_reads_english(app, world, client, login):
    cid = _two_sources(app, world)
    client = login("desa_a1")
    client.post("/bahasa/en", data={"next": "/"})
    assert '<html lang="en">' in client.get(f"/rencana/{world.plans['a1x']}").get_data(as_text=True)
    text = _flat(" ".join(_pages(client.get(f"/komitmen/{cid}/berita-acara.pdf").data)))
    for indonesian in ("BERITA ACARA", "Pada hari ini, Rabu, 12 Agustus 2026", "dan difasilitasi oleh Wati",
                       "Daftar hadir", "Kegiatan yang disepakati", "Pelaksana", "Sumber dana", "Waktu",
                       "Triwulan II–III", "Demikian Berita Acara ini dibuat dengan sebenarnya",
                       "Yang menandatangani", "Halaman 1 dari", "Rp 15.300.000"):
        assert indonesian in text, indonesian
    for english in ("facilitated", "Attendance", "Agreed activities", "Implementer", "Funding source", "Page 1",
                    "Rp 15,300,000", "August"):
        assert english not in text, english
    page = client.get(f"/komitmen/{cid}/berita-acara").get_data(as_text=True)
    assert '<article class="berita-acara" lang="id">' in page and "Demikian Berita Acara" in page
    assert "Kembali ke komitmen" not in page            # the page around it is the user's language


def test_number_letterhead_pelaksana_sumber_dana_and_pledges(app, world, login):
    cid = _two_sources(app, world)
    text = _flat(" ".join(_pages(login("desa_a1").get(f"/komitmen/{cid}/berita-acara.pdf").data)))
    assert text.startswith("PEMERINTAH KABUPATEN A KECAMATAN KECAMATAN A1 DESA DESA A1X BERITA ACARA")
    assert "Nomor: 140/12/2026" in text
    for expected in ("PMT pemulihan baduta · Posyandu Melati", "Kasi Kesejahteraan + TPK", "Triwulan II–III",
                     "Jamban sehat keluarga · Dusun Krajan", "Kaur Perencanaan + TPK", "Jun–Sep", "CSR",
                     "Jumlah Dana Desa", "Jumlah CSR (tanggung jawab sosial perusahaan) Rp 26.000.000",
                     "Komitmen lembaga lain (tanpa biaya desa)", "Puskesmas Peterongan",
                     "Memberi MMS kepada semua ibu hamil", "sepanjang tahun", "perkiraan model"):
        assert expected in text, expected
    # Per activity, in the document's own structure: the row carries its place, implementer, source, months.
    from planner.documents.berita_acara import berita_acara
    from planner.models import Commitment

    with app.test_request_context():
        commitment = db.session.get(Commitment, cid)
        doc = berita_acara(commitment.content, commitment.content_hash)
    rows = {row[1]: row for row in next(s for s in doc.sections if s.key == "activities").rows}
    assert rows["PMT pemulihan baduta · Posyandu Melati"][5:8] == ["DD", "Kasi Kesejahteraan + TPK", "Triwulan II–III"]
    assert rows["Jamban sehat keluarga · Dusun Krajan"][5:8] == ["CSR", "Kaur Perencanaan + TPK", "Jun–Sep"]


def test_other_sources_sit_beside_the_dana_desa_budget(app, world, login):
    cid = _two_sources(app, world)
    from planner.models import Commitment
    from planner.services.plan_file_builder import plan_file

    with app.test_request_context():
        commitment = db.session.get(Commitment, cid)
        content = commitment.content
        by_name = {a["name"]: a for a in content["activities"]}
        assert by_name["Jamban sehat keluarga"]["funding_source"] == "csr"
        assert by_name["Jamban sehat keluarga"]["units"] == 4 and by_name["Jamban sehat keluarga"]["cost"] == 26_000_000
        assert content["totals"]["cost"] == by_name["PMT pemulihan baduta"]["cost"] == commitment.total_cost
        assert content["totals"]["by_source"] == {"dd": commitment.total_cost, "csr": 26_000_000}
        names = [p["name"] for p in plan_file(db.session.get(Plan, world.plans["a1x"]))["proposals"]]
        assert names == ["PMT pemulihan baduta"]         # the optimizer never sees the CSR latrines
        rows = {a.name: (a.funding_source, a.implementer, a.months) for a in
                db.session.scalars(select(CommitmentActivity).where(CommitmentActivity.commitment_id == cid))}
        assert rows["Jamban sehat keluarga"] == ("csr", "Kaur Perencanaan + TPK", [6, 7, 8, 9])
        assert rows["PMT pemulihan baduta"] == ("dd", "Kasi Kesejahteraan + TPK", [4, 5, 6, 7, 8, 9])


def test_one_signature_block_without_duplicates(app, world, login):
    cid = _two_sources(app, world)
    pages = _pages(login("desa_a1").get(f"/komitmen/{cid}/berita-acara.pdf").data)
    text = _flat(" ".join(pages))
    block = text[text.index("Yang menandatangani"):]
    for name in ("Sutrisno", "H. Mahmud", "Siti Aminah", "Darmi"):
        assert block.count(f"( {name} )") == 1, name
    assert "Sumiati )" not in block                       # present, but not a signatory
    assert block.index("Kepala Desa Desa A1X") < block.index("Ketua BPD") < block.index("Bidan desa")


def test_the_content_code_is_only_in_the_footer(app, world, login):
    cid = _two_sources(app, world)
    from planner.models import Commitment

    with app.app_context():
        digest = db.session.get(Commitment, cid).content_hash
    pages = _pages(login("desa_a1").get(f"/komitmen/{cid}/berita-acara.pdf").data)
    for page in pages:
        squeezed = page.replace("\n", "").replace(" ", "")
        assert squeezed.count(digest) == 1                # once per page: its footer
        assert "Kodepengamandokumen:" + digest in squeezed
    closing = _flat(" ".join(pages))
    sentence = closing[closing.index("Demikian Berita Acara"):closing.index("Yang menandatangani")]
    assert digest[:12] not in sentence and "SHA" not in sentence


@pytest.mark.slow
def test_many_activities_no_word_broken_and_the_signatures_stay_with_the_closing(app, world, login):
    places = ["Posyandu Melati Karangpandan", "Dusun Sumberejo", "Posyandu Kenanga", "Dusun Krajan"]
    proposals = []
    for i in range(36):
        proposals.append(dict(
            name=f"Operasional posyandu dan Penanggulangan gizi buruk {i // 4 + 1}", location=places[i % 4],
            unit=("posyandu-bulan", "peserta-pertemuan", "anak-hari")[i % 3], unit_cost=100_000 + i * 1_000,
            min_units=1, max_units=12, impact_per_unit=0.0001, implementer="Kasi Kesejahteraan + Kader Posyandu",
            apbdes_code="2.2.02", package=("kia", "konseling_gizi", "paud")[i % 3],
            funding_source="dd" if i % 9 else "swadaya", months=[1 + i % 12]))
    attendance = ATTENDANCE + [dict(name=f"Wakil Dusun Pemberdayaan {n}", role="toma", sex="L", signs=True)
                               for n in range(1, 8)]
    cid = _commit(app, world, proposals, attendance)
    pages = _pages(login("desa_a1").get(f"/komitmen/{cid}/berita-acara.pdf").data)
    raw = "\n".join(pages)
    for word in LONG_WORDS:
        assert word in raw, word                           # never split across a line inside a cell
    signing = [i for i, page in enumerate(pages) if "Yang menandatangani" in page]
    assert signing == [len(pages) - 1] or signing == [len(pages) - 2]
    last = _flat(" ".join(pages[signing[0]:]))
    assert "Demikian Berita Acara ini dibuat" in last
    for n in range(1, 8):
        assert f"( Wakil Dusun Pemberdayaan {n} )" in last
    if signing == [len(pages) - 2]:                        # a block longer than a page may continue, never alone
        assert _flat(pages[-1]).count("( ") >= 2


def test_the_dana_desa_table_appears_once_the_bidang_totals_are_entered_after_committing(app, world, login):
    """The scorecard's table 5 joins the Berita Acara when the village enters its APBDes bidang totals,
    which it may do after the commitment without opening a perubahan."""
    cid = _two_sources(app, world)
    client = login("desa_a1")
    before = _flat(" ".join(_pages(client.get(f"/komitmen/{cid}/berita-acara.pdf").data)))
    assert "Penggunaan Dana Desa dalam Pencegahan Stunting" not in before
    with app.app_context():
        plan = db.session.get(Plan, world.plans["a1x"])
        plan.apbdes_pembangunan, plan.apbdes_pemberdayaan = 400_000_000, 150_000_000
        db.session.commit()
        stunting = db.session.scalars(select(CommitmentActivity.cost).where(
            CommitmentActivity.commitment_id == cid, CommitmentActivity.funding_source == "dd")).all()
    after = _flat(" ".join(_pages(client.get(f"/komitmen/{cid}/berita-acara.pdf").data)))
    assert "Penggunaan Dana Desa dalam Pencegahan Stunting" in after
    assert "Rp 400.000.000" in after and "Rp 150.000.000" in after
    assert sum(stunting) > 0
    page = client.get(f"/komitmen/{cid}/berita-acara").get_data(as_text=True)
    assert "Penggunaan Dana Desa dalam Pencegahan Stunting" in page
