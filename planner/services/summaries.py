"""Per-plan summaries for the dashboards, kept up to date on every write.

A province dashboard shows thousands of villages; adding up every committed activity and
quarter of realisation on each page view grows with the data (1.7 s for 6,000 villages,
docs/performance.md). Instead each plan has one `PlanSummary` row holding what the dashboards,
recaps and the API read: its status, latest commitment, the packages and groups it covers, and
the date each quarter was reported, and a digest a page reads for every village (the money
planned per month, the money per package, and the spending, overspent activities and delivered
shares counting every quarter reported so far; the money planned by the end of each quarter).
The same as-of figures for each earlier moment of the year's reporting (before any report, after
the first, after the first two, …) are kept apart (`earlier`), read only for a village that
reported after the date asked about ("keadaan per tanggal" in the past). Anything else that
depends on the date (flags, the expected spending) is worked out from these when read.

How the rows stay true: a session listener notes the plan of every Plan, Proposal, rembuk
session, commitment, commitment activity, realisation or quarter report written in a
transaction, and just before the transaction commits, rewrites those plans' summaries in the
same transaction. No service has to remember to call anything. Rows inserted around the ORM
(bulk loads, a migration) have no summary yet: `ensure()` computes missing rows when a page
needs them, and `flask oversight summaries` rebuilds them all.
"""
from __future__ import annotations

from itertools import chain

from sqlalchemy import delete, event, func, insert, select
from sqlalchemy.orm import Session

from .. import spending_curve
from ..models import (Commitment, CommitmentActivity, Plan, PlanSummary, Proposal, QuarterReport, Realisation,
                      RembukMeeting)
from ..times import utc
from .commitments import unexplained_changes
from .plan_state import state_of

TRACKED = (Plan, Proposal, RembukMeeting, Commitment, CommitmentActivity, Realisation, QuarterReport)
CHUNK = 500
_PENDING = "planner_summary_plans"


def _plan_id(obj):
    if isinstance(obj, Plan):
        return obj.id
    return getattr(obj, "plan_id", None)


@event.listens_for(Session, "after_flush")
def _collect(session, _flush_context):
    pending = session.info.setdefault(_PENDING, set())
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, TRACKED):
            plan_id = _plan_id(obj)
            if plan_id is not None:
                pending.add(plan_id)


@event.listens_for(Session, "before_commit")
def _refresh_before_commit(session):
    session.flush()
    pending = session.info.pop(_PENDING, None)
    if pending:
        refresh(session, sorted(pending))


@event.listens_for(Session, "after_soft_rollback")
def _forget(session, _previous_transaction):
    session.info.pop(_PENDING, None)


# --- Computing ----------------------------------------------------------------------------------------------

def measure(activities, extra_spent, counted) -> dict:
    """What the flags need from a plan's committed activities, counting only the quarters in `counted`:
    spending per quarter (None for a quarter not counted), how many activities spent more than their
    cost, and each activity's delivered share of its units. `activities`: [units, cost, months,
    [delivered q1..q4], [spent q1..q4], package]."""
    quarters = [None] * 4
    for q in counted:
        quarters[q - 1] = sum(a[4][q - 1] for a in activities) + (extra_spent[q - 1] if extra_spent else 0)
    overspent = sum(1 for a in activities if sum(a[4][q - 1] for q in counted) > a[1])
    ratios = [round(sum(a[3][q - 1] for q in counted) / a[0], 3) if a[0] else 1.0 for a in activities]
    return {"quarters": quarters, "overspent": overspent, "ratios": ratios}


def earlier(activities, extra_spent, reports) -> list:
    """`measure` as of each moment before the last report: entry k counts the first k quarters
    reported (in the order they were reported, then by quarter), for k = 0 … n − 1 where n quarters
    are reported (all n are the summary's columns). Reports made at one moment come in together, so
    "the quarters reported before a date" is always one of these. Each entry is `[spending per
    quarter (None: not counted), overspent activities, delivered share per activity]`."""
    order = sorted(reports, key=lambda q: (reports[q], int(q)))
    result = []
    for k in range(len(order)):
        measured = measure(activities, extra_spent, sorted(int(q) for q in order[:k]))
        result.append([measured["quarters"], measured["overspent"], measured["ratios"]])
    return result


def digest(activities, extra_spent, reports) -> dict:
    """The compact part of a summary the dashboards read for every village: the date-independent
    sums, and the as-of figures counting every quarter reported so far (`measure`)."""
    by_package, plan = {}, spending_curve.monthly_plan((a[1], a[2]) for a in activities)
    for a in activities:
        package = a[5] if len(a) > 5 else ""
        by_package[package] = by_package.get(package, 0) + a[1]
    counted = sorted(int(q) for q in reports)
    planned = spending_curve.expected_by_quarter(spending_curve.cumulative(plan))
    return {"planned": [round(v) for v in planned], "by_package": by_package,
            "all_reported": measure(activities, extra_spent, counted)}


def compute(session, plan_ids) -> dict:
    """The summary row values of each plan (plan id → dict of PlanSummary columns); plans that do
    not exist are left out. A fixed number of queries per 500 plans."""
    result = {}
    ids = list(plan_ids)
    for start in range(0, len(ids), CHUNK):
        result.update(_compute_chunk(session, ids[start:start + CHUNK]))
    return result


def _compute_chunk(session, ids) -> dict:
    plans = {pid: (desa_id, year, status) for pid, desa_id, year, status in session.execute(
        select(Plan.id, Plan.desa_id, Plan.year, Plan.status).where(Plan.id.in_(ids)))}
    if not plans:
        return {}
    ids = list(plans)
    open_sessions = set(session.scalars(select(RembukMeeting.plan_id).where(
        RembukMeeting.plan_id.in_(ids), RembukMeeting.status == "open").distinct()))
    latest = (select(Commitment.plan_id, func.max(Commitment.version).label("version"),
                     func.min(Commitment.committed_at).label("first_at"))
              .where(Commitment.plan_id.in_(ids)).group_by(Commitment.plan_id).subquery())
    commitments = {}
    for cid, pid, version, cost, impact, unexplained, first_at in session.execute(
            select(Commitment.id, Commitment.plan_id, Commitment.version, Commitment.total_cost,
                   Commitment.total_impact, Commitment.unexplained_changes, latest.c.first_at)
            .join(latest, (Commitment.plan_id == latest.c.plan_id) & (Commitment.version == latest.c.version))):
        commitments[pid] = dict(commitment_id=cid, commitment_version=version, committed=cost, impact=impact,
                                unexplained=unexplained, committed_at=first_at)
    legacy = [c["commitment_id"] for c in commitments.values() if c["unexplained"] is None]
    if legacy:
        counts = {cid: unexplained_changes(content) for cid, content in session.execute(
            select(Commitment.id, Commitment.content).where(Commitment.id.in_(legacy)))}
        for c in commitments.values():
            if c["unexplained"] is None:
                c["unexplained"] = counts.get(c["commitment_id"], 0)

    # Oversight follows the Dana Desa: activities paid from other sources (Bankeu, CSR, swadaya…) are on
    # the village's realisation sheet but not in these sums, which compare spending with the Dana Desa
    # commitment.
    data = {pid: {"packages": set(), "groups": set(), "activities": [], "keys": {}, "reports": {},
                  "areas": {}, "extra_spent": [0, 0, 0, 0], "other_source": set()} for pid in ids}
    by_commitment = {c["commitment_id"]: pid for pid, c in commitments.items()}
    if by_commitment:
        for cid, key, units, cost, package, group, code, month_list, source in session.execute(
                select(CommitmentActivity.commitment_id, CommitmentActivity.key, CommitmentActivity.units,
                       CommitmentActivity.cost, CommitmentActivity.package, CommitmentActivity.target_group,
                       CommitmentActivity.apbdes_code, CommitmentActivity.months, CommitmentActivity.funding_source)
                .where(CommitmentActivity.commitment_id.in_(list(by_commitment)))
                .order_by(CommitmentActivity.id)):
            entry = data[by_commitment[cid]]
            entry["packages"].add(package)
            entry["groups"].add(group)
            if source not in (None, "", "dd"):
                entry["other_source"].add(key)
                if source == "add":      # ADD's stunting share is overseen beside the Dana Desa's
                    entry["add"] = entry.get("add", 0) + int(cost or 0)
                continue
            chosen = month_list if isinstance(month_list, list) and month_list else None
            entry["keys"][key] = len(entry["activities"])
            entry["activities"].append([int(units or 0), int(cost or 0), chosen, [0, 0, 0, 0], [0, 0, 0, 0], package])
            area = _area(code)
            entry["areas"][area] = entry["areas"].get(area, 0) + int(cost or 0)
    first_written = {}
    for pid, key, quarter, spent, units, created in session.execute(
            select(Realisation.plan_id, Realisation.activity_key, Realisation.quarter, Realisation.spent,
                   Realisation.units_delivered, Realisation.created_at).where(Realisation.plan_id.in_(ids))):
        if not 1 <= quarter <= 4:
            continue
        entry = data[pid]
        index = entry["keys"].get(key)
        if key in entry["other_source"]:
            pass
        elif index is None:
            entry["extra_spent"][quarter - 1] += int(spent or 0)
        else:
            activity = entry["activities"][index]
            activity[3][quarter - 1] += int(units or 0)
            activity[4][quarter - 1] += int(spent or 0)
        seen = first_written.get((pid, quarter))
        if created is not None and (seen is None or created < seen):
            first_written[(pid, quarter)] = created
    for (pid, quarter), created in first_written.items():
        data[pid]["reports"][quarter] = utc(created)
    for pid, quarter, reported in session.execute(
            select(QuarterReport.plan_id, QuarterReport.quarter, QuarterReport.reported_at)
            .where(QuarterReport.plan_id.in_(ids))):
        data[pid]["reports"][quarter] = utc(reported)
    uncommitted = [pid for pid in ids if pid not in commitments]
    if uncommitted:
        for pid, package, group in session.execute(
                select(Proposal.plan_id, Proposal.package, Proposal.target_group)
                .where(Proposal.plan_id.in_(uncommitted)).distinct()):
            data[pid]["packages"].add(package)
            data[pid]["groups"].add(group)

    result = {}
    for pid, (desa_id, year, status) in plans.items():
        entry = data[pid]
        activities, extra, reports = entry["activities"], entry["extra_spent"], entry["reports"]
        summary = digest(activities, extra, reports)
        measured = summary["all_reported"]
        c = commitments.get(pid, {})
        row = dict(plan_id=pid, desa_id=desa_id, year=year, state=state_of(status, pid in open_sessions),
                   commitment_id=c.get("commitment_id"), commitment_version=c.get("commitment_version"),
                   committed_at=c.get("committed_at"), committed=c.get("committed"), impact=c.get("impact"),
                   unexplained=c.get("unexplained") or 0,
                   packages=",".join(sorted(p for p in entry["packages"] if p)),
                   groups=",".join(sorted(g for g in entry["groups"] if g)),
                   overspent=measured["overspent"], ratios=",".join(f"{r:g}" for r in measured["ratios"]),
                   money={"by_package": summary["by_package"], "areas": entry["areas"],
                          "add": entry.get("add", 0)},
                   earlier=earlier(activities, extra, reports))
        for q in range(1, 5):
            row[f"spent_q{q}"] = measured["quarters"][q - 1]
            row[f"reported_q{q}"] = reports.get(q)
            row[f"planned_q{q}"] = summary["planned"][q - 1]
        result[pid] = row
    return result


def _area(code) -> str:
    """The APBDes bidang of an activity code ("2.2.02" → "2"); "" without a code."""
    code = (code or "").strip()
    return code.split(".")[0] if code and code[0].isdigit() else ""


def refresh(session, plan_ids) -> int:
    """Rewrite the summaries of `plan_ids` (deleted plans lose theirs). Returns how many were written."""
    ids = sorted(set(plan_ids))
    rows = compute(session, ids)
    for start in range(0, len(ids), CHUNK):
        session.execute(delete(PlanSummary).where(PlanSummary.plan_id.in_(ids[start:start + CHUNK])))
    if rows:
        session.execute(insert(PlanSummary), list(rows.values()))
    return len(rows)


def ensure(session, plan_ids) -> int:
    """Compute the summaries of the plans that have none (rows written around the ORM); commits
    when it wrote any. Returns how many."""
    ids = list(plan_ids)
    missing = []
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        have = set(session.scalars(select(PlanSummary.plan_id).where(PlanSummary.plan_id.in_(chunk))))
        missing += [pid for pid in chunk if pid not in have]
    if not missing:
        return 0
    written = refresh(session, missing)
    session.commit()
    return written


def rebuild_all(session) -> int:
    """Recompute every plan's summary (after a bulk load or to check nothing drifted); commits."""
    ids = list(session.scalars(select(Plan.id).order_by(Plan.id)))
    session.execute(delete(PlanSummary))
    written = 0
    for start in range(0, len(ids), 2000):
        written += refresh(session, ids[start:start + 2000])
    session.commit()
    return written


