"""Migration 0006_aks: existing plans get an ADD of 0 and proposals no AKS link; stepping back keeps
plans and proposals and drops the AKS and team tables."""
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from planner.extensions import db

from .test_migrations import empty_database_url, migration_app  # noqa: F401  (fixtures)

REVISION = "0006_aks"


def _seed(conn):
    conn.execute(text("INSERT INTO region (id, code, name, level) VALUES (1, '35.17', 'K', 'kabupaten')"))
    conn.execute(text("INSERT INTO region (id, code, name, level, parent_id) VALUES (2, '35.17.09', 'C', 'kecamatan', 1)"))
    conn.execute(text("INSERT INTO region (id, code, name, level, parent_id) VALUES (3, '35.17.09.2001', 'D', 'desa', 2)"))
    conn.execute(text(
        "INSERT INTO plan (id, desa_id, year, status, pagu, earmark_koperasi, earmark_blt, earmark_other,"
        " earmark_pangan, earmark_operasional, stunting_budget, ibu_hamil, ibu_nifas, baduta, balita, catin,"
        " remaja_putri, keluarga, balita_measured, stunted_children, notes, version_id, created_at, updated_at)"
        " VALUES (1, 3, 2027, 'draft', 100, 0, 0, 0, 0, 0, 50, 0, 0, 0, 0, 0, 0, 0, 0, 0, '', 1,"
        " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
    conn.execute(text(
        "INSERT INTO proposal (id, plan_id, position, name, category, package, target_group, location,"
        " proposer, unit, unit_cost, fixed_cost, min_units, max_units, apbdes_code, notes, version_id,"
        " implementer, funding_source, created_at, updated_at) VALUES (1, 1, 0, 'PMT', 'spesifik', 'kia', 'balita',"
        " '', '', 'hari', 10, 0, 1, 5, '', '', 1, '', 'dd', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))


def test_upgrade_gives_existing_plans_no_add_and_proposals_no_link(migration_app):  # noqa: F811
    upgrade(revision="0005_oversight")
    with db.engine.begin() as conn:
        _seed(conn)
    upgrade(revision=REVISION)
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT pagu_add FROM plan")).scalar() == 0
        assert conn.execute(text("SELECT aks_recommendation_id FROM proposal")).scalar() is None
    tables = set(inspect(db.engine).get_table_names())
    assert {"aks_finding", "aks_recommendation", "team_member"} <= tables


def test_downgrade_keeps_plans_and_proposals_and_drops_the_new_tables(migration_app):  # noqa: F811
    upgrade(revision=REVISION)
    with db.engine.begin() as conn:
        _seed(conn)
        conn.execute(text("INSERT INTO aks_recommendation (id, desa_id, year, semester, intervention, target_group,"
                          " count, count_unit, responsible, created_at, updated_at) VALUES (1, 3, 2026, 2, 'PMT',"
                          " 'ibu_hamil', 3, 'orang', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
        conn.execute(text("UPDATE proposal SET aks_recommendation_id = 1"))
    downgrade(revision="0005_oversight")
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM plan")).scalar() == 1
        assert conn.execute(text("SELECT count(*) FROM proposal")).scalar() == 1
    tables = set(inspect(db.engine).get_table_names())
    assert not {"aks_finding", "aks_recommendation", "team_member"} & tables
    assert "pagu_add" not in {c["name"] for c in inspect(db.engine).get_columns("plan")}
