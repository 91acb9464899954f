"""A village plan as an optimizer plan file (format v1), the project's JSON exchange format.

Proposal ids in the file are the database ids written `u<id>` so that results
map back to proposals. Fields the solver does not use (unit, APBDes code,
proposer, notes, where the impact comes from) ride along for the export.
"""
from .proposals import plan_overview
from .rules import effective_rules

FORMAT = "planner-plan"
VERSION = 1


def proposal_key(proposal_id: int) -> str:
    return f"u{proposal_id}"


def proposal_id_of(key: str) -> int | None:
    """The database id behind a plan-file id written by `proposal_key`, else None."""
    if isinstance(key, str) and key.startswith("u") and key[1:].isdigit():
        return int(key[1:])
    return None


def other_source_units(proposal, lock) -> int:
    """Units of an activity paid from another source: what was proposed, unless the rembuk
    struck it or set its units."""
    if lock == "out":
        return 0
    if isinstance(lock, dict):
        return int(lock.get("units") or 0)
    return proposal.max_units


def plan_file(plan, overview=None, locks=None) -> dict:
    """The plan as a plan-file dict. `locks` maps proposal id → lock value (None/"in"/"out"/{"units": n}).

    Only proposals paid from Dana Desa enter: the stunting budget and its rules are Dana
    Desa's, and an activity a company (CSR), the community (swadaya) or another fund pays sits
    beside them (docs/rembuk.md). Links to such a proposal are left out: it is there unless the
    rembuk strikes it, so a "requires" is met and a "not both" cannot be weighed by the optimizer.

    A proposal whose impact nobody has given enters with impact 0, and says so
    in `impact_source: "missing"`, so the optimizer never funds it for impact.
    """
    overview = overview or plan_overview(plan)
    locks = locks or {}
    rows = [row for row in overview.rows if row.proposal.from_dana_desa]
    inside = {row.proposal.id for row in rows}
    excludes = {}
    for row in rows:
        for other in row.proposal.linked_ids("excludes"):
            if other in inside:
                excludes.setdefault(row.proposal.id, set()).add(other)
    proposals = []
    for row in rows:
        p = row.proposal
        proposals.append({
            "id": proposal_key(p.id),
            "name": p.name,
            "unit_cost": p.unit_cost,
            "fixed_cost": p.fixed_cost,
            "min_units": p.min_units,
            "max_units": p.max_units,
            "impact_per_unit": row.impact.value if row.impact.value is not None else 0,
            "category": p.category,
            "package": p.package,
            "target_group": p.target_group,
            "location": p.location,
            "lock": locks.get(p.id),
            "requires": [proposal_key(i) for i in p.linked_ids("requires") if i in inside],
            "excludes": [proposal_key(i) for i in sorted(excludes.get(p.id, ()))],
            "unit": p.unit,
            "apbdes_code": p.apbdes_code,
            "proposer": p.proposer,
            "notes": p.notes,
            "impact_source": row.impact.source,
            "catalogue_code": p.catalogue_item.code if p.catalogue_item else None,
        })
    return {
        "format": FORMAT,
        "version": VERSION,
        "village": {"code": plan.desa.code, "name": plan.desa.name, "year": plan.year},
        "budget": plan.stunting_budget,
        "rules": effective_rules(plan),
        "proposals": proposals,
    }
