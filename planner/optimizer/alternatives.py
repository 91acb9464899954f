"""Near-optimal alternatives: other sets of activities almost as good as the best plan.

A village meeting chooses more readily among a few good options than it accepts one
answer. `alternatives(plan, best)` finds, in order, the best allocations whose *funded
set* (which proposals get any units) differs from the best plan's and from every
alternative found before, and whose impact is at least (1 − max_loss) × the best impact.

Method: the model of the main solve (exact.Model), plus
    floor:     impact >= (1 − max_loss) · Z*   (version 1: ceil of it on the integer impacts)
    nogood_j:  sum_{k not in S_j} y_k − sum_{k in S_j} y_k >= 1 − |S_j|
for the best plan's funded set S_0 and each alternative's S_j ("differ in at least one
activity"). Each alternative is the best plan (then the cheapest) under those rows, so the list
is ordered by impact and the same input always gives the same list.

Only proven optima are returned: when the time limit cuts a solve short, the search stops
and returns the alternatives already proven (never a time-limited answer).
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass
from fractions import Fraction
from typing import Optional, Tuple

from .exact import ANALYSIS_TOL, Model
from .model import Allocation, Plan, Result
from .planfile import validate_plan
from .v2 import allocations


@dataclass(frozen=True)
class Alternative:
    allocations: Tuple[Allocation, ...]
    total_cost: int
    total_impact: Fraction
    loss_share: float                       # (best impact − this impact) / best impact
    added: Tuple[str, ...]                  # funded here, not in the best plan
    dropped: Tuple[str, ...]                # funded in the best plan, not here
    changed_units: Tuple[Tuple[str, int, int], ...]   # (id, units in best, units here), funded in both


def alternatives(plan: Plan, best: Result, count: int = 3, max_loss: float = 0.02,
                 solver: str = "highs", time_limit: Optional[float] = 30,
                 min_swap: float = 0.0) -> list:
    """Up to `count` alternatives to `best` (the optimal Result of `solve(plan)`); see the
    module docstring.

    `min_swap`: each alternative moves at least this share of the budget between activities —
    the cost of what it drops from `best` plus the cost of what it adds:
    Σ_{k funded in best} cost_k(best)·(1 − y_k) + Σ_{k not funded in best} cost_k ≥ min_swap·B,
    so that an alternative is a real choice, not the best plan with a small item added or left
    out.

    `solver` is accepted for the callers' sake: every re-solve runs on HiGHS (exact.Model).
    Returns [] when `best` is not optimal or `count` < 1. Raises ValueError unless
    0 <= max_loss <= 1, PlanError for an invalid plan.
    """
    if not 0 <= max_loss <= 1:
        raise ValueError("max_loss must be between 0 and 1")
    if count < 1 or best.status != "optimal":
        return []
    validate_plan(plan)
    started = time.perf_counter()
    deadline = None if time_limit is None else started + time_limit
    model = Model(plan)
    fm = model.fm
    ids = [p.id for p in plan.proposals]
    best_units = list(best.units())
    best_value = model.objective(best_units)
    if model.integral:
        floor = math.ceil((1 - Fraction(repr(float(max_loss)))) * best_value)
    else:
        floor = (1 - max_loss) * best_value - 1e-12
    model.add_rule_row(model.impact_coefs, floor, math.inf)
    if min_swap > 0:
        swap, kept_cost = {}, 0.0
        for k, p in enumerate(plan.proposals):
            if best_units[k]:
                cost = float(p.cost(best_units[k]))
                kept_cost += cost
                swap[fm.y(k)] = swap.get(fm.y(k), 0.0) - cost
            else:
                swap[fm.u(k)] = swap.get(fm.u(k), 0.0) + float(p.unit_cost)
                swap[fm.y(k)] = swap.get(fm.y(k), 0.0) + float(p.fixed_cost)
        model.add_rule_row(swap, min_swap * float(plan.budget) - kept_cost, math.inf)
    found, seen = [], [frozenset(k for k, u in enumerate(best_units) if u)]
    while len(found) < count:
        funded = seen[-1]
        coefs = {fm.y(k): (-1.0 if k in funded else 1.0) for k in range(fm.n)}
        model.add_rule_row(coefs, 1 - len(funded), math.inf)
        if deadline is not None and time.perf_counter() >= deadline:
            break
        answer = model.best(deadline, rel_tol=ANALYSIS_TOL)
        if answer.status != "optimal" or answer.phase_stopped:
            break
        units = answer.units
        value = model.objective(units)
        if value < floor:
            break       # never hand out an allocation below the floor
        seen.append(frozenset(k for k, u in enumerate(units) if u))
        allocs = allocations(plan, units)
        loss = (best_value - value) / best_value if best_value else 0
        impact = sum((a.impact for a in allocs), Fraction(0)) if plan.version < 2 \
            else Fraction(answer.impact)
        found.append(Alternative(
            allocs, sum(a.cost for a in allocs), impact, max(float(loss), 0.0),
            tuple(ids[k] for k in range(fm.n) if units[k] and not best_units[k]),
            tuple(ids[k] for k in range(fm.n) if not units[k] and best_units[k]),
            tuple((ids[k], best_units[k], units[k]) for k in range(fm.n)
                  if units[k] and best_units[k] and units[k] != best_units[k])))
    return found


def alternative_to_dict(a: Alternative) -> dict:
    """JSON-ready: impacts as floats, like `result_to_dict`."""
    return {
        "allocations": [{"id": x.id, "units": x.units, "cost": x.cost, "impact": float(x.impact)}
                        for x in a.allocations],
        "total_cost": a.total_cost,
        "total_impact": float(a.total_impact),
        "loss_share": a.loss_share,
        "added": list(a.added),
        "dropped": list(a.dropped),
        "changed_units": [{"id": i, "units_best": b, "units": u} for i, b, u in a.changed_units],
    }


__all__ = ["Alternative", "alternative_to_dict", "alternatives"]
