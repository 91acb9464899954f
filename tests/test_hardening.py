"""Issue 22: no default secret, bounded input, trusted hosts, no-store, JSON API errors, failure
after commit, pg_dump's password. Request tests that run on SQLite and PostgreSQL."""
import subprocess
from types import SimpleNamespace

import pytest
from sqlalchemy.engine import make_url

from planner import create_app, secret_key
from planner.backup import backup_postgresql


# --- The secret key -------------------------------------------------------------------------------------------

def test_without_a_key_a_random_one_is_made_once_and_kept(tmp_path):
    app = SimpleNamespace(config={"SECRET_KEY": None, "ENV_NAME": "development"}, instance_path=str(tmp_path))
    secret_key.ensure(app)
    first = app.config["SECRET_KEY"]
    assert len(first) >= 40 and first != "dev-only-change-me"
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    again = SimpleNamespace(config={"SECRET_KEY": None, "ENV_NAME": "development"}, instance_path=str(tmp_path))
    secret_key.ensure(again)
    assert again.config["SECRET_KEY"] == first            # sessions survive a restart
    other = SimpleNamespace(config={"SECRET_KEY": None}, instance_path=str(tmp_path / "elsewhere"))
    secret_key.ensure(other)
    assert other.config["SECRET_KEY"] != first             # every installation its own


def test_production_refuses_to_start_without_a_key():
    with pytest.raises(secret_key.MissingSecretKey):
        create_app({"ENV_NAME": "production", "SECRET_KEY": None, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with pytest.raises(secret_key.MissingSecretKey):
        create_app({"ENV_NAME": "production", "SECRET_KEY": "short", "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_the_source_holds_no_default_key():
    from planner.config import Config

    import planner.config as config_module
    source = open(config_module.__file__).read()
    assert "dev-only" not in source
    assert Config.SECRET_KEY is None or Config.SECRET_KEY == __import__("os").environ.get("SECRET_KEY")


# --- Bounded input --------------------------------------------------------------------------------------------

HOSTILE = [
    ("admin_a", "/katalog/1?rencana=2147483648", (404,)),
    ("admin_a", "/katalog/1?rencana=99999999999999999999", (404,)),
    ("desa_a1", "/rencana/{a1x}/usulan/baru?katalog=²", (404,)),
    ("desa_a1", "/rencana/{a1x}/usulan/baru?katalog=9223372036854775808", (404,)),
    ("desa_a1", "/rencana/{a1x}/riwayat?halaman=9223372036854775808", (404,)),
    ("desa_a1", "/rencana/{a1x}/riwayat?halaman=-1", (404,)),
    ("desa_a1", "/rencana/{a1x}/riwayat?halaman=²", (404,)),
    ("admin_a", "/kabupaten/35.17/audit?halaman=9223372036854775808", (404,)),
    ("admin_a", "/kabupaten/35.17/audit?halaman=x", (404,)),
    ("admin_a", "/wilayah/35.17%00", (404,)),
    ("admin_a", "/wilayah/35.17%0A", (404,)),
    ("desa_a1", "/wilayah/35.17.09.2001/rencana/baru?tahun=99999999999999999999", (200,)),
]


@pytest.mark.parametrize("who,url,codes", HOSTILE)
def test_hostile_parameters_answer_400_or_404_never_500(login, world, who, url, codes):
    client = login(who)
    response = client.get(url.format(**{k: v for k, v in world.plans.items()}))
    assert response.status_code in codes


@pytest.mark.parametrize("query", ["code=x", "_method=POST", "_external=1", "_scheme=https", "_anchor=x",
                                   "tahun=2027&code=x"])
def test_home_passes_no_query_argument_on(login, world, query):
    client = login("admin_a")
    response = client.get(f"/?{query}")
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/kabupaten/35.17/dasbor")   # relative: never built from the Host header
    assert "code=" not in location and "_" not in location


def test_the_year_still_travels_from_home(login, world):
    response = login("admin_a").get("/?tahun=2027")
    assert response.headers["Location"].endswith("/kabupaten/35.17/dasbor?tahun=2027")


def test_a_host_that_is_not_trusted_is_refused(app, world):
    app.config["TRUSTED_HOSTS"] = ["planner.example"]
    try:
        client = app.test_client()
        assert client.get("/masuk", headers={"Host": "evil.example"}).status_code == 400
        assert client.get("/masuk", headers={"Host": "planner.example"}).status_code == 200
    finally:
        app.config["TRUSTED_HOSTS"] = None


# --- Cache-Control: no-store ----------------------------------------------------------------------------------

def test_signed_in_pages_api_and_downloads_are_not_stored(login, world):
    client = login("desa_a1")
    plan = world.plans["a1x"]
    for url in (f"/rencana/{plan}", "/akun/token", f"/rencana/{plan}/usulan.csv", f"/rencana/{plan}/rencana.json",
                "/api/v1/villages/35.17.09.2001/plans/2027"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response.headers.get("Cache-Control", ""), url


def test_static_files_stay_cacheable(client, world):
    response = client.get("/static/css/app.css?v=1")
    assert "no-store" not in response.headers.get("Cache-Control", "")


# --- JSON errors under /api/ ----------------------------------------------------------------------------------

def test_unknown_api_paths_and_wrong_methods_answer_json(login, world):
    client = login("admin_a")
    missing = client.get("/api/v1/tidak-ada")
    assert missing.status_code == 404 and missing.is_json
    assert missing.get_json()["error"]["code"] == "not_found"
    wrong = client.post("/api/v1/commitments?year=2027")
    assert wrong.status_code == 405 and wrong.is_json
    assert "GET" in wrong.headers["Allow"]
    assert wrong.get_json()["error"]["code"] == "method_not_allowed"
    anonymous = client.application.test_client().get("/api/v2/x")
    assert anonymous.is_json


def test_a_server_error_in_the_api_is_json(app, login, world, monkeypatch):
    from planner.api import routes as api_routes

    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(api_routes, "plan_for_year", boom)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        response = login("admin_a").get("/api/v1/villages/35.17.09.2001/plans/2027")
    finally:
        app.config["PROPAGATE_EXCEPTIONS"] = None
    assert response.status_code == 500 and response.is_json
    assert response.get_json()["error"]["code"] == "server_error"


# --- A failure after a commit ---------------------------------------------------------------------------------

def test_a_failure_after_the_commit_never_says_nothing_changed(app, login, world, monkeypatch):
    from planner.plans import routes as plan_routes

    client = login("desa_a1")
    plan = world.plans["a1x"]
    original = plan_routes.see_other

    def fail_after_commit(*args, **kwargs):
        raise RuntimeError("the connection dropped after COMMIT")

    page = client.get(f"/rencana/{plan}/ubah")
    assert page.status_code == 200
    monkeypatch.setattr(plan_routes, "see_other", fail_after_commit)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        from .test_plans import VALID
        response = client.post(f"/rencana/{plan}/ubah", data={**VALID, "version_id": "1"})
    finally:
        app.config["PROPAGATE_EXCEPTIONS"] = None
        monkeypatch.setattr(plan_routes, "see_other", original)
    assert response.status_code == 500
    from .conftest import text_of
    body = text_of(response)
    assert "Data yang sudah tersimpan tidak berubah" not in body
    assert "mungkin sudah tersimpan" in body


def test_a_failure_before_any_commit_says_nothing_changed(app, login, world, monkeypatch):
    from planner.plans import routes as plan_routes

    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    client = login("desa_a1")
    monkeypatch.setattr(plan_routes, "plan_overview", boom)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        response = client.get(f"/rencana/{world.plans['a1x']}")
    finally:
        app.config["PROPAGATE_EXCEPTIONS"] = None
    assert response.status_code == 500
    assert "Data yang sudah tersimpan tidak berubah" in response.get_data(as_text=True)


# --- pg_dump's password ---------------------------------------------------------------------------------------

def test_pg_dump_gets_the_password_through_its_environment(tmp_path, monkeypatch):
    seen = {}

    def fake_run(args, **kwargs):
        seen["args"], seen["env"] = args, kwargs.get("env") or {}
        (tmp_path / "out.dump.partial").write_bytes(b"x")
        return subprocess.CompletedProcess(args, 0, "", "")

    monkeypatch.setattr("planner.backup.shutil.which", lambda name: "/usr/bin/pg_dump")
    monkeypatch.setattr("planner.backup.subprocess.run", fake_run)
    url = make_url("postgresql+psycopg://planner:s3cret-Pass@db.example:5432/planner")
    backup_postgresql(url, tmp_path / "out.dump")
    assert not any("s3cret-Pass" in str(arg) for arg in seen["args"])
    assert seen["env"]["PGPASSWORD"] == "s3cret-Pass"
    assert any("db.example" in str(arg) for arg in seen["args"])


# --- One import, confirmed once ---------------------------------------------------------------------------------

def test_four_simultaneous_confirmations_add_the_rows_once(app, login, world):
    import io
    import re
    import threading

    from sqlalchemy import func, select

    from planner.extensions import db
    from planner.models import Proposal

    from .conftest import Client
    from .test_transfer import upload

    client = login("desa_a1")
    plan = world.plans["a1x"]
    csv = ("nama;kategori;paket;sasaran;satuan;biaya_satuan;unit_maks;dampak_per_unit\r\n"
           "Kelas ibu hamil;spesifik;kia;ibu_hamil;kelas;750000;12;0,004\r\n").encode()
    preview = upload(client, plan, csv)
    token = re.search(r'name="rows"[^>]*value="([^"]+)"', preview.get_data(as_text=True)).group(1)
    with app.app_context():
        before = db.session.scalar(select(func.count(Proposal.id)).where(Proposal.plan_id == plan))
    cookies = [(c.key, c.value, c.domain, c.path) for c in client._cookies.values()]
    barrier, codes = threading.Barrier(4), []

    def confirm():
        app.test_client_class = Client
        c = app.test_client()
        for key, value, domain, path in cookies:
            c.set_cookie(key, value, domain=domain, path=path)
        barrier.wait()
        codes.append(c.post(f"/rencana/{plan}/impor/simpan", data={"rows": token}).status_code)

    threads = [threading.Thread(target=confirm) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with app.app_context():
        after = db.session.scalar(select(func.count(Proposal.id)).where(Proposal.plan_id == plan))
    assert after == before + 1
    assert codes == [303] * 4          # each is sent back to a page that says what happened
