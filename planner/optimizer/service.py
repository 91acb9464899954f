"""One call from plan-file dict to answer dict: what the CLI (`flask --app planner plan solve`,
`python -m planner.optimizer solve`) and any JSON endpoint use. Also the dict forms of
explanations and sensitivity."""
from __future__ import annotations

import time
from typing import Callable, Optional

from .budget_rise import BudgetRise
from .explanation import Explanation, explain
from .planfile import dump_plan, load_plan
from .report import conflict_to_dict, impact_float
from .budget_sweep import Sensitivity, sensitivity
from .solver import solve
from .spreadsheet import compare, comparison_to_dict


def explanation_to_dict(e: Explanation) -> dict:
    """{"id", "funded", "units", "cost", "impact", "impact_per_million", "locked", "loss",
    "impact_without", "required_by", "reasons", "cost_drop", "cost_drop_units", "cost_at_units",
    "never", "blocked_by", "messages", "text": {"id", "en"}, "budget_rise"} (budget_rise: see
    budget_rise_to_dict, or None when not asked or not applicable)."""
    return {
        "id": e.id, "funded": e.funded, "units": e.units, "cost": e.cost,
        "impact": impact_float(e.impact),
        "impact_per_million": impact_float(e.impact_per_million),
        "locked": e.locked, "loss": impact_float(e.loss),
        "impact_without": impact_float(e.impact_without),
        "required_by": [conflict_to_dict(c) for c in e.required_by],
        "reasons": [m.to_dict() for m in e.reasons],
        "cost_drop": e.cost_drop, "cost_drop_units": e.cost_drop_units,
        "cost_at_units": e.cost_at_units, "never": e.never,
        "blocked_by": [conflict_to_dict(c) for c in e.blocked_by],
        "messages": [m.to_dict() for m in e.messages],
        "text": {"id": e.text("id"), "en": e.text("en")},
        "budget_rise": budget_rise_to_dict(e.budget_rise) if e.budget_rise else None,
    }


def budget_rise_to_dict(r: BudgetRise) -> dict:
    """{"id", "status": "enters"|"not_within"|"unproven"|"skipped", "budget", "rise", "units",
    "checked_to", "solves", "message"}."""
    message = r.message
    return {"id": r.id, "status": r.status, "budget": r.budget, "rise": r.rise,
            "units": r.units, "checked_to": r.checked_to, "solves": r.solves,
            "message": message.to_dict() if message else None}


def sensitivity_to_dict(s: Sensitivity) -> dict:
    """{"budget", "step", "marginal_impact", "marginal_units", "points": [{"budget", "fraction",
    "status", "total_impact", "total_cost", "funded", "units"}], "stability": {id: "stable" |
    "marginal" | "never"}}. units: the level's plan, units per proposal in plan order ([] when
    it has none); marginal_units: the best plan's at budget + step."""
    return {
        "budget": s.budget, "step": s.step, "marginal_impact": impact_float(s.marginal_impact),
        "marginal_units": list(s.marginal_units),
        "points": [{"budget": p.budget, "fraction": round(float(p.fraction), 6),
                    "status": p.status, "total_impact": impact_float(p.total_impact),
                    "total_cost": p.total_cost, "funded": list(p.funded),
                    "units": list(p.units)} for p in s.points],
        "stability": dict(s.stability),
        "seconds": round(s.seconds, 4),
    }


# Below this many seconds left, a part is not started (it could not finish anything useful).
MIN_PART_SECONDS = 0.25
PARTS = ("explanations", "sensitivity", "comparison", "budget_rises")


def solve_plan_file(data: dict, solver: str = "highs", time_limit: Optional[float] = 30,
                    explain: bool = False, sensitivity: bool = False,
                    compare: bool = False, budget_rise: bool = False,
                    time_budget: Optional[float] = None,
                    progress: Optional[Callable[[float, str], None]] = None) -> dict:
    """Validate, solve and dump: the plan file with a "result" key (plus "explanations",
    "sensitivity", "comparison" when asked and the result is optimal/has a plan).
    budget_rise: explanations also say at what budget each unfunded proposal enters.

    time_budget: seconds for the WHOLE call (INTERFACES.md). The main solve always runs, its
    limit the smaller of `time_limit` and the budget; each later part gets the time left. A part
    the budget did not allow is left out, or (explanations, sensitivity) kept with the numbers
    it proved and the others empty; either way its name is listed in `out["incomplete"]`
    (always present when a budget is given). What was computed is proven.
    progress: called as progress(fraction, part) when a part starts (and at the end).
    Raises PlanError on invalid input (the CLI turns it into exit status 2)."""
    deadline = None if time_budget is None else time.monotonic() + max(0.0, float(time_budget))

    def left(default=None):
        if deadline is None:
            return default
        return deadline - time.monotonic()

    def report(fraction, part):
        if progress is not None:
            progress(fraction, part)

    plan = load_plan(data)
    report(0.0, "solve")
    limit = time_limit
    if deadline is not None:
        limit = max(0.1, left()) if limit is None else max(0.1, min(limit, left()))
    result = solve(plan, solver=solver, time_limit=limit)
    out = dump_plan(plan, result)
    incomplete = []
    if explain and result.status == "optimal":
        report(0.2, "explanations")
        if deadline is not None and left() < MIN_PART_SECONDS:
            incomplete.append("explanations")
        else:
            out["explanations"] = [explanation_to_dict(e) for e in _explain(
                plan, result, budget_rise=budget_rise, time_limit=left(60.0))]
            if deadline is not None and left() <= 0:
                incomplete.append("explanations")    # the last re-solves were cut: some numbers are missing
    if sensitivity:
        report(0.7, "sensitivity")
        if deadline is not None and left() < MIN_PART_SECONDS:
            incomplete.append("sensitivity")
        else:
            sweep = sensitivity_to_dict(_sensitivity(plan, result=result, time_limit=left(60.0)))
            out["sensitivity"] = sweep
            if deadline is not None and any(p["status"] in ("timeout", "feasible") for p in sweep["points"]) \
                    and left() <= 0:
                incomplete.append("sensitivity")
    if compare:
        report(0.95, "comparison")
        if deadline is not None and left() < MIN_PART_SECONDS / 5:
            incomplete.append("comparison")
        else:
            out["comparison"] = comparison_to_dict(_compare(plan, optimum=result))
    if deadline is not None:
        out["incomplete"] = incomplete
    report(1.0, "done")
    return out


# The keyword flags above shadow the module functions; keep handles to them.
_explain, _sensitivity, _compare = explain, sensitivity, compare
