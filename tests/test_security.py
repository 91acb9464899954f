"""Security headers, cache-busted static files, the health check, log-in lock-out and the audit of
log-ins and refusals."""
import re

from sqlalchemy import select

from planner.extensions import db
from planner.models import AuditEvent

from .conftest import text_of
from .factories import PASSWORD


def _events(app, action):
    with app.app_context():
        return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                  .order_by(AuditEvent.id)).all()


def test_pages_carry_security_headers_and_a_strict_csp(client, world):
    response = client.get("/masuk")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    body = response.get_data(as_text=True)
    # No inline script or style for the policy to block; htmx told not to inject its styles.
    assert not re.search(r"<script(?![^>]*\bsrc=)", body)
    assert "<style" not in body and " style=" not in body
    assert '"includeIndicatorStyles": false' in body


def test_session_cookie_is_httponly_and_samesite(client, world):
    response = client.post("/masuk", data={"username": world.usernames["desa_a1"], "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_static_files_are_versioned_and_cached_long(client, world):
    body = client.get("/masuk").get_data(as_text=True)
    href = re.search(r'href="(/static/css/app\.css\?v=[0-9a-f]{10})"', body).group(1)
    response = client.get(href)
    assert response.status_code == 200
    assert "immutable" in response.headers["Cache-Control"] and "max-age=31536000" in response.headers["Cache-Control"]
    # Without the version the browser must revalidate.
    assert "immutable" not in (client.get("/static/css/app.css").headers.get("Cache-Control") or "")


def test_health_reports_database_and_solvers_without_login(client, world):
    response = client.get("/health")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok" and body["database"]["ok"] and body["database"]["latest"]
    assert "cbc" in body["solvers"] or "highs" in body["solvers"]


def test_logins_and_failures_are_audited_without_the_password(app, client, world):
    name = world.usernames["desa_a1"]
    client.post("/masuk", data={"username": name, "password": "salah-sekali"})
    client.post("/masuk", data={"username": name, "password": PASSWORD})
    failed, ok = _events(app, "auth.login_failed"), _events(app, "auth.login")
    assert [e.target for e in failed] == [name] and failed[0].ip == "127.0.0.1"
    assert [e.username for e in ok] == [name]
    assert "salah-sekali" not in str(failed[0].details) and PASSWORD not in str(ok[0].details)


def test_too_many_failures_lock_the_name_out_even_with_the_right_password(app, client, world):
    name = world.usernames["desa_a1"]
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert client.post("/masuk", data={"username": name, "password": "tebak-tebakan"}).status_code == 200
    locked = client.post("/masuk", data={"username": name, "password": PASSWORD})
    assert locked.status_code == 429
    assert "Terlalu banyak percobaan masuk yang gagal" in text_of(locked)
    assert client.get("/").status_code in (302, 303)        # still not logged in
    # Another user is not affected.
    assert client.post("/masuk", data={"username": world.usernames["desa_a1y"],
                                       "password": PASSWORD}).status_code == 303


def test_a_success_resets_the_count(app, client, world):
    name = world.usernames["desa_a1"]
    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        client.post("/masuk", data={"username": name, "password": "tebak"})
    assert client.post("/masuk", data={"username": name, "password": PASSWORD}).status_code == 303
    client.post("/keluar")
    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        client.post("/masuk", data={"username": name, "password": "tebak"})
    assert client.post("/masuk", data={"username": name, "password": PASSWORD}).status_code == 303


def test_a_refusal_is_audited_with_who_and_what(app, login, world):
    client = login("desa_a1")
    other = world.plans["a1y"]
    assert client.get(f"/kabupaten/35.17/pengaturan").status_code == 403
    denied = _events(app, "access.denied")
    assert [(e.username, e.target) for e in denied] == [(world.usernames["desa_a1"], "/kabupaten/35.17/pengaturan")]
    assert client.get(f"/rencana/{other}").status_code in (403, 404)
