"""The schema exists only through migrations: they build it from nothing, match the models, and step back.

Runs on a database of its own (a fresh SQLite file, or a separate PostgreSQL
schema when TEST_DATABASE_URL points at PostgreSQL), so it cannot disturb the
suite's database.
"""
import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from planner import create_app
from planner.config import BASE_DIR, normalise_database_url
from planner.extensions import db

SCHEMA = "migration_test"


@pytest.fixture
def empty_database_url(tmp_path):
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    url = normalise_database_url(url)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    separator = "&" if "?" in url else "?"
    yield f"{url}{separator}options=-csearch_path%3D{SCHEMA}"
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
    engine.dispose()


@pytest.fixture
def migration_app(empty_database_url):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def _head():
    return ScriptDirectory(str(BASE_DIR / "migrations")).get_current_head()


def _current_revision():
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _tables():
    return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_upgrade_from_empty_builds_every_table(migration_app):
    assert _tables() == set()
    upgrade()
    assert _current_revision() == _head()
    assert _tables() == {table.name for table in db.metadata.sorted_tables}


def test_migrated_schema_matches_the_models(migration_app):
    upgrade()
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_downgrade_one_step_and_upgrade_again(migration_app):
    upgrade()
    script = ScriptDirectory(str(BASE_DIR / "migrations"))
    head = script.get_revision(_head())
    downgrade(revision="-1")
    assert _current_revision() == head.down_revision
    upgrade()
    assert _current_revision() == head.revision
    assert _tables() == {table.name for table in db.metadata.sorted_tables}


def test_downgrade_keeps_existing_plans_and_proposals(migration_app):
    """Stepping back rebuilds tables on SQLite; the village's data must survive it."""
    upgrade()
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO region (id, code, name, level) VALUES (1, '35.17', 'K', 'kabupaten')"))
        conn.execute(text("INSERT INTO region (id, code, name, level, parent_id) VALUES (2, '35.17.09', 'C', 'kecamatan', 1)"))
        conn.execute(text("INSERT INTO region (id, code, name, level, parent_id) VALUES (3, '35.17.09.2001', 'D', 'desa', 2)"))
        conn.execute(text(
            "INSERT INTO plan (id, desa_id, year, status, pagu, earmark_koperasi, earmark_blt, earmark_other,"
            " stunting_budget, ibu_hamil, ibu_nifas, baduta, balita, catin, remaja_putri, keluarga,"
            " balita_measured, stunted_children, notes, version_id, created_at, updated_at)"
            " VALUES (1, 3, 2027, 'draft', 100, 0, 0, 0, 50, 0, 0, 0, 0, 0, 0, 0, 0, 0, '', 1,"
            " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
        conn.execute(text(
            "INSERT INTO proposal (id, plan_id, position, name, category, package, target_group, location,"
            " proposer, unit, unit_cost, fixed_cost, min_units, max_units, apbdes_code, notes, version_id,"
            " created_at, updated_at) VALUES (1, 1, 0, 'PMT', 'spesifik', 'kia', 'balita', '', '', 'hari',"
            " 10, 0, 1, 5, '', '', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
    downgrade(revision="-1")
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM plan")).scalar() == 1
        assert conn.execute(text("SELECT count(*) FROM proposal")).scalar() == 1


def _world_at_0004(conn):
    conn.execute(text("INSERT INTO region (id, code, name, level) VALUES (1, '35.17', 'K', 'kabupaten')"))
    conn.execute(text("INSERT INTO region (id, code, name, level, parent_id) VALUES (2, '35.17.09', 'C', 'kecamatan', 1)"))
    conn.execute(text("INSERT INTO region (id, code, name, level, parent_id) VALUES (3, '35.17.09.2001', 'D', 'desa', 2)"))
    conn.execute(text(
        "INSERT INTO plan (id, desa_id, year, status, pagu, earmark_koperasi, earmark_blt, earmark_other,"
        " stunting_budget, ibu_hamil, ibu_nifas, baduta, balita, catin, remaja_putri, keluarga,"
        " balita_measured, stunted_children, notes, version_id, created_at, updated_at)"
        " VALUES (1, 3, 2026, 'committed', 1000, 0, 0, 7, 50, 0, 0, 0, 0, 0, 0, 0, 0, 0, '', 1,"
        " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
    for quarter, moment in ((1, "2026-04-08 03:00:00"), (1, "2026-04-09 03:00:00"), (2, "2026-07-10 03:00:00")):
        conn.execute(text(
            "INSERT INTO realisation (plan_id, activity_key, quarter, spent, units_delivered, note, over_reason,"
            " commitment_version, version_id, created_at, updated_at) VALUES (1, :key, :quarter, 10, 1, '', '', 1, 1,"
            " :moment, :moment)"), {"key": f"u{quarter}-{moment[9]}", "quarter": quarter, "moment": moment})


def test_0005_reports_the_quarters_already_realised_and_steps_back_keeping_the_ceiling(migration_app):
    upgrade(revision="0004")
    with db.engine.begin() as conn:
        _world_at_0004(conn)
    upgrade(revision="0005_oversight")
    with db.engine.connect() as conn:
        reports = conn.execute(text("SELECT quarter, reported_at FROM quarter_report ORDER BY quarter")).all()
        assert [q for q, _ in reports] == [1, 2]
        assert str(reports[0][1]).startswith("2026-04-08")        # reported when its first row was written
        assert conn.execute(text("SELECT earmark_pangan, earmark_operasional FROM plan")).one() == (0, 0)
        assert conn.execute(text("SELECT created_at FROM region WHERE id = 3")).scalar() is None
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE plan SET earmark_pangan = 100, earmark_operasional = 30"))
    downgrade(revision="0004")
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT earmark_other FROM plan")).scalar() == 137    # the ceiling stays the same
        assert conn.execute(text("SELECT count(*) FROM realisation")).scalar() == 3
    upgrade()
    assert _current_revision() == _head()
