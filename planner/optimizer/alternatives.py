"""Near-optimal alternatives: other sets of activities almost as good as the best plan.

A village meeting chooses more readily among a few good options than it accepts one
answer. `alternatives(plan, best)` finds, in order, the best allocations whose *funded
set* (which proposals get any units) differs from the best plan's and from every
alternative found before, and whose impact is at least (1 − max_loss) × the best impact.

Method: the same formulation as `solve`, plus
    alt_floor:  scaled impact >= ceil((1 − max_loss) · Z*)     (exact: impacts are integers)
    nogood_j:   sum_{k not in S_j} y_k − sum_{k in S_j} y_k >= 1 − |S_j|
for the best plan's funded set S_0 and each alternative's S_j ("differ in at least one
activity"). Each alternative is the lexicographic optimum (impact, then least cost, then the
input-order tie-break) under those rows, so the list is ordered by impact, then cost, and
the same input always gives the same list. Every alternative is re-checked against every
row with integer arithmetic.

Only proven optima are returned: when the time limit cuts a solve short, the search stops
and returns the alternatives already proven (never a time-limited answer).
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass
from fractions import Fraction
from typing import Optional, Tuple

from .backends import SOLVERS, PulpEngine, available_solvers
from .formulation import build
from .model import Allocation, Plan, Result
from .planfile import PlanError, validate_plan
from .solve import allocations, lexicographic


@dataclass(frozen=True)
class Alternative:
    allocations: Tuple[Allocation, ...]
    total_cost: int
    total_impact: Fraction
    loss_share: float                       # (best impact − this impact) / best impact
    added: Tuple[str, ...]                  # funded here, not in the best plan
    dropped: Tuple[str, ...]                # funded in the best plan, not here
    changed_units: Tuple[Tuple[str, int, int], ...]   # (id, units in best, units here), funded in both


def _funded(units) -> frozenset:
    return frozenset(k for k, u in enumerate(units) if u > 0)


def alternatives(plan: Plan, best: Result, count: int = 3, max_loss: float = 0.02, solver: str = "highs",
                 time_limit: Optional[float] = 30, min_swap: float = 0.0) -> list:
    """Up to `count` alternatives to `best` (the optimal Result of `solve(plan)`); see the module docstring.

    `min_swap` (plan files of version 2): each alternative moves at least this share of the budget
    between activities — the cost of what it drops from `best` plus the cost of what it adds — so
    that an alternative is a real choice, not the best plan with a small item added or left out.

    Returns [] when `best` is not optimal or `count` < 1. Raises ValueError unless 0 <= max_loss <= 1,
    PlanError for an invalid plan or solver.
    """
    if not 0 <= max_loss <= 1:
        raise ValueError("max_loss must be between 0 and 1")
    if count < 1 or best.status != "optimal":
        return []
    validate_plan(plan)
    if plan.version >= 2:
        from . import v2
        return v2.alternatives(plan, best, count, max_loss, time_limit, min_swap=min_swap)
    if solver not in SOLVERS or solver not in available_solvers():
        raise PlanError("bad_solver", where="solver", field="solver", value=solver,
                        choices=", ".join(available_solvers()))
    started = time.perf_counter()
    deadline = None if time_limit is None else started + time_limit
    fm = build(plan)
    by_id = {p.id: k for k, p in enumerate(plan.proposals)}
    best_units = [0] * fm.n
    for a in best.allocations:
        best_units[by_id[a.id]] = a.units
    best_scaled = fm.scaled_impact(best_units)
    keep = 1 - Fraction(repr(float(max_loss)))
    floor = math.ceil(keep * best_scaled)
    fm.add_row("alt_floor", fm.impact_objective(), lb=floor)
    engine = PulpEngine(fm, solver)
    found = []
    seen = [_funded(best_units)]
    while len(found) < count:
        funded = seen[-1]
        coefs = {fm.y(k): (-1 if k in funded else 1) for k in range(fm.n)}
        fm.add_row(f"nogood_{len(seen)}", coefs, lb=1 - len(funded))
        remaining = None if deadline is None else deadline - time.perf_counter()
        if remaining is not None and remaining <= 0:
            break
        lexi = lexicographic(engine, remaining)
        if lexi.status != "optimal" or lexi.units is None or lexi.phase_stopped in (1, 2):
            break
        units = lexi.units
        if fm.violated_rows(fm.units_to_x(units)) or fm.scaled_impact(units) < floor:
            break   # never hand out an allocation that does not hold exactly
        seen.append(_funded(units))
        found.append(_alternative(plan, fm, best_units, best_scaled, units))
    return found


def _alternative(plan, fm, best_units, best_scaled, units) -> Alternative:
    allocs = allocations(plan, units)
    impact = sum((a.impact for a in allocs), Fraction(0))
    scaled = fm.scaled_impact(units)
    loss = float(Fraction(best_scaled - scaled, best_scaled)) if best_scaled else 0.0
    ids = [p.id for p in plan.proposals]
    added = tuple(ids[k] for k in range(fm.n) if units[k] > 0 and best_units[k] == 0)
    dropped = tuple(ids[k] for k in range(fm.n) if units[k] == 0 and best_units[k] > 0)
    changed = tuple((ids[k], best_units[k], units[k]) for k in range(fm.n)
                    if units[k] > 0 and best_units[k] > 0 and units[k] != best_units[k])
    return Alternative(allocs, sum(a.cost for a in allocs), impact, max(loss, 0.0), added, dropped, changed)


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
