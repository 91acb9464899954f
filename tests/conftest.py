"""Shared fixtures: an app on a migrated database, clients that log in, a small world of regions.

The database is SQLite in a temporary folder unless `TEST_DATABASE_URL` names
another (CI runs the whole suite again on PostgreSQL). The schema is built by
the Alembic migrations, once per run (once per worker under pytest-xdist, each
worker on a database of its own); each test starts from empty tables.
CSRF stays on: `Client.post` adds a valid token like a browser form would.
"""
import os
import re

import pytest
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import Integer, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError

from hypothesis import settings

from planner import create_app
from planner.config import normalise_database_url
from planner.extensions import db

from . import factories

PASSWORD = factories.PASSWORD

# Hypothesis: under CI=true every run draws the same examples (derandomize, no example database), so two
# runs of one commit give one result; locally it explores new examples each run and remembers failures
# (HYPOTHESIS_PROFILE=ci reproduces CI). Properties that must hold for an edge case name it in @example.
settings.register_profile("ci", derandomize=True, database=None, deadline=None, print_blob=True)
settings.register_profile("explore", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") == "true" else "explore"))


def pytest_configure(config):
    """Under pytest-xdist, point each worker's `TEST_DATABASE_URL` at a PostgreSQL database of its own,
    `<name>_gw0`, `<name>_gw1`, … (created by `_worker_database` before the first test, reused
    and rebuilt by the migrations in later runs). Every reader of the variable (the `app` fixture, the migration tests'
    own schema, the backup test) then stays in its worker's database. SQLite needs nothing: each
    worker has its own temporary folder."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    url = os.environ.get("TEST_DATABASE_URL")
    if worker and url and not os.environ.get("TEST_DATABASE_BASE_URL"):
        url = make_url(normalise_database_url(url))
        os.environ["TEST_DATABASE_BASE_URL"] = url.render_as_string(hide_password=False)
        os.environ["TEST_DATABASE_URL"] = url.set(database=f"{url.database}_{worker}").render_as_string(hide_password=False)


def _create_database(url):
    """Create a worker's PostgreSQL database from the one `TEST_DATABASE_URL` named, if it is missing.
    An unreachable server raises here: under CI=true the PostgreSQL run must fail, not skip."""
    base = os.environ.get("TEST_DATABASE_BASE_URL")
    if not base or make_url(url).get_backend_name() != "postgresql":
        return
    name = make_url(url).database
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            if conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}).first() is None:
                try:
                    conn.execute(text(f'CREATE DATABASE "{name}"'))
                except ProgrammingError as exc:      # created meanwhile by another run of the same worker id
                    if "already exists" not in str(exc):
                        raise
    finally:
        engine.dispose()


@pytest.fixture(scope="session", autouse=True)
def _worker_database():
    """A worker's own PostgreSQL database exists before any test reads `TEST_DATABASE_URL`
    (the migration tests do without the `app` fixture)."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        _create_database(normalise_database_url(url))


def _database_url(tmp_path_factory):
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return normalise_database_url(url)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


def _reset_schema(engine):
    """Start the run from an empty database so migrations build every table."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))


@pytest.fixture(scope="session")
def app(tmp_path_factory, _worker_database):
    from flask_migrate import upgrade

    application = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": _database_url(tmp_path_factory),
        "SERVER_NAME": None,
        "JOB_CONSUMER": "immediate",
    })
    with application.app_context():
        _reset_schema(db.engine)
        upgrade()
    return application


def _empty_tables(app):
    """Delete every row and start the ids at 1 again, as a fresh database would.

    On PostgreSQL this is one round trip of DELETEs (foreign-key triggers off for it) and a reset of
    the sequences that were used. A TRUNCATE of the 30 tables (a new file per table) cost 0.8 s at
    load 6 on the shared 2-core machine, this 10 ms, and it runs before almost every test."""
    with app.app_context():
        tables = [t.name for t in db.metadata.sorted_tables]
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text(
                    "SET LOCAL session_replication_role = replica; "
                    + "; ".join(f'DELETE FROM "{t}"' for t in reversed(tables))
                    + "; SELECT setval(format('%I.%I', schemaname, sequencename), 1, false) FROM pg_sequences "
                      "WHERE schemaname = current_schema() AND last_value IS NOT NULL"))
            else:
                for table in reversed(tables):
                    conn.execute(text(f'DELETE FROM "{table}"'))
        db.session.remove()


def _snapshot_tables(app):
    """Every row of every table, in insertion order (the demo's state, kept in memory)."""
    with app.app_context():
        with db.engine.connect() as conn:
            snapshot = {}
            for table in db.metadata.sorted_tables:
                query = table.select()
                if "id" in table.c:
                    query = query.order_by(table.c.id)
                snapshot[table.name] = [dict(row) for row in conn.execute(query).mappings()]
        db.session.remove()
    return snapshot


def _restore_tables(app, snapshot):
    """Empty the tables and put a snapshot back, ids and all, foreign keys checked at the end."""
    _empty_tables(app)
    with app.app_context():
        with db.engine.begin() as conn:
            postgres = conn.dialect.name == "postgresql"
            if postgres:
                # Rows go back table by table; a cycle (a meeting's suggestion) would trip the checks.
                conn.execute(text("SET LOCAL session_replication_role = replica"))
            else:
                conn.execute(text("PRAGMA defer_foreign_keys = ON"))
            for table in db.metadata.sorted_tables:
                rows = snapshot[table.name]
                if rows:
                    conn.execute(table.insert(), rows)
                if postgres and rows and "id" in table.c and isinstance(table.c.id.type, Integer):
                    # The next id continues after the restored ones (tables without a sequence skip this).
                    conn.execute(text(f"SELECT setval(seq, (SELECT max(id) FROM \"{table.name}\")) FROM "
                                      f"(SELECT pg_get_serial_sequence('\"{table.name}\"', 'id') AS seq) s "
                                      "WHERE seq IS NOT NULL"))
        db.session.remove()


@pytest.fixture(scope="session")
def demo_snapshot(app):
    """The demo loaded once per run through the CLI, as `make run` does; its output and its rows."""
    _empty_tables(app)
    result = app.test_cli_runner().invoke(args=["demo", "load", "--if-empty"])
    assert result.exit_code == 0, result.output
    snapshot = _snapshot_tables(app)
    _empty_tables(app)
    return result, snapshot


@pytest.fixture(scope="module")
def demo(app, demo_snapshot):
    """The demo data in the database for a module whose tests only read it (loaded once per run,
    restored from memory per module). Such a module overrides `_clean_database` to keep it; a test
    that changes it must put it back (`restore_demo`). Yields the CLI's result of the load."""
    result, snapshot = demo_snapshot
    _restore_tables(app, snapshot)
    yield result
    _empty_tables(app)


@pytest.fixture
def restore_demo(app, demo_snapshot):
    """Call to put the demo back as it was loaded (after a test changed it)."""
    return lambda: _restore_tables(app, demo_snapshot[1])


@pytest.fixture(autouse=True)
def _clean_database(request):
    """Empty every table before each test that uses the database."""
    if "app" in request.fixturenames:
        _empty_tables(request.getfixturevalue("app"))
    yield


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield
        db.session.remove()


class Client(FlaskClient):
    """A test client that behaves like a browser with a form: it sends the CSRF token."""

    def csrf_token(self):
        with self.session_transaction() as session:
            raw = session.get("csrf_token")
            if raw is None:
                import hashlib

                raw = hashlib.sha1(os.urandom(64)).hexdigest()
                session["csrf_token"] = raw
        return URLSafeTimedSerializer(self.application.secret_key, salt="wtf-csrf-token").dumps(raw)

    def open(self, *args, csrf=True, **kwargs):
        method = (kwargs.get("method") or "GET").upper()
        if csrf and method in ("POST", "PUT", "PATCH", "DELETE"):
            headers = dict(kwargs.pop("headers", None) or {})
            headers.setdefault("X-CSRFToken", self.csrf_token())
            kwargs["headers"] = headers
        return super().open(*args, **kwargs)

    def login(self, username, password=PASSWORD):
        response = self.post("/masuk", data={"username": username, "password": password})
        assert response.status_code == 303, f"login of {username} failed"
        return response

    def htmx(self, method, url, **kwargs):
        headers = dict(kwargs.pop("headers", None) or {})
        headers["HX-Request"] = "true"
        return self.open(url, method=method, headers=headers, **kwargs)


@pytest.fixture
def client(app):
    app.test_client_class = Client
    return app.test_client()


@pytest.fixture
def world(app):
    """Two kabupaten; A has two kecamatan with villages; users of every role. See factories.World."""
    with app.app_context():
        result = factories.build_world()
        db.session.remove()
    return result


@pytest.fixture
def login(client, world):
    """`login("desa_a1")` logs the client in as one of the world's users and returns the client."""
    def _login(key):
        client.login(world.usernames[key])
        return client
    return _login


def text_of(response) -> str:
    """The response body as text with tags and runs of white space removed (for content checks)."""
    body = response.get_data(as_text=True)
    body = re.sub(r"<script.*?</script>", " ", body, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))
