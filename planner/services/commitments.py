"""Committing a rembuk's decision, and reading a commitment back.

`commit_meeting` freezes the meeting's latest answer into a numbered
Commitment: a complete snapshot (`content`) and its SHA-256 (`content_hash`).
Every document (Berita Acara, spreadsheets, the plan file) is rendered from the
snapshot alone, so nothing done to the plan later reaches a committed version.

Two commits racing for the same plan give one version: the plan row carries an
optimistic version counter (the loser's UPDATE matches no row), the
(plan_id, version) pair is unique, and SQLite refuses the loser's write; each
way the loser's transaction rolls back whole.
"""
import hashlib
import json
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from .. import optimizer
from ..domain import FUNDING_SOURCES
from ..extensions import db
from ..models import Commitment, CommitmentActivity
from ..models.base import utcnow
from ..models.plan import TARGET_FIELDS
from . import ServiceError, audit, commit, plan_impact
from .aks import snapshot
from .plan_file_builder import other_source_units, plan_file, proposal_id_of, proposal_key
from .proposals import plan_overview
from .rembuk import active_decisions, current_locks, is_current, meeting_suggestion
from .scorecard import content_scorecard

FORMAT = "planner-commitment"
# 2: activities carry implementer, funding_source (a code), months; pledges; document number;
# decisions carry their proposal key; a perubahan lists what changed from the version before.
FORMAT_VERSION = 2


def canonical_json(content: dict) -> str:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(content: dict) -> str:
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


def verify(commitment) -> bool:
    """True when the stored snapshot still has the hash printed on its documents."""
    return content_hash(commitment.content) == commitment.content_hash


def commit_problems(meeting) -> list:
    """Why the meeting cannot be committed yet (empty when it can)."""
    problems = []
    if meeting.status != "open" or not meeting.plan.editable_status:
        problems.append(_("Rembuk ini sudah ditutup dengan komitmen."))
        return problems
    carried = sum(1 for a in meeting.attendees if a.carried)
    if carried:
        problems.append(_("Konfirmasi kehadiran %(n)s peserta dari rembuk sebelumnya, atau hapus yang tidak hadir.",
                          n=carried))
    elif not meeting.attendees:
        problems.append(_("Catat dulu daftar hadir rembuk."))
    if not meeting.chair.strip():
        problems.append(_("Isi nama pemimpin rembuk."))
    latest = meeting_suggestion(meeting)
    if latest is None:
        problems.append(_("Hitung dulu alokasi di layar rembuk."))
    elif latest.status not in ("optimal", "feasible"):
        problems.append(_("Perhitungan terakhir tidak menemukan alokasi yang memenuhi aturan dan keputusan."))
    elif not is_current(meeting, latest):
        problems.append(_("Usulan atau keputusan berubah sejak perhitungan terakhir: hitung ulang dulu."))
    elif latest.total_cost <= 0:
        problems.append(_("Alokasi yang disepakati tidak mendanai kegiatan apa pun."))
    return problems


def commit_meeting(meeting, user, expected_plan_version: int | None = None, at=None) -> Commitment:
    """Freeze the meeting's latest answer as the plan's next commitment version.

    `at` is the moment it is dated (default now; the demo dates its story's commitments).
    Raises ServiceError (nothing written) when the meeting is not ready, the plan
    changed under the user, or another commit of the same plan won the race.
    """
    plan = meeting.plan
    problems = commit_problems(meeting)
    if problems:
        raise ServiceError(problems)
    if expected_plan_version is not None and expected_plan_version != plan.version_id:
        raise ServiceError(_already_message())
    at = at or utcnow()
    latest = meeting_suggestion(meeting)
    content = build_content(meeting, latest, user, at=at)
    previous = plan.latest_commitment
    commitment = Commitment(
        plan_id=plan.id, version=meeting.version, session_id=meeting.id,
        previous_id=previous.id if previous else None, reason=meeting.reason,
        committed_by_id=user.id, committed_at=at, total_cost=content["totals"]["cost"],
        total_impact=content["totals"]["impact"], content=content, content_hash=content_hash(content),
        unexplained_changes=unexplained_changes(content),
    )
    db.session.add(commitment)
    db.session.add_all(activity_rows(commitment, content))
    meeting.status = "committed"
    plan.status = "committed"
    audit.record("commitment.create", plan=plan, user=user, target=f"version:{meeting.version}",
                   version=meeting.version, hash=commitment.content_hash[:12])
    commit(conflict=_already_message(), duplicate=_already_message(), busy=_already_message())
    return commitment


def activity_rows(commitment, content) -> list:
    """The agreed activities as rows (CommitmentActivity) for dashboards, recaps and the API."""
    return [CommitmentActivity(
        commitment=commitment, plan_id=commitment.plan_id, key=a["key"], name=a["name"][:200],
        category=a["category"], package=a["package"], target_group=a["target_group"],
        location=(a.get("location") or "")[:120], implementer=activity_implementer(a)[:120],
        funding_source=activity_source(a), months=a.get("months") or None,
        unit=(a.get("unit") or "")[:60], apbdes_code=(a.get("apbdes_code") or "")[:20], units=a["units"],
        unit_cost=a["unit_cost"], cost=a["cost"], impact=a["impact"] or 0.0) for a in content["activities"]]


def activity_source(activity: dict) -> str:
    """An activity's funding source code; snapshots of format 1 wrote "Dana Desa" for all of them."""
    source = activity.get("funding_source") or "dd"
    return source if source in FUNDING_SOURCES else "dd"


def activity_implementer(activity: dict) -> str:
    """Who carries the activity out. Snapshots of format 1 kept the proposer as "responsible":
    that is not the implementer (it named the BPD for building a water source), so it reads as
    not recorded."""
    return activity.get("implementer") or ""


def unexplained_changes(content: dict) -> int:
    """How many of the room's decisions that made the commitment depart from the optimizer's own
    suggestion carry no reason (0 when the commitment is the suggestion).

    A decision moves other activities too (locking latrines in leaves less for feeding), so
    departures are explained by the decisions in force, not one by one.
    """
    if not content.get("changes_from_suggestion"):
        return 0
    return sum(1 for d in content.get("decisions", [])
               if not d.get("undone") and d.get("action") != "free" and not (d.get("reason") or "").strip())


def _already_message():
    return _("Rencana ini baru saja disahkan atau diubah oleh orang lain. Muat ulang halaman untuk melihat "
             "komitmen yang tersimpan.")


def _unlocked_suggestion(plan) -> dict:
    """The optimizer's own answer for the plan as it stands, with no decision of the room; its
    `total_impact` and `impact_range` are the model's (plan_impact), whichever optimizer answered."""
    data = plan_file(plan)
    result = dict(optimizer.solve_plan_file(data, solver=current_app.config["SOLVER"],
                                            time_limit=current_app.config["SOLVER_TIME_LIMIT"])["result"])
    found = plan_impact.plan_impact(data, plan_impact.units_of(result))
    result["total_impact"] = found.central
    result["impact_range"] = {"low": found.low, "high": found.high}
    return result


def aks_snapshot(plan, funded_units: dict) -> list:
    return snapshot(plan, funded_units)


def build_content(meeting, suggestion, user, at=None) -> dict:
    """The frozen snapshot of everything the documents show.

    Activities paid from Dana Desa are the suggestion's; those paid from other sources are
    added at the units proposed (or decided), each with its source. Totals (`cost`, by
    package, category and APBDes bidang) are Dana Desa's, against the stunting budget;
    `by_source` adds up every source.
    """
    plan = meeting.plan
    data = suggestion.plan_file
    result = suggestion.result["result"]
    allocations = {a["id"]: a for a in result["allocations"]}
    explanations = {e["id"]: e for e in suggestion.result.get("explanations", [])}
    proposals = {p.id: p for p in plan.proposals}
    locks = current_locks(meeting)
    found = plan_impact.plan_impact(data, plan_impact.units_of(result), plan_impact.bound_for(plan))
    activities, not_funded = [], []
    for p in data["proposals"]:
        a = allocations[p["id"]]
        proposal = proposals.get(proposal_id_of(p["id"]))
        row = {
            "key": p["id"], "proposal_id": proposal_id_of(p["id"]), "name": p["name"],
            "category": p["category"], "package": p["package"], "target_group": p["target_group"],
            "location": p.get("location") or "", "proposer": p.get("proposer") or "", "unit": p.get("unit") or "",
            "unit_cost": p["unit_cost"], "fixed_cost": p["fixed_cost"], "units": a["units"], "cost": a["cost"],
            "impact": found.by_proposal.get(p["id"], 0.0), "apbdes_code": p.get("apbdes_code") or "",
            "people": found.people.get(p["id"]), "own_estimate": p["id"] in found.own_estimate,
            "catalogue_code": p.get("catalogue_code"), "evidence": _evidence(proposal, p),
            "max_units": p["max_units"], "lock": p.get("lock"), "funding_source": "dd",
            "implementer": proposal.implementer if proposal else "",
            "months": list(proposal.months or []) if proposal else [],
        }
        if a["units"] > 0:
            activities.append(row)
        else:
            row["why"] = (explanations.get(p["id"]) or {}).get("text", {})
            not_funded.append(row)
    impacts = {row.proposal.id: row.impact.value for row in plan_overview(plan).rows}
    for proposal in plan.proposals:
        if proposal.from_dana_desa:
            continue
        lock = locks.get(proposal.id)
        units = other_source_units(proposal, lock)
        row = {
            "key": proposal_key(proposal.id), "proposal_id": proposal.id, "name": proposal.name,
            "category": proposal.category, "package": proposal.package, "target_group": proposal.target_group,
            "location": proposal.location or "", "proposer": proposal.proposer or "", "unit": proposal.unit,
            "unit_cost": proposal.unit_cost, "fixed_cost": proposal.fixed_cost, "units": units,
            "cost": proposal.fixed_cost + proposal.unit_cost * units if units else 0,
            "impact": (impacts.get(proposal.id) or 0.0) * units, "apbdes_code": proposal.apbdes_code or "",
            "max_units": proposal.max_units, "lock": lock, "funding_source": proposal.funding_source,
            "implementer": proposal.implementer, "months": list(proposal.months or []),
        }
        if units > 0:
            activities.append(row)
        else:
            row["why"] = {}
            not_funded.append(row)
    baseline = _unlocked_suggestion(plan)
    base_units = {a["id"]: (a["units"], a["cost"]) for a in baseline["allocations"]}
    decisions = active_decisions(meeting)
    changes = []
    for p in data["proposals"]:
        agreed = allocations[p["id"]]
        suggested_units, suggested_cost = base_units.get(p["id"], (0, 0))
        if agreed["units"] != suggested_units:
            changes.append({
                "key": p["id"], "name": p["name"], "location": p.get("location") or "",
                "suggested_units": suggested_units, "suggested_cost": suggested_cost,
                "agreed_units": agreed["units"], "agreed_cost": agreed["cost"],
                "reasons": _reasons_for(p["id"], decisions),
            })
    committed_file = dict(data)
    committed_file["proposals"] = [dict(p, lock=_committed_lock(allocations[p["id"]]["units"])) for p in data["proposals"]]
    committed_file["result"] = result
    decision_records = [_decision_record(d) for d in meeting.decisions]
    previous = plan.latest_commitment if meeting.version > 1 else None
    content = {
        "format": FORMAT, "format_version": FORMAT_VERSION,
        "commitment_version": meeting.version,
        "previous_version": meeting.version - 1 if meeting.version > 1 else None,
        "reason": meeting.reason,
        "committed_at": (at or utcnow()).isoformat(timespec="seconds"),
        "committed_by": user.username,
        "village": _village(plan),
        "year": plan.year,
        "budget": {
            "pagu": plan.pagu, "earmark_koperasi": plan.earmark_koperasi, "earmark_blt": plan.earmark_blt,
            "earmark_other": plan.earmark_other, "available": plan.available, "stunting_budget": data["budget"],
            "apbdes_pembangunan": plan.apbdes_pembangunan, "apbdes_pemberdayaan": plan.apbdes_pemberdayaan,
            "pagu_add": plan.pagu_add or 0,
        },
        "targets": {**{f: plan.target_count(f) for f in TARGET_FIELDS},
                    "balita_measured": plan.balita_measured, "stunted_children": plan.stunted_children,
                    "prevalence": plan.measured_prevalence},
        "session": {
            "held_on": meeting.held_on.isoformat(), "place": meeting.place, "chair": meeting.chair,
            "facilitator": meeting.facilitator, "agenda": meeting.agenda, "review": meeting.review,
            "document_number": meeting.document_number or "",
        },
        "attendance": [{"name": a.name, "role": a.role, "institution": a.institution, "sex": a.sex,
                        "signs": a.signs} for a in meeting.attendees if not a.carried],
        "pledges": [{"body": p.body, "what": p.what, "months": list(p.months or [])}
                    for p in meeting.pledges],
        "rules": data.get("rules") or {},
        "activities": activities,
        "not_funded": not_funded,
        "totals": dict(_totals(activities, data["budget"]), impact_range={"low": found.low, "high": found.high},
                       stunted_children=found.stunted, stunted_children_source=found.stunted_source,
                       plausibility={"bound": found.bound, "share": found.share, "exceeds": found.exceeds}),
        "decisions": decision_records,
        "locks": {f"u{k}": v for k, v in sorted(locks.items())},
        "changes_from_suggestion": changes,
        "suggestion": {"status": result["status"], "solver": suggestion.solver,
                       "total_cost": baseline["total_cost"], "total_impact": baseline["total_impact"] or 0.0,
                       "impact_range": baseline.get("impact_range"),
                       "session_run": suggestion.id},
        "plan_file": committed_file,
        # The AKS recommendations the plan answers and those it leaves, as they stood at the commitment.
        "aks": aks_snapshot(plan, {a["proposal_id"]: a["units"] for a in activities if a.get("proposal_id")}),
    }
    if previous is not None:
        content["changes_from_previous"] = [
            {"key": c.key, "name": c.name, "location": c.location, "units_before": c.units_before,
             "units_after": c.units_after, "cost_before": c.cost_before, "cost_after": c.cost_after,
             "reason": c.reason}
            for c in version_changes(previous.content, content)]
    return content


def _evidence(proposal, entry) -> str:
    """Where an activity's impact comes from, for the documents: the catalogue evidence's source,
    "own" (the village's estimate), "enabling" (a platform item with no effect of its own) or ""."""
    if entry.get("impact_source") == "manual":
        return "own"
    item = proposal.catalogue_item if proposal is not None else None
    if item is None:
        return ""
    if item.enabling:
        return "enabling"
    return item.impact_source if item.has_effect else ""


def _committed_lock(units: int):
    return {"units": units} if units > 0 else "out"


def _village(plan) -> dict:
    desa = plan.desa
    kecamatan = desa.parent
    kabupaten = kecamatan.parent if kecamatan else None
    return {"code": desa.code, "name": desa.name,
            "kecamatan": kecamatan.name if kecamatan else "", "kecamatan_code": kecamatan.code if kecamatan else "",
            "kabupaten": kabupaten.name if kabupaten else "", "kabupaten_code": kabupaten.code if kabupaten else ""}


def _reasons_for(key, decisions) -> list:
    proposal_id = proposal_id_of(key)
    reasons = []
    for d in decisions:
        if d.proposal_id == proposal_id or (d.action == "scenario" and d.scenario and key in d.scenario.allocation):
            reasons.append({"action": d.action, "units": d.units, "reason": d.reason,
                            "scenario": d.scenario.name if d.scenario else None})
    return reasons


def _decision_record(d) -> dict:
    return {"at": d.created_at.isoformat(timespec="seconds") if d.created_at else None,
            "action": d.action, "name": d.proposal_name,
            "key": proposal_key(d.proposal_id) if d.proposal_id else None,
            "scenario": d.scenario.name if d.scenario else None, "units": d.units, "reason": d.reason,
            "user": d.user.username if d.user else "", "undone": d.undone_at is not None,
            "carried": d.carried_from_id is not None}


def _totals(activities, budget) -> dict:
    by_package, by_category, by_area, by_source = {}, {}, {}, {}
    for a in activities:
        source = activity_source(a)
        by_source[source] = by_source.get(source, 0) + a["cost"]
        if source != "dd":
            continue
        by_package[a["package"]] = by_package.get(a["package"], 0) + a["cost"]
        by_category[a["category"]] = by_category.get(a["category"], 0) + a["cost"]
        area = budget_area(a["apbdes_code"])
        by_area[area] = by_area.get(area, 0) + a["cost"]
    dana_desa = [a for a in activities if activity_source(a) == "dd"]
    return {"cost": sum(a["cost"] for a in dana_desa), "impact": sum(a["impact"] for a in dana_desa),
            "budget": budget, "by_package": by_package, "by_category": by_category, "by_area": by_area,
            "by_source": by_source}


def budget_area(code: str) -> str:
    """The APBDes bidang of an activity code ("2.2.02" → "2"); "" without a code."""
    code = (code or "").strip()
    return code.split(".")[0] if code and code[0].isdigit() else ""


# --- Reading ---------------------------------------------------------------------------------------------------

def activities(commitment) -> list:
    """The commitment's frozen activity rows, in order."""
    return list(db.session.scalars(select(CommitmentActivity).where(CommitmentActivity.commitment_id == commitment.id)
                                   .order_by(CommitmentActivity.id)))


def get_commitment(plan, version: int) -> Commitment | None:
    return db.session.scalar(select(Commitment).where(Commitment.plan_id == plan.id, Commitment.version == version))


def scorecard(content: dict) -> list:
    """Table 5 of the Scorecard Konvergensi Desa from the snapshot: per budget area, total, stunting
    allocation, share (services.scorecard)."""
    return content_scorecard(content).lines


@dataclass
class VersionChange:
    key: str
    name: str
    units_before: int
    units_after: int
    cost_before: int
    cost_after: int
    location: str = ""
    reason: str = ""         # why the meeting dropped or cut it (its decision), when recorded
    was_required: bool = False   # the version before had decided it wajib

    @property
    def kind(self) -> str:
        if not self.units_before:
            return "added"
        if not self.units_after:
            return "removed"
        return "changed"


def version_changes(previous: dict, current: dict) -> list:
    """What a perubahan changed: activities added, removed, or with other units or cost, each with
    the reason the meeting gave (its latest decision in force on that activity)."""
    before = {a["key"]: a for a in previous["activities"]}
    after = {a["key"]: a for a in current["activities"]}
    required = {d.get("key") for d in previous.get("decisions", [])
                if not d.get("undone") and d.get("action") == "in" and d.get("key")}
    reasons = {}
    for d in current.get("decisions", []):
        if not d.get("undone") and d.get("key") and not d.get("carried") and (d.get("reason") or "").strip():
            reasons[d["key"]] = d["reason"].strip()
    changes = []
    for key in list(dict.fromkeys([*before, *after])):
        b, a = before.get(key), after.get(key)
        ub, ua = (b or {}).get("units", 0), (a or {}).get("units", 0)
        cb, ca = (b or {}).get("cost", 0), (a or {}).get("cost", 0)
        if ub != ua or cb != ca:
            row = a or b
            changes.append(VersionChange(key, row["name"], ub, ua, cb, ca, location=row.get("location") or "",
                                         reason=reasons.get(key, ""), was_required=key in required))
    return changes


def committed_plan_file(commitment) -> dict:
    """The plan file with every proposal locked to its committed units; it re-solves to the commitment."""
    return json.loads(json.dumps(commitment.content["plan_file"]))
