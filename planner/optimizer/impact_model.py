"""What a choice of units is worth under a plan file's impact model (plain dicts in and out).

Plan file version 2 (docs/optimizer.md) describes each target group
(`"groups": {"baduta": {"population": 120, "baseline_risk": 0.22}}`) and, per proposal, the
relative risk reduction for one person who completes one course
(`"effect": {"low": …, "central": …, "high": …}`), `"units_per_course"` and optionally
`"already_reached"` (people of the group another programme already reaches with the same service).
Such a proposal with `units` reaches `x = units / units_per_course` people, at most the group's
population less those already reached, and its effect combines with the others in the group as
planner.impact.combined_cases says. A proposal with `impact_per_unit` and no `effect` (all of
version 1, and a village's own estimate) adds `impact_per_unit × units` cases, at every level.

    evaluate(data, units)                 {"central", "low", "high", "by_proposal", "by_group"}
    plausibility(data, units, bound=0.1)  the central impact against the village's stunted children
"""
from __future__ import annotations

from typing import Mapping

from ..impact import LEVELS, attributed_cases, combined_cases

#: The share of the village's stunted children a year's plan may claim before the page warns.
DEFAULT_PLAUSIBILITY_BOUND = 0.10


def people_reached(proposal: Mapping, units: float, groups: Mapping) -> float:
    """People a combined-effect proposal reaches with `units`: whole or partial courses, capped at
    the group's population less those already reached."""
    per_course = float(proposal.get("units_per_course") or 1.0)
    people = max(0.0, float(units)) / per_course
    group = groups.get(proposal.get("target_group"))
    if group is None:
        return people
    room = max(0.0, float(group["population"]) - float(proposal.get("already_reached") or 0))
    return min(people, room)


def is_combined(proposal: Mapping, groups: Mapping) -> bool:
    """Whether the proposal's impact follows the combined model (an effect and a described group)."""
    return proposal.get("effect") is not None and proposal.get("target_group") in groups


def evaluate(data: Mapping, units: Mapping[str, float]) -> dict:
    """The impact of `units` (proposal id → units; missing ids are 0) at the low, central and high
    effects, with the central figure split by proposal (shares of each group's combined cases) and
    by group. Additive proposals count the same at every level."""
    groups = data.get("groups") or {}
    totals = {level: 0.0 for level in LEVELS}
    by_proposal: dict[str, float] = {}
    by_group: dict[str, float] = {}
    members: dict[str, list] = {}
    for proposal in data.get("proposals", ()):
        pid = proposal["id"]
        amount = float(units.get(pid, 0) or 0)
        if is_combined(proposal, groups):
            members.setdefault(proposal["target_group"], []).append(
                (pid, proposal["effect"], people_reached(proposal, amount, groups)))
        else:
            cases = float(proposal.get("impact_per_unit") or 0) * amount
            by_proposal[pid] = cases
            for level in LEVELS:
                totals[level] += cases
    for key, items in members.items():
        group = groups[key]
        population, risk = float(group["population"]), float(group["baseline_risk"])
        for level in LEVELS:
            totals[level] += combined_cases(population, risk, [(e[level], x) for _, e, x in items])
        parts = attributed_cases(population, risk, [(e["central"], x) for _, e, x in items])
        for (pid, _, _), part in zip(items, parts):
            by_proposal[pid] = part
        by_group[key] = sum(parts)
    return {**totals, "by_proposal": by_proposal, "by_group": by_group}


def stunted_children(data: Mapping) -> float | None:
    """The village's stunted children in a year as the plan file states it (`stunted_children`),
    or None when it does not."""
    value = data.get("stunted_children")
    return None if value is None else float(value)


def plausibility(data: Mapping, units: Mapping[str, float], bound: float = DEFAULT_PLAUSIBILITY_BOUND) -> dict:
    """Whether the central impact of `units` stays within `bound` × the village's stunted children.

    {"share": central ÷ stunted (None when the plan file gives no count), "bound", "exceeds",
    "carriers": the proposal ids that carry the impact, largest first, until they make up the part
    above the bound (all contributing ones when it is not exceeded)}."""
    result = evaluate(data, units)
    stunted = stunted_children(data)
    share = None if not stunted else result["central"] / stunted
    exceeds = share is not None and share > bound
    ranked = sorted(((cases, pid) for pid, cases in result["by_proposal"].items() if cases > 0), reverse=True)
    carriers = []
    if exceeds:
        excess = result["central"] - bound * stunted
        running = 0.0
        for cases, pid in ranked:
            carriers.append(pid)
            running += cases
            if running >= excess:
                break
    else:
        carriers = [pid for _, pid in ranked]
    return {"share": share, "bound": bound, "exceeds": exceeds, "carriers": carriers,
            "central": result["central"]}
