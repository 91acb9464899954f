"""Logging in and out, the language switch, and that every page needs a user."""
from .conftest import text_of


def test_pages_need_login(client, world):
    response = client.get(f"/rencana/{world.plans['a1x']}")
    assert response.status_code == 303
    assert "/masuk" in response.headers["Location"]


def test_htmx_request_without_login_gets_hx_redirect(client, world):
    response = client.htmx("GET", f"/rencana/{world.plans['a1x']}")
    assert response.headers.get("HX-Redirect", "").startswith("/masuk")


def test_login_wrong_password_shows_indonesian_message(client, world):
    response = client.post("/masuk", data={"username": world.usernames["desa_a1"], "password": "salah"})
    assert response.status_code == 200
    assert "Nama pengguna atau kata sandi salah." in text_of(response)


def test_login_empty_fields_show_messages_at_fields(client, world):
    response = client.post("/masuk", data={"username": "", "password": ""})
    body = text_of(response)
    assert "Isi nama pengguna." in body and "Isi kata sandi." in body


def test_desa_user_lands_on_own_village(client, world):
    client.login(world.usernames["desa_a1"])
    response = client.get("/", follow_redirects=True)
    assert "Desa A1X" in text_of(response)


def test_login_follows_only_local_next(client, world):
    response = client.post("/masuk?next=https://evil.example/x",
                           data={"username": world.usernames["desa_a1"], "password": "rahasia-uji-123"})
    assert response.headers["Location"] == "/"


def test_login_without_csrf_is_rejected(client, world):
    response = client.post("/masuk", data={"username": world.usernames["desa_a1"], "password": "x"}, csrf=False)
    assert response.status_code == 400
    assert "CSRF" in text_of(response)


def test_logout_requires_post(login):
    client = login("desa_a1")
    assert client.get("/keluar").status_code == 405
    assert client.post("/keluar").status_code == 303
    assert client.get("/").status_code == 303  # back to the log-in page


def test_inactive_user_cannot_log_in(client, world, app):
    from planner.extensions import db
    from planner.models import User

    with app.app_context():
        user = db.session.query(User).filter_by(username=world.usernames["desa_a1"]).one()
        user.active = False
        db.session.commit()
    response = client.post("/masuk", data={"username": world.usernames["desa_a1"], "password": "rahasia-uji-123"})
    assert response.status_code == 200


def test_language_switch_to_english_and_back(login):
    client = login("desa_a1")
    response = client.post("/bahasa/en", data={"next": "/"})
    assert response.status_code == 303
    page = client.get("/", follow_redirects=True)
    assert 'lang="en"' in page.get_data(as_text=True)
    client.post("/bahasa/id", data={"next": "/"})
    page = client.get("/", follow_redirects=True)
    assert 'lang="id"' in page.get_data(as_text=True)
