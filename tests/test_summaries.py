"""The per-plan summaries the dashboards read stay true: after every kind of write they equal a fresh
computation, rows written around the ORM get theirs when a page needs them, and a rolled-back change
leaves no trace."""
from datetime import date, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, select

from planner.extensions import db
from planner.models import Plan, PlanSummary, Proposal, Realisation
from planner.services import ServiceError, plans, summaries

from .test_commitment_frozen import _meeting
from .test_oversight import _report


def _stored():
    return {row.plan_id: {c: _plain(getattr(row, c)) for c in COLUMNS} for row in db.session.scalars(select(PlanSummary))}


def _fresh():
    ids = list(db.session.scalars(select(Plan.id)))
    return {pid: {c: _plain(values[c]) for c in COLUMNS} for pid, values in summaries.compute(db.session, ids).items()}


COLUMNS = ("state", "commitment_id", "commitment_version", "committed", "impact", "unexplained", "packages", "groups",
           "spent_q1", "spent_q2", "spent_q3", "spent_q4", "reported_q1", "reported_q2", "reported_q3", "reported_q4",
           "planned_q1", "planned_q2", "planned_q3", "planned_q4", "overspent", "ratios", "money", "earlier")


def _plain(value):
    """Moments compared in UTC whatever the database hands back (SQLite: naive)."""
    return summaries.utc(value) if hasattr(value, "tzinfo") else value


def _assert_true():
    stored, fresh = _stored(), _fresh()
    for pid in fresh:
        if pid in stored:
            assert stored[pid] == fresh[pid], pid


def test_every_write_keeps_the_summary_equal_to_a_fresh_computation(app, world):
    ids = _meeting(app, world, commit=False)
    with app.test_request_context():
        assert db.session.get(PlanSummary, ids["plan"]).state == "session"
        _assert_true()
    ids = _meeting_commit(app, ids)
    with app.test_request_context():
        summary = db.session.get(PlanSummary, ids["plan"])
        assert summary.state == "committed" and summary.commitment_version == 1 and summary.committed > 0
        assert summary.earlier == [] and summary.money["areas"] and summary.planned_q4 > 0
        _report(ids["plan"], 1, 0.1)
        reported = db.session.get(PlanSummary, ids["plan"])
        assert reported.reported_q1 is not None
        assert reported.earlier[0][0] == [None, None, None, None] and reported.spent_q1 > 0   # before the report
        _assert_true()
        plan = db.session.get(Plan, world.plans["a1y"])
        plans.update_plan(plan, {"pagu": 900_000_000, "stunting_budget": 100_000_000})
        db.session.add(Proposal(plan_id=plan.id, name="PAUD", category="sensitif", package="paud", target_group="balita",
                                unit="bulan", unit_cost=1, min_units=0, max_units=1))
        db.session.commit()
        assert "paud" in db.session.get(PlanSummary, plan.id).packages.split(",")
        _assert_true()
        db.session.delete(db.session.get(Proposal, db.session.scalar(
            select(Proposal.id).where(Proposal.plan_id == plan.id, Proposal.package == "paud"))))
        db.session.commit()
        assert "paud" not in db.session.get(PlanSummary, plan.id).packages.split(",")
        _assert_true()


def _meeting_commit(app, ids):
    from planner.models import RembukMeeting, User
    from planner.services import commitments

    with app.test_request_context():
        session = db.session.get(RembukMeeting, ids["session"])
        user = db.session.scalar(select(User).where(User.region_id == session.plan.desa_id, User.role == "desa"))
        ids["commitment"] = commitments.commit_meeting(session, user).id
        db.session.remove()
    return ids


def test_a_refused_change_rolls_back_and_leaves_the_summary_as_it_was(app, world):
    with app.test_request_context():
        plan = db.session.get(Plan, world.plans["a1x"])
        summaries.ensure(db.session, [plan.id])
        before = _stored()[plan.id]
        try:
            plans.update_plan(plan, {"pagu": 1, "stunting_budget": 100})
        except ServiceError:
            db.session.rollback()
        assert _stored()[plan.id] == before


def test_rows_written_around_the_orm_get_their_summary_when_a_page_needs_it(app, world, login):
    ids = _meeting(app, world)
    with app.app_context():
        db.session.execute(delete(PlanSummary))
        db.session.execute(insert(Realisation), [dict(plan_id=ids["plan"], activity_key="u1", quarter=1, spent=5,
                                                      units_delivered=0, note="", over_reason="",
                                                      commitment_version=1, version_id=1)])
        db.session.commit()
        assert db.session.scalar(select(PlanSummary)) is None
    client = login("kec_a1")
    assert client.get("/kecamatan/35.17.09/dasbor?tahun=2027").status_code == 200
    with app.app_context():
        assert db.session.scalar(select(PlanSummary.plan_id).where(PlanSummary.plan_id == ids["plan"]))
        _assert_true()


def test_rebuild_all_recomputes_every_plan(app, world):
    _meeting(app, world)
    with app.app_context():
        count = summaries.rebuild_all(db.session)
        assert count == db.session.query(Plan).count()
        _assert_true()


def test_the_cli_rebuilds_the_summaries(app, world):
    result = app.test_cli_runner().invoke(args=["oversight", "summaries"])
    assert result.exit_code == 0 and "4" in result.output


def test_a_deleted_plan_loses_its_summary(app, world):
    with app.test_request_context():
        plan_id = world.plans["a1y"]
        summaries.ensure(db.session, [plan_id])
        db.session.delete(db.session.get(Plan, plan_id))
        db.session.commit()
        assert db.session.get(PlanSummary, plan_id) is None
        assert date.today()


# --- The as-of figures before each report ----------------------------------------------------------------------

START = datetime(2027, 4, 1, tzinfo=timezone.utc)
_activity = st.tuples(st.integers(0, 20), st.integers(0, 10_000), st.lists(st.integers(0, 20), min_size=4, max_size=4),
                      st.lists(st.integers(0, 6_000), min_size=4, max_size=4))


@settings(max_examples=200, deadline=None)
@given(activities=st.lists(_activity, min_size=1, max_size=5),
       extra=st.lists(st.integers(0, 500), min_size=4, max_size=4),
       days=st.dictionaries(st.integers(1, 4), st.integers(0, 5), min_size=1),
       cut=st.integers(-1, 6))
def test_the_figures_kept_for_earlier_moments_equal_a_sum_of_the_quarters_reported_by_then(activities, extra, days,
                                                                                           cut):
    """Whatever order the quarters were reported in, several at one moment included: as of any
    moment, the entry for the number of reports made before it is `measure` of those very quarters."""
    rows = [[units, cost, None, delivered, spent, "kia"] for units, cost, delivered, spent in activities]
    reports = {q: START + timedelta(days=d) for q, d in days.items()}
    kept = summaries.earlier(rows, extra, reports)
    assert len(kept) == len(reports)
    moment = START + timedelta(days=cut, hours=12)
    before = sorted(q for q, at in reports.items() if at < moment)
    if len(before) < len(reports):
        expected = summaries.measure(rows, extra, before)
        assert kept[len(before)] == [expected["quarters"], expected["overspent"], expected["ratios"]]
