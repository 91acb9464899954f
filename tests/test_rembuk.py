"""The rembuk stunting in the browser's terms: open, attend, decide on the projector, scenarios, commit."""
from datetime import date

import pytest
from sqlalchemy import select

from planner.extensions import db
from planner.models import Attendee, Commitment, Decision, Plan, Proposal, RembukMeeting, Scenario

from . import factories
from .conftest import text_of


@pytest.fixture
def meeting_plan(app, world):
    """A1X's plan with the meeting proposals; returns {name: proposal id} and the plan id."""
    with app.app_context():
        plan = db.session.get(Plan, world.plans["a1x"])
        factories.add_meeting_proposals(plan)
        ids = {p.name: p.id for p in plan.proposals}
        db.session.remove()
    return world.plans["a1x"], ids


def _open(client, plan_id, **extra):
    data = {"held_on": "12/08/2026", "place": "Balai Desa A1X", "chair": "Sutrisno", "facilitator": "Bu Wati (KPM)",
            "agenda": "1. Pembukaan", "review": "Tiap triwulan"}
    data.update(extra)
    return client.post(f"/rencana/{plan_id}/rembuk/baru", data=data)


def _meeting_id(app, plan_id):
    with app.app_context():
        return db.session.scalar(select(RembukMeeting.id).where(RembukMeeting.plan_id == plan_id))


def _attend(client, sid, name="Siti Aminah", role="bidan_desa", sex="P", **extra):
    return client.post(f"/rembuk/{sid}/hadir", data={"name": name, "role": role, "sex": sex, **extra})


def _decide(client, sid, proposal_id, action, units="", reason="", htmx=True):
    data = {"proposal_id": str(proposal_id), "action": action, "units": units, "reason": reason}
    if htmx:
        return client.htmx("POST", f"/rembuk/{sid}/keputusan", data=data)
    return client.post(f"/rembuk/{sid}/keputusan", data=data)


def _units(app, sid):
    """Units per proposal id in the session's latest answer."""
    from planner.services.plan_file_builder import proposal_id_of
    from planner.services.rembuk import meeting_suggestion

    with app.app_context():
        latest = meeting_suggestion(db.session.get(RembukMeeting, sid))
        return {proposal_id_of(a["id"]): a["units"] for a in latest.result["result"]["allocations"]}


# --- Opening ----------------------------------------------------------------------------------------------------

def test_the_operator_opens_a_rembuk_with_the_usual_agenda_prefilled(app, login, meeting_plan):
    plan_id, _ = meeting_plan
    client = login("desa_a1")
    form = client.get(f"/rencana/{plan_id}/rembuk/baru")
    assert form.status_code == 200
    assert "Balai Desa Desa A1X" in form.text and "Pembukaan" in form.text
    response = _open(client, plan_id)
    assert response.status_code == 303
    sid = _meeting_id(app, plan_id)
    assert response.headers["Location"].endswith(f"/rembuk/{sid}")
    page = client.get(f"/rembuk/{sid}")
    assert page.status_code == 200
    text = text_of(page)
    assert "Rabu, 12 Agustus 2026" in text and "Sutrisno" in text and "Buka layar rembuk" in text
    # A second "open" goes to the session already running instead of opening another.
    again = _open(client, plan_id)
    assert again.status_code == 303 and again.headers["Location"].endswith(f"/rembuk/{sid}")
    with app.app_context():
        assert db.session.query(RembukMeeting).count() == 1


def test_opening_without_date_place_or_chair_names_each_field(app, login, meeting_plan):
    plan_id, _ = meeting_plan
    client = login("desa_a1")
    response = _open(client, plan_id, held_on="31/02/2026", place=" ", chair="")
    assert response.status_code == 422
    text = text_of(response)
    assert "Tanggal tidak dikenali" in text and "Isi tempat rembuk." in text and "Isi nama pemimpin rembuk." in text
    assert 'value="31/02/2026"' in response.text
    assert _meeting_id(app, plan_id) is None


def test_only_the_village_operator_opens_a_rembuk(app, login, meeting_plan, world):
    plan_id, _ = meeting_plan
    for who, status in (("kec_a1", 403), ("admin_a", 403), ("desa_a1y", 404), ("desa_b", 404), ("kec_a2", 404)):
        client = login(who)
        assert client.get(f"/rencana/{plan_id}/rembuk/baru").status_code == status, who
        assert _open(client, plan_id).status_code == status, who
        client.post("/keluar")
    assert _meeting_id(app, plan_id) is None


def test_opening_needs_the_csrf_token(app, client, world, meeting_plan):
    plan_id, _ = meeting_plan
    client.login(world.usernames["desa_a1"])
    response = client.open(f"/rencana/{plan_id}/rembuk/baru", method="POST", csrf=False,
                           data={"held_on": "2026-08-12", "place": "Balai", "chair": "Sutrisno"})
    assert response.status_code == 400
    assert _meeting_id(app, plan_id) is None


def test_session_details_can_be_corrected_while_open(app, login, meeting_plan):
    plan_id, _ = meeting_plan
    client = login("desa_a1")
    _open(client, plan_id)
    sid = _meeting_id(app, plan_id)
    form = client.get(f"/rembuk/{sid}/ubah")
    assert form.status_code == 200 and 'value="2026-08-12"' in form.text
    response = client.post(f"/rembuk/{sid}/ubah", data={"held_on": "2026-08-13", "place": "Aula Posyandu",
                                                         "chair": "Sutrisno", "agenda": "", "review": ""})
    assert response.status_code == 303
    with app.app_context():
        session = db.session.get(RembukMeeting, sid)
        assert session.held_on == date(2026, 8, 13) and session.place == "Aula Posyandu"


# --- Attendance --------------------------------------------------------------------------------------------------

def test_attendance_counts_the_women_and_swaps_with_htmx(app, login, meeting_plan):
    plan_id, _ = meeting_plan
    client = login("desa_a1")
    _open(client, plan_id)
    sid = _meeting_id(app, plan_id)
    assert _attend(client, sid).status_code == 303
    response = client.htmx("POST", f"/rembuk/{sid}/hadir",
                           data={"name": "Pak Darmo", "role": "bpd", "sex": "L", "institution": "Ketua BPD",
                                 "signs": "y"})
    assert response.status_code == 200
    assert response.text.lstrip().startswith("<section") and 'id="attendance"' in response.text
    assert "2 hadir, 1 perempuan" in text_of(response)
    with app.app_context():
        darmo = db.session.scalar(select(Attendee).where(Attendee.name == "Pak Darmo"))
        assert darmo.signs and darmo.role == "bpd"
        darmo_id = darmo.id
    removed = client.htmx("POST", f"/rembuk/{sid}/hadir/{darmo_id}/hapus")
    assert removed.status_code == 200 and "1 hadir, 1 perempuan" in text_of(removed)


def test_attendee_errors_are_shown_at_their_fields_and_nothing_is_saved(app, login, meeting_plan):
    plan_id, _ = meeting_plan
    client = login("desa_a1")
    _open(client, plan_id)
    sid = _meeting_id(app, plan_id)
    response = client.htmx("POST", f"/rembuk/{sid}/hadir", data={"name": "", "role": "dukun", "sex": "X"})
    assert response.status_code == 422
    text = text_of(response)
    assert "Isi nama peserta." in text and "Pilih peran peserta." in text and "Pilih perempuan atau laki-laki." in text
    with app.app_context():
        assert db.session.query(Attendee).count() == 0


def test_kecamatan_follows_the_meeting_but_cannot_change_it(app, login, meeting_plan, client):
    plan_id, ids = meeting_plan
    desa = login("desa_a1")
    _open(desa, plan_id)
    sid = _meeting_id(app, plan_id)
    _attend(desa, sid)
    desa.post(f"/rembuk/{sid}/hitung")
    desa.post("/keluar")
    kec = login("kec_a1")
    page = kec.get(f"/rembuk/{sid}")
    assert page.status_code == 200 and "Siti Aminah" in page.text and "Tambah peserta" not in page.text
    board = kec.get(f"/rembuk/{sid}/layar")
    assert board.status_code == 200 and 'hx-trigger="every 15s"' in board.text and "Tetapkan unit" not in board.text
    assert _attend(kec, sid, name="Penyusup").status_code == 403
    assert _decide(kec, sid, ids["Kelas ibu hamil"], "out").status_code == 403
    assert kec.post(f"/rembuk/{sid}/urungkan").status_code == 403
    kec.post("/keluar")
    other = login("desa_b")
    assert other.get(f"/rembuk/{sid}").status_code == 404
    assert other.get(f"/rembuk/{sid}/layar").status_code == 404


# --- The projector -----------------------------------------------------------------------------------------------

def test_each_decision_resolves_and_shows_what_moved(app, login, meeting_plan):
    plan_id, ids = meeting_plan
    client = login("desa_a1")
    _open(client, plan_id)
    sid = _meeting_id(app, plan_id)
    first = client.htmx("POST", f"/rembuk/{sid}/hitung")
    assert first.status_code == 200 and 'id="board"' in first.text
    before = _units(app, sid)
    latrine = ids["Jamban sehat keluarga"]
    assert before[latrine] == 0

    locked = _decide(client, sid, latrine, "in", reason="Permintaan warga Dusun Krajan")
    assert locked.status_code == 200
    after = _units(app, sid)
    assert after[latrine] >= 1
    text = text_of(locked)
    assert "Yang berubah karena keputusan terakhir" in text and "Jamban sehat keluarga" in text
    assert "Permintaan warga Dusun Krajan" in text and "wajib didanai" in text

    pmt = ids["PMT ibu hamil KEK"]
    _decide(client, sid, pmt, "out", reason="Sudah ada dari Puskesmas")
    assert _units(app, sid)[pmt] == 0
    _decide(client, sid, ids["Kelas ibu hamil"], "units", units="12", reason="Satu kelas per bulan")
    assert _units(app, sid)[ids["Kelas ibu hamil"]] == 12
    with app.app_context():
        assert [d.action for d in db.session.scalars(select(Decision).order_by(Decision.id))] == ["in", "out", "units"]


def test_a_bad_units_value_is_shown_at_its_row_and_changes_nothing(app, login, meeting_plan):
    plan_id, ids = meeting_plan
    client = login("desa_a1")
    _open(client, plan_id)
    sid = _meeting_id(app, plan_id)
    client.post(f"/rembuk/{sid}/hitung")
    kelas = ids["Kelas ibu hamil"]
    response = _decide(client, sid, kelas, "units", units="500", reason="terlalu banyak")
    assert response.status_code == 422
    assert "Jumlah unit harus 0 (tidak didanai) atau antara 4 dan 24." in text_of(response)
    assert 'value="500"' in response.text and 'value="terlalu banyak"' in response.text
    assert f'id="err-u{kelas}"' in response.text
    not_a_number = _decide(client, sid, kelas, "units", units="dua belas")
    assert not_a_number.status_code == 422 and "Tulis bilangan bulat" in text_of(not_a_number)
    no_choice = _decide(client, sid, kelas, "", reason="Enter ditekan")
    assert no_choice.status_code == 422 and "Pilih keputusan" in text_of(no_choice)
    with app.app_context():
        assert db.session.query(Decision).count() == 0


def test_a_proposal_of_another_plan_cannot_be_decided(app, login, meeting_plan, world):
    plan_id, _ = meeting_plan
    client = login("desa_a1")
    _open(client, plan_id)
    sid = _meeting_id(app, plan_id)
    with app.app_context():
        foreign = db.session.scalar(select(Proposal.id).where(Proposal.plan_id == world.plans["bx"]))
        if foreign is None:
            bx = db.session.get(Plan, world.plans["bx"])
            foreign = factories.proposal(bx)
            db.session.commit()
            foreign = foreign.id
    response = _decide(client, sid, foreign, "in")
    assert response.status_code == 422 and "Usulan ini tidak ada di rencana ini." in text_of(response)
    with app.app_context():
        assert db.session.query(Decision).count() == 0


def test_undo_reverses_the_last_decision_and_keeps_it_in_the_record(app, login, meeting_plan):
    plan_id, ids = meeting_plan
    client = login("desa_a1")
    _open(client, plan_id)
    sid = _meeting_id(app, plan_id)
    client.post(f"/rembuk/{sid}/hitung")
    original = _units(app, sid)
    latrine = ids["Jamban sehat keluarga"]
    _decide(client, sid, latrine, "in")
    response = client.htmx("POST", f"/rembuk/{sid}/urungkan")
    assert response.status_code == 200
    assert _units(app, sid) == original
    assert "diurungkan" in text_of(response)
    with app.app_context():
        decision = db.session.scalar(select(Decision))
        assert decision.undone_at is not None
    nothing_left = client.htmx("POST", f"/rembuk/{sid}/urungkan")
    assert nothing_left.status_code == 422 and "Belum ada keputusan yang bisa dibatalkan." in text_of(nothing_left)


def test_plain_form_posts_work_without_javascript(app, login, meeting_plan):
    plan_id, ids = meeting_plan
    client = login("desa_a1")
    _open(client, plan_id)
    sid = _meeting_id(app, plan_id)
    assert client.post(f"/rembuk/{sid}/hitung").status_code == 303
    response = _decide(client, sid, ids["Jamban sehat keluarga"], "in", htmx=False)
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/rembuk/{sid}/layar")
    page = client.get(f"/rembuk/{sid}/layar")
    assert page.status_code == 200 and "projector.css" in page.text and "Jamban sehat keluarga" in page.text


def test_the_board_warns_when_a_proposal_changed_after_the_last_solve(app, login, meeting_plan):
    plan_id, ids = meeting_plan
    client = login("desa_a1")
    _open(client, plan_id)
    sid = _meeting_id(app, plan_id)
    client.post(f"/rembuk/{sid}/hitung")
    with app.app_context():
        db.session.get(Proposal, ids["Kelas ibu hamil"]).unit_cost = 800_000
        db.session.commit()
    page = client.get(f"/rembuk/{sid}/layar")
    assert "Usulan atau keputusan berubah sejak perhitungan ini" in text_of(page)


# --- Scenarios and alternatives -----------------------------------------------------------------------------

def test_two_scenarios_compared_and_one_taken_as_the_decision(app, login, meeting_plan):
    plan_id, ids = meeting_plan
    client = login("desa_a1")
    _open(client, plan_id)
    sid = _meeting_id(app, plan_id)
    client.post(f"/rembuk/{sid}/hitung")
    saved = client.htmx("POST", f"/rembuk/{sid}/skenario", data={"name": "Usulan pengoptimal"})
    assert saved.status_code == 200 and "Skenario “Usulan pengoptimal” tersimpan." in text_of(saved)
    latrine = ids["Jamban sehat keluarga"]
    _decide(client, sid, latrine, "units", units="3", reason="Tiga keluarga tanpa jamban")
    assert client.post(f"/rembuk/{sid}/skenario", data={"name": "Dengan jamban"}).status_code == 303
    duplicate = client.post(f"/rembuk/{sid}/skenario", data={"name": "Dengan jamban"})
    assert duplicate.status_code == 422 and "Sudah ada skenario bernama “Dengan jamban”." in text_of(duplicate)
    with app.app_context():
        a, b = db.session.scalars(select(Scenario).order_by(Scenario.id)).all()
        a_id, b_id, a_units = a.id, b.id, dict(a.allocation)
    comparison = client.get(f"/rembuk/{sid}/skenario/banding?a={a_id}&b={b_id}")
    assert comparison.status_code == 200
    text = text_of(comparison)
    assert "Yang berbeda" in text and "Jamban sehat keluarga" in text
    assert client.get(f"/rembuk/{sid}/skenario/banding?a={a_id}&b={a_id}").status_code == 422

    taken = client.post(f"/rembuk/{sid}/skenario/{a_id}/pakai", data={"reason": "Dampak terbesar"})
    assert taken.status_code == 303
    units = _units(app, sid)
    assert {f"u{k}": v for k, v in units.items()} == a_units
    with app.app_context():
        last = db.session.scalar(select(Decision).order_by(Decision.id.desc()))
        assert last.action == "scenario" and last.reason == "Dampak terbesar"


def test_alternatives_lose_at_most_the_chosen_share_and_can_be_kept(app, login, meeting_plan):
    plan_id, _ = meeting_plan
    client = login("desa_a1")
    _open(client, plan_id)
    sid = _meeting_id(app, plan_id)
    assert "Hitung ulang di layar rembuk dulu" in text_of(client.get(f"/rembuk/{sid}/alternatif"))
    client.post(f"/rembuk/{sid}/hitung")
    bad = client.get(f"/rembuk/{sid}/alternatif?susut=50")
    assert bad.status_code == 422 and "Pilih antara 0% dan 20%." in text_of(bad)
    page = client.get(f"/rembuk/{sid}/alternatif?susut=10")
    assert page.status_code == 200
    assert "Alternatif 1" in page.text
    kept = client.post(f"/rembuk/{sid}/alternatif/simpan", data={"index": "0", "susut": "10", "name": "Alternatif A"})
    assert kept.status_code == 303
    with app.app_context():
        scenario = db.session.scalar(select(Scenario))
        assert scenario.name == "Alternatif A"
        best = db.session.scalar(select(RembukMeeting).where(RembukMeeting.id == sid)).scenarios
    gone = client.post(f"/rembuk/{sid}/alternatif/simpan", data={"index": "9", "susut": "10", "name": "Tidak ada"})
    assert gone.status_code == 303
    assert "Alternatif ini tidak tersedia lagi" in client.get(gone.headers["Location"]).text


# --- Commit ----------------------------------------------------------------------------------------------------------

def test_commit_needs_attendance_a_current_answer_and_the_chairs_confirmation(app, login, meeting_plan):
    plan_id, ids = meeting_plan
    client = login("desa_a1")
    _open(client, plan_id)
    sid = _meeting_id(app, plan_id)
    page = client.get(f"/rembuk/{sid}/sahkan")
    assert page.status_code == 200
    text = text_of(page)
    assert "Catat dulu daftar hadir rembuk." in text and "Hitung dulu alokasi di layar rembuk." in text
    _attend(client, sid)
    client.post(f"/rembuk/{sid}/hitung")
    unconfirmed = client.post(f"/rembuk/{sid}/sahkan", data={})
    assert unconfirmed.status_code == 422 and "Centang pernyataan ini" in text_of(unconfirmed)
    with app.app_context():
        assert db.session.query(Commitment).count() == 0
        version = db.session.get(Plan, plan_id).version_id
    committed = client.post(f"/rembuk/{sid}/sahkan", data={"confirm": "y", "plan_version": str(version)})
    assert committed.status_code == 303
    with app.app_context():
        commitment = db.session.scalar(select(Commitment))
        assert commitment.version == 1 and db.session.get(Plan, plan_id).status == "committed"
        assert committed.headers["Location"].endswith(f"/komitmen/{commitment.id}")
    # Afterwards the session is read-only for everyone, and the commit page points to the commitment.
    assert _decide(client, sid, ids["Kelas ibu hamil"], "out").status_code == 403
    again = client.get(f"/rembuk/{sid}/sahkan")
    assert again.status_code == 303 and "/komitmen/" in again.headers["Location"]
    assert "Rembuk ini sudah disahkan" in text_of(client.get(f"/rembuk/{sid}/layar"))


def test_a_stale_page_cannot_commit_over_a_changed_plan(app, login, meeting_plan):
    plan_id, _ = meeting_plan
    client = login("desa_a1")
    _open(client, plan_id)
    sid = _meeting_id(app, plan_id)
    _attend(client, sid)
    client.post(f"/rembuk/{sid}/hitung")
    response = client.post(f"/rembuk/{sid}/sahkan", data={"confirm": "y", "plan_version": "999"})
    assert response.status_code == 422 and "baru saja disahkan atau diubah" in text_of(response)
    with app.app_context():
        assert db.session.query(Commitment).count() == 0


def test_the_room_asks_how_much_more_budget_would_bring_a_proposal_in(app, login, meeting_plan):
    plan_id, ids = meeting_plan
    client = login("desa_a1")
    _open(client, plan_id)
    sid = _meeting_id(app, plan_id)
    board = client.htmx("POST", f"/rembuk/{sid}/hitung").get_data(as_text=True)
    latrine = ids["Jamban sehat keluarga"]
    assert _units(app, sid)[latrine] == 0
    from planner.services.rembuk import meeting_suggestion
    with app.app_context():
        suggestion_id = meeting_suggestion(db.session.get(RembukMeeting, sid)).id
    url = f"/rencana/{plan_id}/usulan-alokasi/{suggestion_id}/anggaran/u{latrine}"
    assert f'hx-get="{url}"' in board
    answer = client.htmx("GET", url)
    assert answer.status_code == 200
    said = text_of(answer)
    assert "anggaran stunting" in said and ("masuk rencana terbaik bila" in said or "tidak masuk" in said
                                            or "pasti belum masuk" in said)
    # kept with the meeting's answer: the board shows it from now on
    assert said.strip() in text_of(client.get(f"/rembuk/{sid}/layar"))


def test_alternatives_run_as_a_job_once_per_answer_and_share(app, login, meeting_plan, monkeypatch):
    """The search runs in a background job (issue 22): kept as the job's result, so asking again for
    the same answer and share reads it instead of searching, and saving one reads the same list."""
    from planner.models import Job
    from planner.services import rembuk as rembuk_service

    plan_id, _ = meeting_plan
    client = login("desa_a1")
    _open(client, plan_id)
    sid = _meeting_id(app, plan_id)
    client.post(f"/rembuk/{sid}/hitung")
    calls = []
    real = rembuk_service.alternatives

    def counted(session, max_loss=0.02, count=3):
        calls.append(max_loss)
        return real(session, max_loss=max_loss, count=count)

    monkeypatch.setattr(rembuk_service, "alternatives", counted)
    assert "Alternatif 1" in client.get(f"/rembuk/{sid}/alternatif?susut=10").text
    assert "Alternatif 1" in client.get(f"/rembuk/{sid}/alternatif?susut=10").text
    assert calls == [0.1]
    with app.app_context():
        job = db.session.scalar(select(Job).where(Job.kind == rembuk_service.ALTERNATIVES_JOB))
        assert job.status == "done" and job.result["found"]
    kept = client.post(f"/rembuk/{sid}/alternatif/simpan", data={"index": "0", "susut": "10", "name": "Dari tugas"})
    assert kept.status_code == 303 and calls == [0.1]
    client.get(f"/rembuk/{sid}/alternatif?susut=5")
    assert calls == [0.1, 0.05]


def test_alternatives_page_shows_progress_while_the_job_runs(app, login, meeting_plan, monkeypatch):
    from planner import jobs

    plan_id, _ = meeting_plan
    client = login("desa_a1")
    _open(client, plan_id)
    sid = _meeting_id(app, plan_id)
    client.post(f"/rembuk/{sid}/hitung")
    monkeypatch.setattr(jobs.JobQueue, "submit", lambda self, job_id: None)     # no worker picks it up
    page = client.get(f"/rembuk/{sid}/alternatif?susut=10")
    assert page.status_code == 200
    assert 'http-equiv="refresh"' in page.text and "Buka halaman kemajuan" in text_of(page)
