"""Faults: a solver that crashes or runs out of time, a commit that dies halfway, two people saving
the same proposal, and SQLite's settings for readers and a writer at once."""
from datetime import date

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from planner.extensions import db
from planner.models import AuditEvent, Commitment, CommitmentActivity, Plan, Proposal, Suggestion
from planner.services import audit, commitments, optimization

from .conftest import text_of
from .test_commitment_frozen import _meeting, _snapshot, _user


def _count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_a_crashing_solver_leaves_the_plan_as_it_was_with_a_message(app, world, login, monkeypatch):
    def crash(*args, **kwargs):
        raise RuntimeError("solver process died")

    monkeypatch.setattr(optimization.optimizer, "solve_plan_file", crash)
    plan_id = world.plans["a1x"]
    with app.app_context():
        before = _snapshot(plan_id)
    client = login("desa_a1")
    response = client.htmx("POST", f"/rencana/{plan_id}/hitung")
    assert response.status_code == 422
    assert "Perhitungan gagal. Rencana tidak berubah" in text_of(response)
    with app.app_context():
        assert _snapshot(plan_id) == before
    assert _count(app, Suggestion) == 0
    # Without htmx the same message comes as a flash on the plan page.
    page = client.post(f"/rencana/{plan_id}/hitung", follow_redirects=True)
    assert "Perhitungan gagal" in text_of(page)


def test_a_solver_out_of_time_is_never_shown_as_optimal(app, world, login, monkeypatch):
    real = optimization.optimizer.solve_plan_file

    def out_of_time(data, **kwargs):
        answer = real(data, **kwargs)
        answer["result"] = dict(answer["result"], status="timeout", total_cost=0, total_impact=0,
                                allocations=[dict(a, units=0, cost=0, impact=0) for a in answer["result"]["allocations"]])
        for key in ("explanations", "sensitivity", "comparison"):
            answer.pop(key, None)
        return answer

    monkeypatch.setattr(optimization.optimizer, "solve_plan_file", out_of_time)
    plan_id = world.plans["a1x"]
    with app.app_context():
        before = _snapshot(plan_id)
    response = login("desa_a1").htmx("POST", f"/rencana/{plan_id}/hitung")
    assert response.status_code < 500
    body = text_of(response)
    assert "optimal" not in body.lower().replace("pengoptimal", "")
    with app.app_context():
        assert _snapshot(plan_id) == before


def test_a_commit_that_dies_halfway_leaves_no_commitment(app, world, monkeypatch):
    ids = _meeting(app, world, commit=False)
    real = audit.record

    def die_at_the_record(action, **kwargs):
        if action == "commitment.create":
            raise RuntimeError("worker killed")
        return real(action, **kwargs)

    monkeypatch.setattr(commitments.audit, "record", die_at_the_record)
    with app.test_request_context():
        from planner.models import RembukMeeting

        session = db.session.get(RembukMeeting, ids["session"])
        with pytest.raises(RuntimeError):
            commitments.commit_meeting(session, _user(world.usernames["desa_a1"]))
        db.session.remove()        # what the request teardown does with the dead transaction
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Commitment)) == 0
        assert db.session.scalar(select(func.count()).select_from(CommitmentActivity)) == 0
        assert db.session.get(Plan, ids["plan"]).status != "committed"
        assert db.session.scalar(select(func.count()).where(AuditEvent.action == "commitment.create")) == 0
    # The meeting can still commit afterwards.
    monkeypatch.setattr(commitments.audit, "record", real)
    with app.test_request_context():
        from planner.models import RembukMeeting

        session = db.session.get(RembukMeeting, ids["session"])
        assert commitments.commit_meeting(session, _user(world.usernames["desa_a1"])).version == 1
        db.session.remove()


def test_two_people_saving_the_same_proposal_get_a_conflict_not_a_silent_overwrite(app, world, client):
    from .conftest import Client

    app.test_client_class = Client
    first, second = app.test_client(), app.test_client()
    first.login(world.usernames["desa_a1"])
    second.login(world.usernames["desa_a1"])
    with app.app_context():
        proposal = db.session.scalar(select(Proposal).where(Proposal.plan_id == world.plans["a1x"]))
        form = {"version_id": str(proposal.version_id), "name": proposal.name, "category": proposal.category,
                "package": proposal.package, "target_group": proposal.target_group, "location": proposal.location,
                "proposer": proposal.proposer or "", "unit": proposal.unit, "unit_cost": str(proposal.unit_cost),
                "fixed_cost": "0", "min_units": str(proposal.min_units), "max_units": str(proposal.max_units),
                "impact_per_unit": "", "apbdes_code": proposal.apbdes_code or "", "notes": ""}
        pid = proposal.id
    assert first.post(f"/usulan/{pid}/ubah", data=dict(form, name="Versi Bu Sari")).status_code == 303
    late = second.post(f"/usulan/{pid}/ubah", data=dict(form, name="Versi Pak Budi"))
    assert late.status_code == 422 and "baru saja diubah" in text_of(late)       # the form again, typing kept
    assert "Versi Pak Budi" in late.get_data(as_text=True)
    late = second.htmx("POST", f"/usulan/{pid}/ubah", data=dict(form, name="Versi Pak Budi"))
    assert late.status_code == 409 and "baru saja diubah" in text_of(late)
    with app.app_context():
        assert db.session.get(Proposal, pid).name == "Versi Bu Sari"


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(app):
    if make_url(app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name() != "sqlite":
        pytest.skip("SQLite run")
    with app.app_context():
        with db.engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 5000
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
