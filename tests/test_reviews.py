"""Review threads: the kecamatan's note reaches the village's home page with a notice, the village answers
in the thread, the kecamatan sees the answer on its dashboard; scoping and CSRF as everywhere."""
from sqlalchemy import select

from planner.extensions import db
from planner.models import AuditEvent, ReviewComment

from .conftest import text_of


def _note(client, plan_id, body, parent=None, back=None):
    data = {"body": body}
    if parent:
        data["parent_id"] = str(parent)
    if back:
        data["kembali"] = back
    return client.post(f"/rencana/{plan_id}/komentar", data=data)


def test_a_note_reaches_the_village_home_with_a_notice_and_the_village_answers(app, world, login):
    plan_id = world.plans["a1x"]
    kec = login("kec_a1")
    assert _note(kec, plan_id, "Mohon tambahkan kelas untuk remaja putri.").status_code == 303
    kec.post("/keluar")
    desa = login("desa_a1")
    home = desa.get("/", follow_redirects=True)
    text = text_of(home)
    assert "1 catatan tinjauan dari kecamatan atau kabupaten menunggu jawaban desa." in text
    assert "Mohon tambahkan kelas untuk remaja putri." in text and "menunggu jawaban desa" in text
    plan_page = text_of(desa.get(f"/rencana/{plan_id}"))
    assert "1 catatan tinjauan menunggu jawaban desa." in plan_page
    with app.app_context():
        note_id = db.session.scalar(select(ReviewComment.id))
    answered = _note(desa, plan_id, "Sudah kami masukkan di usulan.", parent=note_id, back="desa")
    assert answered.status_code == 303 and answered.headers["Location"].endswith("#catatan")
    home = text_of(desa.get("/", follow_redirects=True))
    assert "menunggu jawaban desa" not in home and "Sudah kami masukkan di usulan." in home
    with app.app_context():
        reply = db.session.scalar(select(ReviewComment).where(ReviewComment.parent_id == note_id))
        assert reply.body == "Sudah kami masukkan di usulan."
        assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "comment.reply"))
    desa.post("/keluar")
    kec = login("kec_a1")
    dashboard = kec.get("/kecamatan/35.17.09/dasbor?tahun=2027")
    assert "jawaban desa" in text_of(dashboard)
    assert f'/rencana/{plan_id}#reviews' in dashboard.text


def test_only_officers_open_threads_and_replies_stay_in_their_plan(app, world, login):
    plan_id, other_plan = world.plans["a1x"], world.plans["a1y"]
    kec = login("kec_a1")
    _note(kec, plan_id, "Catatan pertama.")
    with app.app_context():
        note_id = db.session.scalar(select(ReviewComment.id))
    assert _note(kec, other_plan, "Balasan salah tempat", parent=note_id).status_code == 404
    kec.post("/keluar")
    desa = login("desa_a1")
    assert _note(desa, plan_id, "Desa membuka catatan sendiri").status_code == 403
    assert _note(desa, plan_id, "   ", parent=note_id).status_code == 303           # empty: a message, nothing saved
    desa.post("/keluar")
    neighbour = login("desa_a1y")
    assert _note(neighbour, plan_id, "Bukan desa saya", parent=note_id).status_code == 404
    neighbour.post("/keluar")
    outside = login("kec_a2")
    assert _note(outside, plan_id, "Luar wilayah").status_code == 404
    with app.app_context():
        assert db.session.query(ReviewComment).count() == 1


def test_an_officer_may_reply_in_a_thread_too(app, world, login):
    plan_id = world.plans["a1x"]
    kec = login("kec_a1")
    _note(kec, plan_id, "Pertanyaan.")
    kec.post("/keluar")
    admin = login("admin_a")
    with app.app_context():
        note_id = db.session.scalar(select(ReviewComment.id))
    assert _note(admin, plan_id, "Tambahan dari kabupaten.", parent=note_id).status_code == 303
    page = text_of(admin.get(f"/rencana/{plan_id}"))
    assert "Tambahan dari kabupaten." in page and "menunggu jawaban desa" in page


def test_replies_need_the_csrf_token(app, world, client):
    client.login(world.usernames["kec_a1"])
    response = client.open(f"/rencana/{world.plans['a1x']}/komentar", method="POST", csrf=False,
                           data={"body": "Tanpa token"})
    assert response.status_code == 400
