"""One call from plan-file dict to answer dict: what the CLI (`flask --app planner plan solve`,
`python -m planner.optimizer solve`) and any JSON endpoint use. Also the dict forms of
explanations and sensitivity."""
from __future__ import annotations

from typing import Optional

from .budget_rise import BudgetRise
from .explain import Explanation, explain
from .planfile import dump_plan, load_plan
from .report import conflict_to_dict, impact_float
from .sensitivity import Sensitivity, sensitivity
from .solve import solve
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
    """{"budget", "step", "marginal_impact", "points": [{"budget", "fraction", "status",
    "total_impact", "total_cost", "funded"}], "stability": {id: "stable"|"marginal"|"never"}}."""
    return {
        "budget": s.budget, "step": s.step, "marginal_impact": impact_float(s.marginal_impact),
        "points": [{"budget": p.budget, "fraction": round(float(p.fraction), 6),
                    "status": p.status, "total_impact": impact_float(p.total_impact),
                    "total_cost": p.total_cost, "funded": list(p.funded)} for p in s.points],
        "stability": dict(s.stability),
        "seconds": round(s.seconds, 4),
    }


def solve_plan_file(data: dict, solver: str = "cbc", time_limit: Optional[float] = 30,
                    explain: bool = False, sensitivity: bool = False,
                    compare: bool = False, budget_rise: bool = False) -> dict:
    """Validate, solve and dump: the plan file with a "result" key (plus "explanations",
    "sensitivity", "comparison" when asked and the result is optimal/has a plan).
    budget_rise: explanations also say at what budget each unfunded proposal enters.
    Raises PlanError on invalid input (the CLI turns it into exit status 2)."""
    plan = load_plan(data)
    result = solve(plan, solver=solver, time_limit=time_limit)
    out = dump_plan(plan, result)
    if explain and result.status == "optimal":
        out["explanations"] = [explanation_to_dict(e) for e in _explain(
            plan, result, budget_rise=budget_rise)]
    if sensitivity:
        out["sensitivity"] = sensitivity_to_dict(_sensitivity(plan, result=result))
    if compare:
        out["comparison"] = comparison_to_dict(_compare(plan, optimum=result))
    return out


# The keyword flags above shadow the module functions; keep handles to them.
_explain, _sensitivity, _compare = explain, sensitivity, compare
