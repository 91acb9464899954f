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


# --- 0005: the catalogue re-based on the evidence -----------------------------------------------------

CATALOGUE_REVISION = "0005_catalogue_evidence"


def _old_catalogue():
    import json

    snapshot = json.loads((BASE_DIR / "migrations" / "data" / "0005_catalogue.json").read_text(encoding="utf-8"))
    return snapshot["old"], snapshot["new"]


def _insert_item(conn, region_id, code, values, active=True):
    columns = dict(values, region_id=region_id, code=code, active=active)
    names = ", ".join(columns) + ", created_at, updated_at"
    marks = ", ".join(f":{name}" for name in columns) + ", CURRENT_TIMESTAMP, CURRENT_TIMESTAMP"
    conn.execute(text(f"INSERT INTO catalogue_item ({names}) VALUES ({marks})"), columns)


def _item_row(code, region_id):
    with db.engine.connect() as conn:
        return conn.execute(text("SELECT * FROM catalogue_item WHERE code = :code AND region_id = :region"),
                            {"code": code, "region": region_id}).mappings().one_or_none()


def _pending(row):
    import json

    value = row["pending_defaults"]
    return json.loads(value) if isinstance(value, str) else value


def test_catalogue_migration_updates_unedited_items_flags_edited_ones_and_adds_new(migration_app):
    """Two kabupaten hold the catalogue shipped before 0005, one of them with an admin's edits."""
    upgrade(revision="0004")
    old, new = _old_catalogue()
    with db.engine.begin() as conn:
        for region_id, code, name, level, parent in [(1, "35.17", "A", "kabupaten", None),
                                                     (2, "35.18", "B", "kabupaten", None),
                                                     (3, "35.19", "C (no catalogue)", "kabupaten", None),
                                                     (4, "35.17.09", "K", "kecamatan", 1),
                                                     (5, "35.17.09.2001", "D", "desa", 4)]:
            conn.execute(text("INSERT INTO region (id, code, name, level, parent_id) VALUES (:i, :c, :n, :l, :p)"),
                         {"i": region_id, "c": code, "n": name, "l": level, "p": parent})
        for region_id in (1, 2):
            for code, values in old.items():
                values = dict(values)
                active = True
                if region_id == 1 and code == "jamban_sehat":
                    values["default_unit_cost"] = 8_000_000          # the admin's local price
                if region_id == 1 and code == "mck_umum":
                    active = False                                    # deactivated, otherwise untouched
                if region_id == 2 and code == "mmn_ibu_hamil":
                    values["name"] = "MMN ibu hamil (kabupaten B)"    # edited retired item
                _insert_item(conn, region_id, code, values, active)
        # kabupaten A already made its own KPM incentive under the code the new defaults use
        _insert_item(conn, 1, "insentif_kpm", dict(old["insentif_kader"], name="KPM milik A"))
        conn.execute(text(
            "INSERT INTO plan (id, desa_id, year, status, pagu, earmark_koperasi, earmark_blt, earmark_other,"
            " stunting_budget, ibu_hamil, ibu_nifas, baduta, balita, catin, remaja_putri, keluarga,"
            " balita_measured, stunted_children, notes, version_id, created_at, updated_at)"
            " VALUES (1, 5, 2027, 'draft', 100, 0, 0, 0, 50, 0, 0, 0, 0, 0, 0, 0, 0, 0, '', 1,"
            " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
    upgrade(revision=CATALOGUE_REVISION)

    # an unedited item takes the new defaults whole
    pmt = _item_row("pmt_lokal_balita", 1)
    assert (pmt["units_per_course"], pmt["course_days"], pmt["effect_kind"]) == (56, 56, "relative_reduction")
    assert pmt["targeted"] and pmt["national_programme"] == "pmt_lokal" and _pending(pmt) is None
    kader = _item_row("insentif_kader", 2)
    assert kader["enabling"] and kader["platform"] == "posyandu"
    assert _item_row("akta_kelahiran", 2)["apbdes_code"] == "1.3.01"
    # ... but an admin's deactivation stays
    mck = _item_row("mck_umum", 1)
    assert not mck["active"] and _pending(mck) is None
    # an edited item keeps the admin's content, takes the new facts, and is flagged with old and new defaults
    jamban = _item_row("jamban_sehat", 1)
    assert jamban["default_unit_cost"] == 8_000_000 and jamban["effect_high"] is None
    pending = _pending(jamban)
    assert pending["default_unit_cost"] == {"old": 9_750_000, "new": 6_500_000}
    assert pending["effect_high"] == {"old": None, "new": 0.02}
    assert "enabling" not in pending and "name" not in pending   # unchanged defaults are not asked about
    assert _item_row("jamban_sehat", 2)["default_unit_cost"] == 6_500_000
    # the retired MMS tablets: deactivated where untouched, flagged where edited
    mmn_a, mmn_b = _item_row("mmn_ibu_hamil", 1), _item_row("mmn_ibu_hamil", 2)
    assert not mmn_a["active"] and mmn_a["national_programme"] == "mms"
    assert mmn_b["active"] and mmn_b["name"] == "MMN ibu hamil (kabupaten B)"
    assert _pending(mmn_b)["active"] == {"old": True, "new": False} and mmn_b["national_programme"] == "mms"
    # new items are added; an admin's own item with the same code is left alone
    assert _item_row("pendampingan_mms", 1) and _item_row("insentif_kpm", 2)["enabling"]
    assert _item_row("insentif_kpm", 1)["name"] == "KPM milik A"
    assert _item_row("pendampingan_mms", 3) is None                 # no catalogue, nothing added
    with db.engine.connect() as conn:
        count = conn.execute(text("SELECT count(*) FROM catalogue_item WHERE region_id = 2")).scalar()
    assert count == len(new)

    # a village uses one of the added items; then step back
    added = _item_row("protein_hewani_baduta", 1)["id"]
    with db.engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO proposal (id, plan_id, position, name, category, package, target_group, location,"
            " proposer, unit, unit_cost, fixed_cost, min_units, max_units, apbdes_code, notes, version_id,"
            " catalogue_item_id, created_at, updated_at) VALUES (1, 1, 0, 'Telur', 'spesifik', 'kia', 'baduta', '',"
            " '', 'anak-hari', 3000, 0, 0, 180, '', '', 1, :item, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"),
            {"item": added})
    downgrade(revision="0004")
    restored = _item_row("pmt_lokal_balita", 1)
    assert (restored["units_per_course"], restored["effect_kind"], restored["effect_value"]) == (90, "haz_shift", 0.41)
    assert _item_row("mmn_ibu_hamil", 1)["active"]
    assert _item_row("jamban_sehat", 1)["default_unit_cost"] == 8_000_000
    assert _item_row("pendampingan_mms", 1) is None and _item_row("protein_hewani_baduta", 1) is not None
    assert _item_row("insentif_kpm", 1)["name"] == "KPM milik A"
    # and forward again
    upgrade(revision=CATALOGUE_REVISION)
    assert _item_row("pmt_lokal_balita", 1)["units_per_course"] == 56
def test_security_migration_fills_last_log_in_from_the_audit_trail(migration_app):
    """0005_security: existing accounts keep working (no forced change) and show their last log-in."""
    upgrade(revision="0004")
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO region (id, code, name, level) VALUES (1, '35.17', 'K', 'kabupaten')"))
        conn.execute(text("INSERT INTO user_account (id, username, name, password_hash, role, region_id, active,"
                          " created_at, updated_at) VALUES (1, 'admin', 'A', 'x', 'admin', 1, true,"
                          " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP), (2, 'baru', 'B', 'x', 'admin', 1, true,"
                          " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
        for stamp in ("2026-11-01 08:00:00", "2026-11-20 09:30:00"):
            conn.execute(text("INSERT INTO audit_event (at, user_id, username, ip, action, target, details)"
                              f" VALUES ('{stamp}', 1, 'admin', '', 'auth.login', '', '{{}}')"))
    upgrade()
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT id, must_change_password, last_login_at FROM user_account ORDER BY id")).all()
    assert [bool(r[1]) for r in rows] == [False, False]
    assert str(rows[0][2]).startswith("2026-11-20 09:30") and rows[1][2] is None
    downgrade(revision="0004")
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM user_account")).scalar() == 2


def test_0005_keeps_committed_activities_frozen_and_reads_old_rows_as_dana_desa(migration_app):
    """0005 rebuilds commitment_activity on SQLite (a column goes): the rows survive, read as Dana Desa
    with no implementer recorded, and the freeze trigger refuses updates again, both ways."""
    from sqlalchemy.exc import DatabaseError

    upgrade(revision="0004")
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO region (id, code, name, level) VALUES (1, '35.17', 'K', 'kabupaten')"))
        conn.execute(text(
            "INSERT INTO plan (id, desa_id, year, status, pagu, earmark_koperasi, earmark_blt, earmark_other,"
            " stunting_budget, ibu_hamil, ibu_nifas, baduta, balita, catin, remaja_putri, keluarga,"
            " balita_measured, stunted_children, notes, version_id, created_at, updated_at)"
            " VALUES (1, 1, 2027, 'committed', 100, 0, 0, 0, 50, 0, 0, 0, 0, 0, 0, 0, 0, 0, '', 1,"
            " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
        conn.execute(text(
            "INSERT INTO commitment (id, plan_id, version, reason, committed_at, total_cost, total_impact, content,"
            " content_hash) VALUES (1, 1, 1, '', CURRENT_TIMESTAMP, 10, 0.5, '{}', 'abc')"))
        conn.execute(text(
            "INSERT INTO commitment_activity (commitment_id, plan_id, key, name, category, package, target_group,"
            " location, responsible, unit, apbdes_code, units, unit_cost, cost, impact)"
            " VALUES (1, 1, 'u1', 'PMT', 'spesifik', 'kia', 'balita', 'Dusun Krajan', 'bpd', 'hari', '2.2.02',"
            " 5, 2, 10, 0.5)"))
    upgrade()
    with db.engine.connect() as conn:
        row = conn.execute(text("SELECT name, location, implementer, funding_source, months, cost"
                                " FROM commitment_activity")).one()
    assert tuple(row) == ("PMT", "Dusun Krajan", "", "dd", None, 10)
    with pytest.raises(DatabaseError):
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE commitment_activity SET cost = 1"))
    downgrade(revision="0005_security")
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT name, responsible, cost FROM commitment_activity")).one() == ("PMT", "", 10)
    with pytest.raises(DatabaseError):
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE commitment_activity SET cost = 1"))


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


def test_0006_adds_the_scorecard_tables_and_steps_back_without_them(migration_app):
    upgrade(revision="0006_convergence")
    assert {"convergence_scorecard", "convergence_indicator"} <= _tables()
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO region (id, code, name, level) VALUES (1, '35.17', 'K', 'kabupaten'), "
                          "(2, '35.17.09', 'C', 'kecamatan'), (3, '35.17.09.2001', 'D', 'desa')"))
        conn.execute(text("INSERT INTO convergence_scorecard (id, desa_id, year, quarter, ibu_hamil, ibu_hamil_kek, "
                          "anak_0_23, anak_0_23_gizi, tikar_hijau, tikar_kuning, tikar_merah, source, version_id, "
                          "created_at, updated_at) VALUES (1, 3, 2026, 1, 10, 2, 20, 3, 15, 3, 1, 'form', 1, "
                          "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
        conn.execute(text("INSERT INTO convergence_indicator (scorecard_id, code, should, received) "
                          "VALUES (1, 'bumil_anc4', 10, 7)"))
    with pytest.raises(Exception):       # the database itself refuses received > should
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO convergence_indicator (scorecard_id, code, should, received) "
                              "VALUES (1, 'bumil_jkn', 5, 6)"))
    downgrade(revision="0005_oversight")
    assert not {"convergence_scorecard", "convergence_indicator"} & _tables()
    assert "region" in _tables()
def test_0006_gives_every_kabupaten_the_default_plausibility_bound_and_steps_back(migration_app):
    upgrade(revision="0005_oversight")
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO region (id, code, name, level) VALUES (1, '35.17', 'K', 'kabupaten')"))
        conn.execute(text("INSERT INTO impact_setting (region_id, baseline_prevalence, baseline_source, haz_sd,"
                          " created_at, updated_at) VALUES (1, 0.2, 'SSGI', 1.1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
    upgrade(revision="0006_plausibility")
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT plausibility_bound FROM impact_setting")).scalar() == pytest.approx(0.1)
    downgrade(revision="0005_oversight")
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT baseline_prevalence FROM impact_setting")).scalar() == pytest.approx(0.2)
        assert "plausibility_bound" not in {c["name"] for c in inspect(conn).get_columns("impact_setting")}
    upgrade()
    assert _current_revision() == _head()


def _columns(table):
    with db.engine.connect() as conn:
        return {c["name"] for c in inspect(conn).get_columns(table)}


def test_0007_keeps_as_of_figures_instead_of_the_detail_and_recomputes_the_summaries(migration_app):
    from planner.services import summaries

    upgrade(revision="0006_plausibility")
    with db.engine.begin() as conn:
        _world_at_0004(conn)
        conn.execute(text(
            "INSERT INTO plan_summary (plan_id, desa_id, year, state, unexplained, packages, groups, planned_q1,"
            " planned_q2, planned_q3, planned_q4, overspent, ratios, money, detail) VALUES (1, 3, 2026, 'committed',"
            " 0, '', '', 0, 0, 0, 0, 0, '', '{}', '{\"activities\": [], \"extra_spent\": [0, 0, 0, 0]}')"))
    upgrade(revision="0007_summary_as_of")
    assert "earlier" in _columns("plan_summary") and "detail" not in _columns("plan_summary")
    with db.engine.connect() as conn:      # derived data: emptied, computed again when a page needs it
        assert conn.execute(text("SELECT count(*) FROM plan_summary")).scalar() == 0
    assert summaries.ensure(db.session, [1]) == 1
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT reported_q2 FROM plan_summary")).scalar() is not None
    downgrade(revision="0006_plausibility")
    assert "detail" in _columns("plan_summary") and "earlier" not in _columns("plan_summary")
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM plan")).scalar() == 1
        assert conn.execute(text("SELECT count(*) FROM plan_summary")).scalar() == 0
    upgrade()
    assert _current_revision() == _head()
