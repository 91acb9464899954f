"""Kabupaten admins manage the accounts of their kabupaten: add, change, reset a password,
deactivate and reactivate; never outside the kabupaten, never their own role or status."""
import pytest
from sqlalchemy import select

from planner.extensions import db
from planner.models import AuditEvent, User
from planner.services.users import password_problems

from .conftest import text_of
from .factories import PASSWORD


def _user(app, username):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        return None if user is None else {"id": user.id, "name": user.name, "role": user.role,
                                          "region": user.region.code, "active": user.active,
                                          "hash": user.password_hash}


def new_user(world, **overrides):
    data = {"username": "kader.baru", "name": "Kader Baru", "role": "desa",
            "region_id": str(world.region_ids["a1y"]), "password": "sawah-hijau-2027",
            "password_repeat": "sawah-hijau-2027"}
    data.update(overrides)
    return data


def test_the_list_shows_the_kabupaten_accounts_only(login, world):
    page = text_of(login("admin_a").get("/kabupaten/35.17/pengguna"))
    assert "desa.a1x" in page and "kec.a2" in page and "admin.a" in page
    assert "desa.bx" not in page and "admin.b" not in page


@pytest.mark.parametrize("who", ["kec_a1", "desa_a1"])
def test_other_roles_are_refused(login, world, who):
    client = login(who)
    assert client.get("/kabupaten/35.17/pengguna").status_code == 403
    assert client.post("/kabupaten/35.17/pengguna/baru", data=new_user(world)).status_code == 403


def test_admin_adds_a_village_operator_who_can_then_log_in(app, login, world, client):
    response = login("admin_a").post("/kabupaten/35.17/pengguna/baru", data=new_user(world))
    assert response.status_code == 303
    created = _user(app, "kader.baru")
    assert created["role"] == "desa" and created["region"] == "35.17.09.2002" and created["active"]
    assert "sawah-hijau-2027" not in created["hash"]
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.create"))
        assert event.target == "kader.baru" and "sawah" not in str(event.details)
    client.post("/keluar")
    app.test_client_class = type(client)
    fresh = app.test_client()
    fresh.login("kader.baru", "sawah-hijau-2027")
    assert fresh.get("/rencana/%d" % world.plans["a1y"]).status_code == 200


@pytest.mark.parametrize("field,value,message", [
    ("username", "a", "Nama pengguna 3–80 karakter"),
    ("username", "desa.a1x", "Nama pengguna ini sudah dipakai"),
    ("name", "", "Isi nama lengkap"),
    ("password", "pendek", "Kata sandi paling sedikit 12 karakter."),
    ("password", "1234567890", "tidak boleh hanya angka"),
    ("password_repeat", "lain-sama-sekali", "Kedua kata sandi tidak sama"),
])
def test_bad_input_is_named_at_the_field_and_nothing_is_saved(app, login, world, field, value, message):
    data = new_user(world, **{field: value})
    if field == "password":
        data["password_repeat"] = value
    response = login("admin_a").post("/kabupaten/35.17/pengguna/baru", data=data)
    assert response.status_code == 422
    assert message in text_of(response)
    if field != "username" or value != "desa.a1x":
        assert _user(app, data["username"]) is None


def test_a_role_must_sit_at_a_region_of_its_level(app, login, world):
    data = new_user(world, role="kecamatan", region_id=str(world.region_ids["a1y"]))
    response = login("admin_a").post("/kabupaten/35.17/pengguna/baru", data=data)
    assert response.status_code == 422 and "Petugas kecamatan ditempatkan di sebuah kecamatan" in text_of(response)
    assert _user(app, "kader.baru") is None


def test_a_region_of_another_kabupaten_is_refused(app, login, world):
    data = new_user(world, region_id=str(world.region_ids["bx"]))
    response = login("admin_a").post("/kabupaten/35.17/pengguna/baru", data=data)
    assert response.status_code == 422 and "Pilih wilayah di kabupaten ini" in text_of(response)
    assert _user(app, "kader.baru") is None


def test_accounts_of_another_kabupaten_are_404(app, login, world):
    other = _user(app, "desa.bx")["id"]
    client = login("admin_a")
    for url in (f"/kabupaten/35.17/pengguna/{other}/ubah", f"/kabupaten/35.17/pengguna/{other}/sandi"):
        assert client.get(url).status_code == 404
    assert client.post(f"/kabupaten/35.17/pengguna/{other}/nonaktifkan").status_code == 404
    assert _user(app, "desa.bx")["active"]


def test_admin_changes_an_account_and_the_history_says_what(app, login, world):
    target = _user(app, "desa.a1y")["id"]
    client = login("admin_a")
    response = client.post(f"/kabupaten/35.17/pengguna/{target}/ubah", data={
        "name": "Bu Sari", "role": "desa", "region_id": str(world.region_ids["a2x"]), "active": "y"})
    assert response.status_code == 303
    changed = _user(app, "desa.a1y")
    assert changed["name"] == "Bu Sari" and changed["region"] == "35.17.10.2001"
    page = text_of(client.get("/kabupaten/35.17/pengaturan"))
    assert "desa.a1y" in page


def test_an_admin_cannot_demote_or_deactivate_themselves(app, login, world):
    me = _user(app, "admin.a")["id"]
    client = login("admin_a")
    response = client.post(f"/kabupaten/35.17/pengguna/{me}/ubah", data={
        "name": "Admin A", "role": "kecamatan", "region_id": str(world.region_ids["kec_a1"])})
    assert response.status_code == 422
    body = text_of(response)
    assert "Anda tidak dapat mengubah peran akun Anda sendiri" in body
    assert "Anda tidak dapat menonaktifkan akun Anda sendiri" in body
    assert _user(app, "admin.a")["role"] == "admin"
    assert client.post(f"/kabupaten/35.17/pengguna/{me}/nonaktifkan").status_code == 303
    assert _user(app, "admin.a")["active"]


def test_a_deactivated_account_cannot_log_in_until_reactivated(app, login, world):
    target = _user(app, "desa.a1y")["id"]
    client = login("admin_a")
    assert client.post(f"/kabupaten/35.17/pengguna/{target}/nonaktifkan").status_code == 303
    assert not _user(app, "desa.a1y")["active"]
    other = app.test_client()
    refused = other.post("/masuk", data={"username": "desa.a1y", "password": PASSWORD})
    assert refused.status_code != 303
    assert client.post(f"/kabupaten/35.17/pengguna/{target}/aktifkan").status_code == 303
    assert _user(app, "desa.a1y")["active"]


def test_password_reset_follows_the_rules(app, login, world):
    target = _user(app, "desa.a1y")
    client = login("admin_a")
    url = f"/kabupaten/35.17/pengguna/{target['id']}/sandi"
    weak = client.post(url, data={"password": "password123", "password_repeat": "password123"})
    assert weak.status_code == 422 and "terlalu umum" in text_of(weak)
    assert _user(app, "desa.a1y")["hash"] == target["hash"]
    ok = client.post(url, data={"password": "kebun-kopi-99", "password_repeat": "kebun-kopi-99"})
    assert ok.status_code == 303
    assert _user(app, "desa.a1y")["hash"] != target["hash"]


def test_posts_without_csrf_are_refused(app, login, world):
    target = _user(app, "desa.a1y")["id"]
    client = login("admin_a")
    assert client.post("/kabupaten/35.17/pengguna/baru", data=new_user(world), csrf=False).status_code == 400
    assert client.post(f"/kabupaten/35.17/pengguna/{target}/nonaktifkan", csrf=False).status_code == 400
    assert _user(app, "kader.baru") is None and _user(app, "desa.a1y")["active"]


@pytest.mark.parametrize("password,username,ok", [
    ("sawah-hijau-2027", "budi", True),
    ("budi-sawah-2027", "budi", False),
    ("Password123", "", False),
    ("123456789012", "", False),
    ("singkat", "", False),
])
def test_password_rules(password, username, ok):
    assert (password_problems(password, username) == []) is ok


# --- Accounts in bulk, last log-in (issue 21 item 9) ------------------------------------------------------------

def test_accounts_in_bulk_from_the_region_list_with_a_printable_sheet(app, login, world):
    from planner.models import Region

    with app.app_context():
        kec = db.session.scalar(select(Region).where(Region.code == "35.17.09"))
        for code, name in (("35.17.09.2003", "Sumber Rejo"), ("35.17.09.2004", "Sumber-Rejo")):
            db.session.add(Region(code=code, name=name, level="desa", parent=kec))
        db.session.commit()
    client = login("admin_a")
    page = client.get("/kabupaten/35.17/pengguna/massal?kecamatan=35.17.09")
    assert page.status_code == 200
    body = text_of(page)
    assert "desa.sumberrejo" in body and "desa.sumberrejo.kecamatana1" in body
    assert "Desa A1X" not in body                      # it has an operator already
    with app.app_context():
        ids = [str(i) for i in db.session.scalars(select(Region.id).where(Region.code.like("35.17.09.200_"),
                                                                         Region.code >= "35.17.09.2003"))]
    sheet = client.post("/kabupaten/35.17/pengguna/massal", data={"kecamatan": "35.17.09", "region_id": ids})
    assert sheet.status_code == 200 and sheet.headers["Cache-Control"] == "no-store"
    import re
    passwords = re.findall(r'class="first-password">([^<]+)<', sheet.get_data(as_text=True))
    assert len(passwords) == 2 and all(len(p) >= 12 for p in passwords)
    with app.app_context():
        made = db.session.scalars(select(User).where(User.username.like("desa.sumberrejo%"))).all()
        assert len(made) == 2 and all(u.must_change_password and u.role == "desa" for u in made)
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.bulk_create"))
        assert event.details["count"] == 2 and not any(p in str(event.details) for p in passwords)
    # The operator logs in with the printed password and must choose a new one first.
    from .conftest import Client
    app.test_client_class = Client
    operator = app.test_client()
    first = operator.post("/masuk", data={"username": "desa.sumberrejo", "password": passwords[0]})
    assert first.status_code == 303 and first.headers["Location"].endswith("/akun/sandi")
    # Made once: the page no longer offers them, and posting again makes nothing.
    again = client.post("/kabupaten/35.17/pengguna/massal", data={"kecamatan": "35.17.09", "region_id": ids})
    assert again.status_code in (200, 422) and "desa.sumberrejo" not in text_of(again).replace("desa.sumberrejo.", "")


def test_bulk_needs_the_admin_and_csrf(app, login, world):
    client = login("admin_a")
    assert client.post("/kabupaten/35.17/pengguna/massal", data={"region_id": ["1"]}, csrf=False).status_code == 400
    client.post("/keluar")
    assert login("kec_a1").get("/kabupaten/35.17/pengguna/massal").status_code in (403, 404)


def test_the_list_shows_the_last_log_in(app, login, world):
    client = login("admin_a")
    body = text_of(client.get("/kabupaten/35.17/pengguna"))
    assert "Masuk terakhir" in body and "belum pernah" in body
