"""Version 2 plans end to end: the proven best plan (exact.Model) as a `Result`, and everything
built on it as plain re-solves of the same model: explanations, the budget sweep, budget rises,
alternatives, and robustness (the plan re-optimised at low, high and drawn effects).

The public functions of planner.optimizer hand a version-2 plan to the functions here; their
answers have the same shapes as version 1's (docs/optimizer.md).
"""
from __future__ import annotations

import math
import random
import time
from fractions import Fraction
from typing import Callable, Optional

from .exact import REL_TOL, Best, Model
from .impact_model import evaluate, people_reached
from .model import Allocation, Message, Plan, Result


def units_map(plan: Plan, units) -> dict:
    return {p.id: u for p, u in zip(plan.proposals, units)}


def v2_allocations(plan: Plan, units) -> tuple:
    """Allocations with the central cases attributed to each proposal and the people reached."""
    units = units or (0,) * len(plan.proposals)
    data = plan.as_data()
    result = evaluate(data, units_map(plan, units))
    allocs = []
    for p, u, raw in zip(plan.proposals, units, data["proposals"]):
        cases = float(result["by_proposal"].get(p.id, 0.0))
        people = None
        if p.effect is not None and p.target_group in plan.groups:
            people = people_reached(raw, u, plan.groups)
        allocs.append(Allocation(p.id, u, p.cost(u), Fraction(cases), people=people, cases=cases))
    return tuple(allocs)


def impact_range(plan: Plan, units) -> dict:
    result = evaluate(plan.as_data(), units_map(plan, units))
    return {"low": result["low"], "high": result["high"]}


def to_result(plan: Plan, best: Best, time_limit, explain_conflicts: bool = True) -> Result:
    common = dict(solver="highs", solve_seconds=round(best.seconds, 4))
    if best.units is None:
        allocs = v2_allocations(plan, None)
        if best.status == "infeasible":
            conflicts, drop, minimum = (), (), True
            message = Message("status_infeasible")
            if explain_conflicts:
                from .conflicts import find_conflicts
                report = find_conflicts(plan, time_limit=time_limit or 30)
                conflicts, drop, minimum = report.conflicts, report.fewest_to_drop, report.minimum
                message = report.summary
            return Result("infeasible", allocs, conflicts=conflicts, fewest_to_drop=drop,
                          conflicts_minimum=minimum, message=message, **common)
        if best.status == "timeout":
            return Result("timeout", allocs, message=Message("status_timeout", {"limit": time_limit}),
                          **common)
        return Result("error", allocs, message=Message("status_error", {"detail": best.detail or best.status}),
                      **common)
    gap = {"limit": time_limit, "gap_share": best.gap or 0.0, "detail": best.detail}
    if best.status == "optimal" and best.phase_stopped != 2:
        status, message = "optimal", Message("status_optimal")
    elif best.status == "optimal":        # best impact proven; the least cost of it not
        status = "feasible"
        message = Message("status_cost_unproven" if best.detail else "status_feasible_cost", gap)
    else:
        status = "feasible"
        message = Message("status_feasible_stopped" if best.detail else "status_feasible_gap", gap)
    allocs = v2_allocations(plan, best.units)
    total = evaluate(plan.as_data(), units_map(plan, best.units))
    return Result(status, allocs, total_cost=sum(a.cost for a in allocs),
                  total_impact=Fraction(total["central"]), message=message,
                  impact_range={"low": total["low"], "high": total["high"]},
                  gap=best.gap, **common)


def solve(plan: Plan, time_limit: Optional[float] = 30, explain_conflicts: bool = True) -> Result:
    """The proven best plan of a version-2 plan (see exact.py)."""
    deadline = None if time_limit is None else time.perf_counter() + time_limit
    best = Model(plan).best(deadline)
    return to_result(plan, best, time_limit, explain_conflicts)
