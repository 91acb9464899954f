"""A perubahan starts from the version it amends: its attendance (to confirm), its decisions with their
reasons and the other bodies' pledges are carried over; dropping what the earlier rembuk decided wajib
needs a reason, which the diff between versions shows."""
from datetime import date

import pytest
from sqlalchemy import select

from planner.extensions import db
from planner.models import Commitment, Decision, Plan, Proposal, RembukMeeting

from . import factories
from .conftest import text_of
from .test_commitment_frozen import _user


@pytest.fixture
def version_one(app, world):
    """A1X committed version 1: the latrines decided wajib, the PMT for KEK mothers struck out, two people
    present (one signs), and the puskesmas' pledge."""
    from planner.services import commitments, rembuk

    with app.test_request_context():
        plan = db.session.get(Plan, world.plans["a1x"])
        factories.add_meeting_proposals(plan)
        user = _user(world.usernames["desa_a1"])
        by_name = {p.name: p for p in plan.proposals}
        session = rembuk.open_meeting(plan, user, dict(held_on=date(2026, 8, 12), place="Balai Desa A1X",
                                                       chair="Sutrisno"))
        rembuk.add_attendee(session, user, dict(name="Sutrisno", role="kepala_desa", sex="L"))
        rembuk.add_attendee(session, user, dict(name="Siti Aminah", role="bidan_desa", sex="P", signs=True))
        rembuk.add_pledge(session, user, dict(body="Puskesmas Peterongan", what="MMS untuk semua ibu hamil",
                                              months=[1, 2, 3]))
        rembuk.resolve(session, user)
        rembuk.decide(session, user, by_name["Jamban sehat keluarga"], "in", reason="Permintaan warga Dusun Krajan")
        rembuk.decide(session, user, by_name["PMT ibu hamil KEK"], "out", reason="Sudah ada PMT dari Puskesmas")
        commitment = commitments.commit_meeting(session, user)
        ids = {"plan": plan.id, "commitment": commitment.id, "latrine": by_name["Jamban sehat keluarga"].id,
               "kek": by_name["PMT ibu hamil KEK"].id, "kelas": by_name["Kelas ibu hamil"].id}
        db.session.remove()
    return ids


def _open_perubahan(app, world, plan_id):
    from planner.services import rembuk

    with app.test_request_context():
        plan = db.session.get(Plan, plan_id)
        user = _user(world.usernames["desa_a1"])
        rembuk.open_amendment(plan, user, "Harga telur naik")
        session = rembuk.open_meeting(plan, user, dict(held_on=date(2026, 10, 1), place="Balai Desa A1X",
                                                       chair="Sutrisno", reason="Harga telur naik"))
        sid = session.id
        db.session.remove()
    return sid


def test_a_perubahan_starts_from_the_decisions_attendance_and_pledges_it_amends(app, world, version_one, login):
    sid = _open_perubahan(app, world, version_one["plan"])
    with app.app_context():
        session = db.session.get(RembukMeeting, sid)
        carried = {d.proposal_id: (d.action, d.reason) for d in session.decisions}
        assert carried == {version_one["latrine"]: ("in", "Permintaan warga Dusun Krajan"),
                           version_one["kek"]: ("out", "Sudah ada PMT dari Puskesmas")}
        assert all(d.carried_from_id for d in session.decisions)
        assert [(a.name, a.carried, a.signs) for a in session.attendees] == [("Sutrisno", True, False),
                                                                             ("Siti Aminah", True, True)]
        assert [(p.body, p.months, p.carried) for p in session.pledges] == [("Puskesmas Peterongan", [1, 2, 3], True)]
    client = login("desa_a1")
    page = text_of(client.get(f"/rembuk/{sid}"))
    assert "2 peserta dibawa dari rembuk versi sebelumnya" in page and "belum dikonfirmasi" in page
    assert "dari rembuk versi sebelumnya" in page and "Puskesmas Peterongan" in page
    assert "Konfirmasi kehadiran 2 peserta dari rembuk sebelumnya" in page


def test_the_meeting_confirms_who_came_before_it_commits(app, world, version_one, login):
    sid = _open_perubahan(app, world, version_one["plan"])
    client = login("desa_a1")
    client.post(f"/rembuk/{sid}/hitung")
    refused = client.post(f"/rembuk/{sid}/sahkan", data={"confirm": "y"})
    assert refused.status_code == 422 and "Konfirmasi kehadiran 2 peserta" in text_of(refused)
    with app.app_context():
        ids = [a.id for a in db.session.get(RembukMeeting, sid).attendees]
    confirmed = client.htmx("POST", f"/rembuk/{sid}/hadir/{ids[0]}/konfirmasi")
    assert confirmed.status_code == 200 and "1 hadir, 0 perempuan" in text_of(confirmed)
    assert client.post(f"/rembuk/{sid}/hadir/{ids[1]}/hapus").status_code == 303
    committed = client.post(f"/rembuk/{sid}/sahkan", data={"confirm": "y"})
    assert committed.status_code == 303
    with app.app_context():
        v2 = db.session.scalar(select(Commitment).where(Commitment.version == 2))
        assert [a["name"] for a in v2.content["attendance"]] == ["Sutrisno"]
        units = {a["proposal_id"]: a["units"] for a in v2.content["activities"]}
        # The carried decisions held: the latrines are still funded, the PMT for KEK mothers still out.
        assert units.get(version_one["latrine"], 0) > 0 and version_one["kek"] not in units
        assert v2.content["pledges"] == [{"body": "Puskesmas Peterongan", "what": "MMS untuk semua ibu hamil",
                                          "months": [1, 2, 3]}]


def test_dropping_a_carried_wajib_needs_a_reason_and_the_diff_shows_it(app, world, version_one, login):
    sid = _open_perubahan(app, world, version_one["plan"])
    client = login("desa_a1")
    with app.app_context():
        attendees = [a.id for a in db.session.get(RembukMeeting, sid).attendees]
    for aid in attendees:
        assert client.post(f"/rembuk/{sid}/hadir/{aid}/konfirmasi").status_code == 303
    client.post(f"/rembuk/{sid}/hitung")
    for action, units in (("out", ""), ("free", ""), ("units", "0")):
        refused = client.htmx("POST", f"/rembuk/{sid}/keputusan",
                              data={"proposal_id": version_one["latrine"], "action": action, "units": units, "reason": ""})
        assert refused.status_code == 422, action
        assert "Rembuk versi sebelumnya memutuskan kegiatan ini wajib" in text_of(refused)
    # Urungkan cannot undo what the amended version decided.
    undo = client.htmx("POST", f"/rembuk/{sid}/urungkan")
    assert undo.status_code == 422 and "tidak dibatalkan dengan Urungkan" in text_of(undo)
    # Other decisions need no reason, and the carried "out" can be lifted with one.
    assert client.htmx("POST", f"/rembuk/{sid}/keputusan",
                       data={"proposal_id": version_one["kelas"], "action": "units", "units": "12"}).status_code == 200
    dropped = client.htmx("POST", f"/rembuk/{sid}/keputusan",
                          data={"proposal_id": version_one["latrine"], "action": "out",
                                "reason": "Jamban dibangun dari CSR pabrik gula"})
    assert dropped.status_code == 200
    assert client.post(f"/rembuk/{sid}/sahkan", data={"confirm": "y"}).status_code == 303
    with app.app_context():
        v2 = db.session.scalar(select(Commitment).where(Commitment.version == 2)).id
    page = text_of(client.get(f"/komitmen/{v2}"))
    assert "Yang berubah dari versi 1" in page and "wajib di versi 1" in page
    assert "Jamban sehat keluarga · Dusun Krajan" in page and "Jamban dibangun dari CSR pabrik gula" in page
    pdf = client.get(f"/komitmen/{v2}/berita-acara.pdf")
    from .test_commitment_documents import _pdf_text

    text = _pdf_text(pdf.data)
    assert "Perubahan komitmen" in text and "Jamban dibangun dari CSR pabrik gula" in text
    assert "(dari rembuk versi sebelumnya)" in text


def test_a_first_rembuk_carries_nothing(app, world, login):
    client = login("desa_a1")
    plan_id = world.plans["a1x"]
    assert client.post(f"/rencana/{plan_id}/rembuk/baru", data={
        "held_on": "12/08/2026", "place": "Balai Desa", "chair": "Sutrisno"}).status_code == 303
    with app.app_context():
        session = db.session.scalar(select(RembukMeeting).where(RembukMeeting.plan_id == plan_id))
        assert session.decisions == [] and session.attendees == [] and session.pledges == []
        assert db.session.scalar(select(Decision.id).where(Decision.carried_from_id.is_not(None))) is None


def test_pledges_are_added_and_removed_by_the_operator_only(app, world, login):
    client = login("desa_a1")
    plan_id = world.plans["a1x"]
    client.post(f"/rencana/{plan_id}/rembuk/baru", data={"held_on": "12/08/2026", "place": "Balai", "chair": "S"})
    with app.app_context():
        sid = db.session.scalar(select(RembukMeeting.id).where(RembukMeeting.plan_id == plan_id))
    empty = client.htmx("POST", f"/rembuk/{sid}/komitmen-lembaga", data={"body": "", "what": ""})
    assert empty.status_code == 422 and "Isi nama lembaga" in text_of(empty) and "Tulis apa yang akan" in text_of(empty)
    added = client.htmx("POST", f"/rembuk/{sid}/komitmen-lembaga",
                        data={"body": "TP PKK", "what": "Menggerakkan ibu hamil ke posyandu", "months": ["4", "5", "6"]})
    assert added.status_code == 200 and "TP PKK" in text_of(added) and "Triwulan II" in text_of(added)
    with app.app_context():
        pledge = db.session.get(RembukMeeting, sid).pledges[0]
        assert (pledge.body, pledge.months) == ("TP PKK", [4, 5, 6])
        pid = pledge.id
    client.post("/keluar")
    officer = login("kec_a1")
    assert officer.post(f"/rembuk/{sid}/komitmen-lembaga/{pid}/hapus").status_code == 403
    officer.post("/keluar")
    owner = login("desa_a1")
    assert owner.post(f"/rembuk/{sid}/komitmen-lembaga/{pid}/hapus").status_code == 303
    with app.app_context():
        assert db.session.get(RembukMeeting, sid).pledges == []
