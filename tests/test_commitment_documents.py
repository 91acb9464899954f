"""A commitment's page and documents: Berita Acara (page and PDF), XLSX and CSV for the APBDes, the plan
file that re-solves to the commitment, and opening a perubahan — all drawn from the frozen snapshot."""
import csv
import io
import json

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from planner.extensions import db
from planner.models import Commitment, Plan, Proposal
from planner.optimizer import solve_plan_file

from .conftest import text_of
from .test_commitment_frozen import _meeting, _user


@pytest.fixture
def committed(app, world):
    ids = _meeting(app, world)
    with app.app_context():
        commitment = db.session.get(Commitment, ids["commitment"])
        ids["hash"] = commitment.content_hash
        ids["activities"] = {a["name"]: a for a in commitment.content["activities"]}
        ids["cost"] = commitment.total_cost
    return ids


def _pdf_text(body: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(body)).pages)


def test_the_commitment_page_shows_what_was_agreed_and_its_hash(committed, login):
    client = login("desa_a1")
    page = client.get(f"/komitmen/{committed['commitment']}")
    assert page.status_code == 200
    text = text_of(page)
    assert "Komitmen versi 1" in text and committed["hash"] in text and "cocok dengan isi yang tersimpan" in text
    assert "Jamban sehat keluarga" in text and "Penggunaan Dana Desa dalam Pencegahan Stunting" in text
    for link in ("berita-acara.pdf", "kegiatan.xlsx", "kegiatan.csv", "penggunaan-dana-desa.csv", "rencana.json"):
        assert link in page.text
    index = client.get(f"/rencana/{committed['plan']}/komitmen")
    assert index.status_code == 200 and committed["hash"][:12] in index.text


@pytest.mark.parametrize("who, status", [("kec_a1", 200), ("admin_a", 200), ("kec_a2", 404), ("desa_b", 404),
                                         ("admin_b", 404)])
def test_documents_are_scoped_like_the_plan(committed, login, who, status):
    client = login(who)
    cid = committed["commitment"]
    for url in (f"/komitmen/{cid}", f"/komitmen/{cid}/berita-acara", f"/komitmen/{cid}/berita-acara.pdf",
                f"/komitmen/{cid}/kegiatan.xlsx", f"/komitmen/{cid}/kegiatan.csv",
                f"/komitmen/{cid}/penggunaan-dana-desa.csv", f"/komitmen/{cid}/rencana.json"):
        assert client.get(url).status_code == status, url


def test_anonymous_users_are_sent_to_log_in(committed, client):
    response = client.get(f"/komitmen/{committed['commitment']}/berita-acara.pdf")
    assert response.status_code in (302, 303) and "/masuk" in response.headers["Location"]


def test_berita_acara_page_and_pdf_hold_the_whole_record(committed, login):
    client = login("desa_a1")
    page = client.get(f"/komitmen/{committed['commitment']}/berita-acara")
    assert page.status_code == 200 and "print.css" in page.text
    html = text_of(page)
    assert "REMBUK STUNTING DESA DESA A1X TAHUN ANGGARAN 2027" in html and "Rabu, 12 Agustus 2026" in html
    pdf = client.get(f"/komitmen/{committed['commitment']}/berita-acara.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"] == "attachment; filename=komitmen-35.17.09.2001-2027-v1-berita-acara.pdf"
    text = _pdf_text(pdf.data)
    for expected in ("BERITA ACARA", "REMBUK STUNTING DESA DESA A1X TAHUN ANGGARAN 2027", "Rabu, 12 Agustus 2026",
                     "Balai Desa A1X", "PEMERINTAH KABUPATEN A", "KECAMATAN KECAMATAN A1", "Nomor: 01/BA-RSD/35.17.09.2001/2027",
                     "Siti Aminah", "Bidan desa", "Hadir 1 orang, 1 di antaranya perempuan", "Jamban sehat keluarga",
                     "Dana Desa", "2.4.14", "Kesehatan ibu dan anak", "Kesepakatan pemantauan triwulanan",
                     "Permintaan warga Dusun Krajan", "Kepala Desa", "Ketua BPD", "Anak stunting hasil pengukuran"):
        assert expected in text, expected
    assert f"Rp {committed['cost']:,}".replace(",", ".") in text
    assert committed["hash"] in text.replace(" ", "")
    assert "Demikian Berita Acara ini dibuat dengan sebenarnya untuk dapat dipergunakan sebagaimana mestinya" in text


def test_xlsx_has_activities_scorecard_and_summary(committed, login, app):
    client = login("desa_a1")
    response = client.get(f"/komitmen/{committed['commitment']}/kegiatan.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Kegiatan", "Penggunaan Dana Desa", "Komitmen lembaga lain", "Ringkasan"]
    rows = list(book["Kegiatan"].iter_rows(values_only=True))
    assert rows[0][:4] == ("Kode APBDes", "Kegiatan", "Lokasi", "Paket layanan")
    by_name = {r[1]: r for r in rows[1:]}
    latrine = committed["activities"]["Jamban sehat keluarga"]
    row = by_name["Jamban sehat keluarga"]
    assert row[0] == "2.4.14" and row[2] == "Dusun Krajan"
    assert row[6] == latrine["units"]
    assert row[10] == latrine["cost"]
    assert row[11] == "Dana Desa"
    assert sum(r[10] for r in rows[1:]) == committed["cost"]
    scorecard = list(book["Penggunaan Dana Desa"].iter_rows(values_only=True))
    assert scorecard[0][1] == "Uraian" and len(scorecard) >= 3
    assert sum(r[3] for r in scorecard[1:]) == committed["cost"]
    summary = {r[0]: r[1] for r in book["Ringkasan"].iter_rows(values_only=True)}
    assert summary["Kode pengaman dokumen"] == committed["hash"]


def test_csv_files_open_in_excel_and_neutralise_formulas(app, world, login):
    with app.app_context():
        plan = db.session.get(Plan, world.plans["a1x"])
        plan.apbdes_pembangunan = 400_000_000
        db.session.commit()
    ids = _meeting(app, world, commit=False)
    with app.test_request_context():
        from planner.services import commitments, rembuk

        session = db.session.get(__import__("planner.models", fromlist=["RembukMeeting"]).RembukMeeting, ids["session"])
        proposal = db.session.get(Proposal, ids["proposal"])
        proposal.name = "=HYPERLINK(\"http://x\")"
        db.session.commit()
        rembuk.resolve(session, _user(world.usernames["desa_a1"]))
        commitment_id = commitments.commit_meeting(session, _user(world.usernames["desa_a1"])).id
    client = login("desa_a1")
    activities = client.get(f"/komitmen/{commitment_id}/kegiatan.csv")
    assert activities.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(activities.data.decode("utf-8-sig")), delimiter=";"))
    names = [r[1] for r in rows[1:]]
    assert "'=HYPERLINK(\"http://x\")" in names
    scorecard = client.get(f"/komitmen/{commitment_id}/penggunaan-dana-desa.csv")
    lines = list(csv.reader(io.StringIO(scorecard.data.decode("utf-8-sig")), delimiter=";"))
    assert lines[0] == ["Bidang", "Uraian", "Total alokasi APBDes", "Alokasi pencegahan stunting", "Porsi"]
    assert lines[1][0] == "2" and lines[1][2] == "400000000"


def test_the_plan_file_resolves_to_the_committed_allocation(committed, login, app, tmp_path):
    client = login("kec_a1")
    response = client.get(f"/komitmen/{committed['commitment']}/rencana.json")
    data = json.loads(response.data)
    answer = solve_plan_file(data)["result"]
    assert answer["status"] == "optimal"
    units = {a["id"]: a["units"] for a in answer["allocations"]}
    for activity in committed["activities"].values():
        assert units[activity["key"]] == activity["units"]
    assert sum(a["cost"] for a in answer["allocations"]) == committed["cost"]
    # The same through the command line, as the APBDes team would run it.
    path = tmp_path / "rencana.json"
    path.write_bytes(response.data)
    run = app.test_cli_runner().invoke(args=["plan", "solve", str(path)])
    assert run.exit_code == 0, run.output
    printed = json.loads(run.output)
    assert printed["status"] == "optimal" and printed["total_cost"] == committed["cost"]
    assert {a["id"]: a["units"] for a in printed["allocations"]} == units


# --- Perubahan ---------------------------------------------------------------------------------------------

def test_perubahan_needs_a_reason_and_the_csrf_token(committed, login, app, client):
    client = login("desa_a1")
    url = f"/rencana/{committed['plan']}/perubahan"
    assert client.get(url).status_code == 200
    assert client.open(url, method="POST", csrf=False, data={"reason": "x"}).status_code == 400
    empty = client.post(url, data={"reason": "  "})
    assert empty.status_code == 422 and "Tulis alasan perubahan komitmen." in text_of(empty)
    with app.app_context():
        assert db.session.get(Plan, committed["plan"]).status == "committed"
    opened = client.post(url, data={"reason": "Harga telur naik"})
    assert opened.status_code == 303
    with app.app_context():
        assert db.session.get(Plan, committed["plan"]).status == "amending"
    form = client.get(f"/rencana/{committed['plan']}/rembuk/baru")
    assert form.status_code == 200 and "Harga telur naik" in form.text and "versi 2" in form.text


@pytest.mark.parametrize("who, status", [("kec_a1", 403), ("admin_a", 403), ("desa_b", 404)])
def test_only_the_village_opens_a_perubahan(committed, login, who, status, app):
    client = login(who)
    assert client.post(f"/rencana/{committed['plan']}/perubahan", data={"reason": "x"}).status_code == status
    with app.app_context():
        assert db.session.get(Plan, committed["plan"]).status == "committed"


def test_version_two_shows_what_changed_and_version_one_stays(committed, login, app, world):
    from datetime import date

    from planner.services import commitments, rembuk

    with app.test_request_context():
        plan = db.session.get(Plan, committed["plan"])
        user = _user(world.usernames["desa_a1"])
        rembuk.open_amendment(plan, user, "Jamban ditambah dari CSR")
        latrine = db.session.get(Proposal, committed["proposal"])
        latrine.name = "Jamban sehat keluarga (tahap 2)"
        db.session.commit()
        session = rembuk.open_meeting(plan, user, dict(held_on=date(2026, 10, 1), place="Balai Desa", chair="Sutrisno",
                                                       reason="Jamban ditambah dari CSR"))
        for attendee in list(session.attendees):      # carried over from version 1: confirmed present
            rembuk.confirm_attendee(session, user, attendee)
        rembuk.decide(session, user, latrine, "out", reason="Dibiayai CSR")
        v2 = commitments.commit_meeting(session, user).id
    client = login("desa_a1")
    page = text_of(client.get(f"/komitmen/{v2}"))
    assert "Yang berubah dari versi 1" in page and "dihapus" in page and "Jamban ditambah dari CSR" in page
    v1_pdf = _pdf_text(client.get(f"/komitmen/{committed['commitment']}/berita-acara.pdf").data)
    assert "Jamban sehat keluarga" in v1_pdf and "(tahap 2)" not in v1_pdf
    v1_page = text_of(client.get(f"/komitmen/{committed['commitment']}"))
    assert "digantikan versi 2" in v1_page
