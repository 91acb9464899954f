"""A plan's history: every change is recorded with who and when, shown on the plan, never editable."""
import pytest
from sqlalchemy import select, text

from planner.extensions import db
from planner.models import AuditEvent, FrozenRecordError, Proposal

from .conftest import text_of
from .test_proposals import _edit_data


def _events(app, plan_id):
    with app.app_context():
        return [(e.action, e.username, e.details) for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.plan_id == plan_id).order_by(AuditEvent.id))]


def _pmt(app, plan_id):
    with app.app_context():
        return db.session.scalar(select(Proposal.id).where(Proposal.plan_id == plan_id, Proposal.name == "PMT lokal balita"))


def test_proposal_edits_are_recorded_with_who_and_what(login, world, app):
    client = login("desa_a1")
    plan_id = world.plans["a1x"]
    pmt = _pmt(app, plan_id)
    assert client.post(f"/usulan/{pmt}/ubah", data=_edit_data(app, pmt, unit_cost="18.000")).status_code == 303
    assert client.post(f"/usulan/{pmt}/hapus").status_code == 303
    actions = _events(app, plan_id)
    update = next(e for e in actions if e[0] == "proposal.update")
    assert update[1] == world.usernames["desa_a1"]
    assert update[2]["changes"]["unit_cost"] == [16500, 18000]
    assert ("proposal.delete", world.usernames["desa_a1"]) == actions[-1][:2]
    body = text_of(client.get(f"/rencana/{plan_id}/riwayat"))
    assert "mengubah usulan “PMT lokal balita” (biaya satuan)" in body
    assert "menghapus usulan “PMT lokal balita”" in body
    assert world.usernames["desa_a1"] in body
    # the plan page shows the latest lines too
    assert "menghapus usulan" in text_of(client.get(f"/rencana/{plan_id}"))


def test_refused_change_leaves_no_record(login, world, app):
    client = login("desa_a1")
    plan_id = world.plans["a1x"]
    pmt = _pmt(app, plan_id)
    response = client.post(f"/usulan/{pmt}/ubah", data={"name": "", "unit_cost": "-5"})
    assert response.status_code == 422
    assert _events(app, plan_id) == []


def test_solving_and_plan_edits_are_recorded(login, world, app):
    client = login("desa_a1")
    plan_id = world.plans["a1x"]
    client.post(f"/rencana/{plan_id}/hitung")
    actions = [e[0] for e in _events(app, plan_id)]
    assert actions == ["plan.solve"]
    assert "menghitung usulan alokasi" in text_of(client.get(f"/rencana/{plan_id}/riwayat"))


@pytest.mark.parametrize("user, status", [("desa_a1", 200), ("kec_a1", 200), ("admin_a", 200),
                                          ("desa_a1y", 404), ("kec_a2", 404), ("admin_b", 404)])
def test_history_page_is_scoped(login, world, user, status):
    assert login(user).get(f"/rencana/{world.plans['a1x']}/riwayat").status_code == status


def test_history_pages_fifty_at_a_time(login, world, app):
    from planner.services import audit

    plan_id = world.plans["a1x"]
    with app.test_request_context():
        from planner.models import Plan
        plan = db.session.get(Plan, plan_id)
        for n in range(60):
            audit.record("proposal.create", plan=plan, name=f"Usulan {n}")
        db.session.commit()
    client = login("kec_a1")
    first = text_of(client.get(f"/rencana/{plan_id}/riwayat"))
    assert "Usulan 59" in first and "Usulan 9”" not in first and "Halaman 1 dari 2" in first
    second = text_of(client.get(f"/rencana/{plan_id}/riwayat?halaman=2"))
    assert "Usulan 9”" in second and "Usulan 59" not in second


def test_audit_rows_cannot_be_changed(world, app):
    from planner.services import audit

    with app.test_request_context():
        from planner.models import Plan
        plan = db.session.get(Plan, world.plans["a1x"])
        event = audit.record("proposal.create", plan=plan, name="X")
        db.session.commit()
        event.action = "proposal.delete"
        with pytest.raises(FrozenRecordError):
            db.session.commit()
        db.session.rollback()
        db.session.delete(db.session.get(AuditEvent, event.id))
        with pytest.raises(FrozenRecordError):
            db.session.commit()
        db.session.rollback()
        # below the ORM, the database refuses too
        with pytest.raises(Exception, match="never changed"):
            with db.engine.begin() as conn:
                conn.execute(text("UPDATE audit_event SET action = 'x'"))
        assert db.session.get(AuditEvent, event.id).action == "proposal.create"
