"""A user changes their own password: the current one first, the same rules as everywhere."""
import pytest
from sqlalchemy import select

from planner.extensions import db
from planner.models import AuditEvent

from .conftest import Client, text_of
from .factories import PASSWORD

NEW = "kebun-kopi-2027"


def _form(**changes):
    data = {"current": PASSWORD, "password": NEW, "password_repeat": NEW}
    data.update(changes)
    return data


def test_the_page_and_a_change_that_works(app, world, login):
    client = login("desa_a1")
    assert "Kata sandi sekarang" in text_of(client.get("/akun/sandi"))
    assert client.post("/akun/sandi", data=_form()).status_code == 303
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.password_change"))
        assert event.username == world.usernames["desa_a1"] and NEW not in str(event.details)
    app.test_client_class = Client
    fresh = app.test_client()
    assert fresh.post("/masuk", data={"username": world.usernames["desa_a1"], "password": PASSWORD}).status_code == 200
    fresh.login(world.usernames["desa_a1"], NEW)


@pytest.mark.parametrize("changes,message", [
    ({"current": "bukan-ini-123"}, "Kata sandi sekarang salah"),
    ({"password": "pendek", "password_repeat": "pendek"}, "Kata sandi paling sedikit 12 karakter."),
    ({"password": PASSWORD, "password_repeat": PASSWORD}, "sama dengan yang sekarang"),
    ({"password_repeat": "lain-sekali-99"}, "Kedua kata sandi tidak sama"),
])
def test_wrong_input_is_named_and_the_old_password_still_works(app, world, login, changes, message):
    client = login("desa_a1")
    response = client.post("/akun/sandi", data=_form(**changes))
    assert response.status_code == 422 and message in text_of(response)
    app.test_client_class = Client
    app.test_client().login(world.usernames["desa_a1"], PASSWORD)


def test_needs_log_in_and_csrf(app, world, client, login):
    assert client.get("/akun/sandi").status_code in (302, 303)
    client = login("desa_a1")
    assert client.post("/akun/sandi", data=_form(), csrf=False).status_code == 400
