"""Passwords the app stores are hashed with scrypt, whatever cheap hash the test world's users carry.

`tests/factories.py` gives the world's users a one-round PBKDF2 hash so that the suite's log-ins
are cheap; these tests keep the production setting under test."""
from sqlalchemy import select
from werkzeug.security import check_password_hash

from planner.extensions import db
from planner.models import User

from .conftest import Client
from .factories import PASSWORD


def test_a_password_set_by_the_app_is_stored_with_scrypt():
    user = User(username="kader.baru", name="Kader Baru", role="desa")
    user.set_password("sawah-hijau-2027")
    assert user.password_hash.startswith("scrypt:")
    assert user.check_password("sawah-hijau-2027") and not user.check_password(PASSWORD)


def test_an_account_added_by_an_admin_gets_a_scrypt_hash_and_logs_in(app, login, world):
    data = {"username": "kader.baru", "name": "Kader Baru", "role": "desa",
            "region_id": str(world.region_ids["a1y"]), "password": "sawah-hijau-2027",
            "password_repeat": "sawah-hijau-2027"}
    assert login("admin_a").post("/kabupaten/35.17/pengguna/baru", data=data).status_code == 303
    with app.app_context():
        stored = db.session.scalar(select(User.password_hash).where(User.username == "kader.baru"))
    assert stored.startswith("scrypt:") and check_password_hash(stored, "sawah-hijau-2027")
    app.test_client_class = Client
    app.test_client().login("kader.baru", "sawah-hijau-2027")
