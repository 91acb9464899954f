"""A committed version never changes: not through any route, not by a racing second commit."""
import threading
from datetime import date

import pytest
from sqlalchemy import select, text

from planner.extensions import db
from planner.models import (Attendee, AuditEvent, Commitment, Decision, FrozenRecordError, Plan, Pledge, Proposal,
                            ProposalLink, RembukMeeting, Scenario)
from planner.services import ServiceError, commitments, rembuk

from . import factories


def _user(username):
    from planner.models import User
    return db.session.scalar(select(User).where(User.username == username))


def _meeting(app, world, commit=True):
    """A1X's plan with a meeting held; committed unless `commit` is False. Returns ids."""
    with app.test_request_context():
        plan = db.session.get(Plan, world.plans["a1x"])
        factories.add_meeting_proposals(plan)
        user = _user(world.usernames["desa_a1"])
        session = rembuk.open_meeting(plan, user, dict(held_on=date(2026, 8, 12), place="Balai Desa A1X",
                                                       chair="Sutrisno"))
        attendee = rembuk.add_attendee(session, user, dict(name="Siti Aminah", role="bidan_desa", sex="P"))
        rembuk.resolve(session, user)
        latrine = next(p for p in plan.proposals if p.name == "Jamban sehat keluarga")
        rembuk.decide(session, user, latrine, "in", reason="Permintaan warga Dusun Krajan")
        scenario = rembuk.save_scenario(session, user, "Dengan jamban")
        ids = dict(plan=plan.id, session=session.id, attendee=attendee.id, scenario=scenario.id,
                   proposal=latrine.id, decision=session.decisions[-1].id)
        if commit:
            ids["commitment"] = commitments.commit_meeting(session, user).id
        db.session.remove()
        return ids


def _snapshot(plan_id):
    """Everything a committed version consists of or rests on."""
    plan = db.session.get(Plan, plan_id)
    rows = lambda model, *where: [tuple(sorted((c.name, getattr(r, c.key)) for c in model.__table__.columns
                                               if c.name not in ("updated_at",)))
                                  for r in db.session.scalars(select(model).where(*where).order_by(model.id))]
    sessions = [s.id for s in plan.meetings]
    return {
        "plan": rows(Plan, Plan.id == plan_id),
        "proposals": rows(Proposal, Proposal.plan_id == plan_id),
        "links": len(db.session.scalars(select(ProposalLink)).all()),
        "commitments": rows(Commitment, Commitment.plan_id == plan_id),
        "sessions": rows(RembukMeeting, RembukMeeting.plan_id == plan_id),
        "attendees": rows(Attendee, Attendee.session_id.in_(sessions)),
        "decisions": rows(Decision, Decision.session_id.in_(sessions)),
        "scenarios": rows(Scenario, Scenario.session_id.in_(sessions)),
        "pledges": rows(Pledge, Pledge.session_id.in_(sessions)),
    }


# Values a route's URL needs, by parameter name; routes outside a plan are listed in SKIP.
# The AKS pages, the village team and the convergence scorecard name a region, not a plan
# (tests/test_aks.py, tests/test_team.py, tests/test_convergence_pages.py).
SKIP_PREFIXES = ("auth.", "catalogue.", "static", "main.", "tokens.", "account.", "aks.", "team.", "convergence.")
# POST routes that may answer a committed plan without touching it: opening a perubahan
# (checked in the next test), creating another year's plan, and recording realisation
# against the commitment and entering the APBDes bidang totals (tests/test_oversight.py and
# tests/test_scorecard.py check that the commitment stays as it was).
ALLOWED = {"commitments.amend", "plans.new", "oversight.realisation_sheet", "plans.apbdes_totals"}


def _url_args(rule, ids):
    values = {"plan_id": ids["plan"], "proposal_id": ids["proposal"], "session_id": ids["session"],
              "sid": ids["session"], "attendee_id": ids["attendee"], "aid": ids["attendee"],
              "scenario_id": ids["scenario"], "scid": ids["scenario"], "commitment_id": ids.get("commitment"),
              "fmt": "csv", "code": "35.17.09.2001", "year": 2027, "user_id": 1, "pid": 1,
              "suggestion_id": ids.get("suggestion", 1)}
    missing = [a for a in rule.arguments if a not in values]
    assert not missing, f"{rule.endpoint}: teach this test the URL parameter(s) {missing}"
    return {a: values[a] for a in rule.arguments}


FORM = {"name": "Diubah", "unit_cost": "1.000", "max_units": "5", "min_units": "1", "units": "3",
        "action": "out", "reason": "coba", "place": "Tempat lain", "chair": "Orang lain", "held_on": "2026-09-01",
        "role": "warga", "sex": "L", "pagu": "1.000.000.000", "stunting_budget": "10.000.000",
        "proposal_id": "", "susut": "2", "index": "0", "body": "Puskesmas", "what": "MMS", "implementer": "PKK",
        "funding_source": "csr", "document_number": "1/BA/2026"}


def test_no_route_changes_a_committed_version(app, world, login):
    ids = _meeting(app, world)
    with app.app_context():
        ids["proposal"] = db.session.scalar(select(Proposal.id).where(Proposal.plan_id == ids["plan"]))
        before = _snapshot(ids["plan"])
    FORM["proposal_id"] = str(ids["proposal"])
    client = login("desa_a1")
    tried = []
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.endpoint.startswith(SKIP_PREFIXES):
            continue
        if rule.endpoint in ALLOWED:
            continue
        url = app.url_map.bind("localhost").build(rule.endpoint, _url_args(rule, ids))
        for send in (client.post, lambda u, data: client.htmx("POST", u, data=data)):
            response = send(url, data=FORM)
            assert response.status_code in (403, 404, 409), (rule.endpoint, response.status_code)
        tried.append(rule.endpoint)
    assert {"proposals.edit", "proposals.delete", "plans.edit", "suggestions.rules", "transfer.import_confirm",
            "rembuk.decide", "rembuk.undo", "rembuk.add_attendee", "rembuk.add_pledge",
            "rembuk.confirm_attendee"} <= set(tried), tried
    with app.app_context():
        assert _snapshot(ids["plan"]) == before


def test_a_perubahan_leaves_the_committed_version_as_it_was(app, world, login):
    ids = _meeting(app, world)
    with app.app_context():
        frozen = db.session.get(Commitment, ids["commitment"])
        content, digest = frozen.content, frozen.content_hash
    with app.test_request_context():
        plan = db.session.get(Plan, ids["plan"])
        user = _user(world.usernames["desa_a1"])
        rembuk.open_amendment(plan, user, "Harga PMT naik")
        proposal = db.session.get(Proposal, ids["proposal"])
        proposal.unit_cost = 12_000_000
        db.session.commit()
    with app.app_context():
        kept = db.session.get(Commitment, ids["commitment"])
        assert kept.content == content and kept.content_hash == digest
        assert commitments.verify(kept)


def test_commitment_rows_refuse_changes_below_the_routes(app, world):
    ids = _meeting(app, world)
    with app.app_context():
        commitment = db.session.get(Commitment, ids["commitment"])
        commitment.total_cost = 1
        with pytest.raises(FrozenRecordError):
            db.session.commit()
        db.session.rollback()
        with pytest.raises(Exception, match="never changed"):
            with db.engine.begin() as conn:
                conn.execute(text("UPDATE commitment SET total_cost = 1"))
        assert db.session.get(Commitment, ids["commitment"]).total_cost > 1


def test_two_commits_at_once_give_one_version(app, world):
    """Both requests pass every check, then write at the same moment: one wins whole, one is refused."""
    ids = _meeting(app, world, commit=False)
    barrier = threading.Barrier(2, timeout=20)
    real_build = commitments.build_content

    def build_then_wait(*args, **kwargs):
        content = real_build(*args, **kwargs)
        barrier.wait()          # both have read the plan and built their snapshot
        return content

    outcomes = []

    def commit():
        with app.test_request_context():
            try:
                session = db.session.get(RembukMeeting, ids["session"])
                user = _user(world.usernames["desa_a1"])
                outcomes.append(("ok", commitments.commit_meeting(session, user).id))
            except ServiceError as error:
                outcomes.append(("refused", str(error)))
            except Exception as error:  # anything else is a failure of the test
                outcomes.append(("crash", repr(error)))
            finally:
                db.session.remove()

    commitments.build_content = build_then_wait
    try:
        threads = [threading.Thread(target=commit) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    finally:
        commitments.build_content = real_build
    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["ok", "refused"], outcomes
    assert "baru saja disahkan" in next(msg for kind, msg in outcomes if kind == "refused")
    with app.app_context():
        versions = db.session.scalars(select(Commitment).where(Commitment.plan_id == ids["plan"])).all()
        assert [c.version for c in versions] == [1]
        assert commitments.verify(versions[0])
        assert db.session.get(Plan, ids["plan"]).status == "committed"
        assert db.session.get(RembukMeeting, ids["session"]).status == "committed"
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "commitment.create")).all()
        assert len(events) == 1


def test_commit_waits_for_a_current_answer(app, world):
    ids = _meeting(app, world, commit=False)
    with app.test_request_context():
        session = db.session.get(RembukMeeting, ids["session"])
        proposal = db.session.get(Proposal, ids["proposal"])
        proposal.unit_cost = 9_000_000      # edited after the last solve
        db.session.commit()
        with pytest.raises(ServiceError, match="hitung ulang"):
            commitments.commit_meeting(session, _user(world.usernames["desa_a1"]))
        assert db.session.scalar(select(Commitment.id)) is None
