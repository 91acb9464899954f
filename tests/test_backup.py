"""`flask --app planner backup`: a consistent copy while the app is in use, and restoring it."""
import shutil
import sqlite3
import subprocess

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from planner import create_app

from .conftest import Client


def _backend(app):
    return make_url(app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name()


def test_sqlite_backup_is_consistent_while_a_write_is_under_way(app, world, tmp_path):
    if _backend(app) != "sqlite":
        pytest.skip("SQLite run")
    database = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database
    writer = sqlite3.connect(database)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE plan SET pagu = 1 WHERE id = ?", (world.plans["a1x"],))   # not committed
    try:
        result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "copy.db")])
    finally:
        writer.rollback()
        writer.close()
    assert result.exit_code == 0, result.output
    assert "Backup written" in result.output
    copy = sqlite3.connect(tmp_path / "copy.db")
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert copy.execute("SELECT pagu FROM plan WHERE id = ?", (world.plans["a1x"],)).fetchone()[0] == 1_000_000_000
    assert copy.execute("SELECT count(*) FROM proposal").fetchone()[0] == 8
    copy.close()
    assert not list(tmp_path.glob("*.partial"))


def test_a_restored_sqlite_backup_serves_the_same_plans(app, world, tmp_path):
    if _backend(app) != "sqlite":
        pytest.skip("SQLite run")
    assert app.test_cli_runner().invoke(args=["backup", str(tmp_path / "copy.db")]).exit_code == 0
    # Restore as docs/deploy.md says: copy the file into place and start the app on it.
    restored = tmp_path / "restored.db"
    shutil.copy(tmp_path / "copy.db", restored)
    other = create_app({"TESTING": True, "SECRET_KEY": "t", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{restored}"})
    other.test_client_class = Client
    client = other.test_client()
    client.login(world.usernames["desa_a1"])
    page = client.get(f"/rencana/{world.plans['a1x']}")
    assert page.status_code == 200 and "PMT lokal balita" in page.get_data(as_text=True)
    assert client.get("/health").get_json()["database"]["latest"]


def test_backup_without_a_path_goes_under_instance_backups(app, world):
    if _backend(app) != "sqlite":
        pytest.skip("SQLite run")
    result = app.test_cli_runner().invoke(args=["backup"])
    assert result.exit_code == 0, result.output
    written = result.output.split("Backup written: ")[1].split(" (")[0]
    assert "/backups/planner-" in written and written.endswith(".db")
    import os
    os.remove(written)


def test_postgresql_backup_restores_into_an_empty_database(app, world, tmp_path):
    if _backend(app) != "postgresql":
        pytest.skip("PostgreSQL run")
    if shutil.which("pg_restore") is None or shutil.which("pg_dump") is None:
        pytest.skip("the PostgreSQL client tools (pg_dump, pg_restore) are not installed")
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "copy.dump")])
    assert result.exit_code == 0, result.output
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS planner_restore_test"))
        conn.execute(text("CREATE DATABASE planner_restore_test"))
    target = url.set(database="planner_restore_test")
    try:
        done = subprocess.run(["pg_restore", "--no-owner", "-d",
                               target.set(drivername="postgresql").render_as_string(hide_password=False),
                               str(tmp_path / "copy.dump")], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        engine = create_engine(target)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM proposal")).scalar() == 8
            assert conn.execute(text("SELECT count(*) FROM plan")).scalar() == 4
        engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text("DROP DATABASE IF EXISTS planner_restore_test"))
        admin.dispose()
