"""Solve a plan: greatest total impact, then least cost.

Every plan file goes through v2.solve (exact.Model on HiGHS): exact for version-1 plans
(additive impacts: an integral model), proven to exact.REL_TOL for version 2. `solver="cbc"`
solves a version-1 plan with the CBC binary PuLP bundles instead, as a second solver to check
HiGHS against (it gave wrong "optimal" plans at money of Rp 10^9 and more: not the default).

The CBC path is lexicographic (each phase a MILP on the same formulation, gap tolerances 0):
1. maximise scaled integer impact  ->  Z* (computed exactly from the integer solution);
2. add `impact >= Z*` (exact: impacts are integers after scaling) and minimise cost -> C*;
3. add `cost <= C*` and maximise sum_k (n - k) * u_k, i.e. among plans with equal impact and
   cost lean to proposals earlier in the list. This makes the answer independent of the
   solver's path in all but pathological ties; the solvers are deterministic for a given input.
The time limit covers all phases together. If phase 1 stops at the limit with a solution, the
status is "feasible"; if phase 2 does, "feasible" too (impact proven, least cost not); if only
phase 3 does, the plan is still "optimal" (impact and cost proven) and the message says so.
Every returned allocation is re-checked against every row with integer arithmetic.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from fractions import Fraction
from typing import Optional, Tuple

from . import v2
from .backends import SOLVERS, Engine, PulpEngine, available_solvers
from .conflicts import find_conflicts
from .formulation import INF, build
from .model import Message, Plan, Result
from .planfile import PlanError, validate_plan
from .v2 import exact_allocations as allocations


@dataclass
class Lexi:
    """Outcome of a lexicographic solve on an engine (internal)."""

    status: str                     # optimal | feasible | infeasible | timeout | error
    units: Optional[Tuple[int, ...]] = None
    impact: Optional[int] = None    # scaled integer
    cost: Optional[int] = None
    phase_stopped: int = 0          # 0 = none; 1, 2, 3 = phase cut by the time limit
    detail: str = ""
    seconds: float = 0.0


def _remaining(deadline):
    return None if deadline is None else max(0.01, deadline - time.perf_counter())


def lexicographic(engine: Engine, time_limit: Optional[float] = None, *, phases: int = 3,
                  hint=None) -> Lexi:
    """Run the phases on `engine` (its formulation's current bounds). Restores helper rows."""
    fm = engine.fm
    started = time.perf_counter()
    deadline = None if time_limit is None else started + time_limit
    floor_row, cap_row = fm.row("impact_floor"), fm.row("cost_cap")
    try:
        result = _phases(engine, fm, deadline, phases, hint, floor_row, cap_row)
    finally:
        engine.set_row_bounds(floor_row, -INF, INF)
        engine.set_row_bounds(cap_row, -INF, INF)
    result.seconds = time.perf_counter() - started
    return result


def _phases(engine, fm, deadline, phases, hint, floor_row, cap_row) -> Lexi:
    """The phases themselves; see the module docstring."""
    engine.set_objective(fm.impact_objective(), "max")
    out = engine.solve(_remaining(deadline), hint)
    if out.status not in ("optimal", "feasible"):
        return Lexi(out.status, detail=out.detail)
    units = fm.round_units(out.values)
    result = Lexi("optimal", units, fm.scaled_impact(units), fm.total_cost(units))
    if out.status == "feasible":
        result.status, result.phase_stopped = "feasible", 1
        return result
    if phases < 2:
        return result
    engine.set_row_bounds(floor_row, result.impact, INF)
    engine.set_objective(fm.cost_objective(), "min")
    out = engine.solve(_remaining(deadline), fm.units_to_x(units), hint_best=True)
    if out.status in ("optimal", "feasible"):
        better = fm.round_units(out.values)
        # Guard against a solver tolerance letting impact slip below the proven optimum.
        if fm.scaled_impact(better) >= result.impact:
            units = better
            result.units, result.cost = units, fm.total_cost(units)
            result.impact = fm.scaled_impact(units)
    if out.status != "optimal":
        result.status, result.phase_stopped = "feasible", 2
        if out.status not in ("feasible", "timeout"):     # the solver failed, not the clock
            result.detail = out.detail or out.status
        return result
    if phases < 3:
        return result
    engine.set_row_bounds(cap_row, -INF, result.cost)
    engine.set_objective(fm.tiebreak_objective(), "max")
    out = engine.solve(_remaining(deadline), fm.units_to_x(units), hint_best=True)
    if out.status in ("optimal", "feasible"):
        units = fm.round_units(out.values)
        if fm.scaled_impact(units) >= result.impact and fm.total_cost(units) <= result.cost:
            result.units, result.cost = units, fm.total_cost(units)
            result.impact = fm.scaled_impact(units)
    if out.status != "optimal":
        result.phase_stopped = 3
        if out.status not in ("feasible", "timeout"):
            result.detail = out.detail or out.status
    return result


def solve(plan: Plan, solver: str = "highs", time_limit: Optional[float] = 30,
          explain_conflicts: bool = True) -> Result:
    """Best plan for `plan`: max total impact, then least cost, then input-order tie-break.

    solver: "highs" (exact.Model, default) or "cbc" (the CBC binary bundled with PuLP, version-1
    plans only; version-2 plans are always solved with HiGHS). time_limit: seconds for the
    whole solve, None for no limit.
    Returns a `Result` (see model.Result for statuses). When infeasible and `explain_conflicts`,
    `conflicts` holds a smallest set of locks/rules that cannot hold together and
    `fewest_to_drop` a smallest set whose removal makes the plan feasible.
    Raises PlanError if the plan is invalid or the solver is unknown/not installed.
    """
    validate_plan(plan)
    if solver not in SOLVERS or solver not in available_solvers():
        raise PlanError("bad_solver", where="solver", field="solver", value=solver,
                        choices=", ".join(available_solvers()))
    if solver == "highs" or plan.version >= 2:
        return v2.solve(plan, time_limit, explain_conflicts)
    fm = build(plan)
    engine = PulpEngine(fm, solver)
    lexi = lexicographic(engine, time_limit)
    return to_result(plan, fm, lexi, solver, time_limit, explain_conflicts)


def to_result(plan, fm, lexi: Lexi, solver, time_limit, explain_conflicts=True) -> Result:
    limit = time_limit
    common = dict(solver=solver, solve_seconds=round(lexi.seconds, 4))
    if lexi.units is None:
        if lexi.status == "infeasible":
            conflicts, drop, minimum = (), (), True
            if explain_conflicts:
                report = find_conflicts(plan)
                conflicts, drop, minimum = report.conflicts, report.fewest_to_drop, report.minimum
                message = report.summary
            else:
                message = Message("status_infeasible")
            return Result("infeasible", allocations(plan, None), conflicts=conflicts,
                          fewest_to_drop=drop, conflicts_minimum=minimum, message=message,
                          **common)
        if lexi.status == "timeout":
            return Result("timeout", allocations(plan, None),
                          message=Message("status_timeout", {"limit": limit}), **common)
        return Result("error", allocations(plan, None),
                      message=Message("status_error", {"detail": lexi.detail or lexi.status}),
                      **common)
    x = fm.units_to_x(lexi.units)
    bad = fm.violated_rows(x)
    if bad:
        names = ", ".join(fm.row_name[i] for i in bad)
        return Result("error", allocations(plan, None),
                      message=Message("status_numerics", {"detail": names}), **common)
    if lexi.status == "optimal":
        if lexi.phase_stopped == 3 and lexi.detail:
            message = Message("status_tiebreak_stopped", {"detail": lexi.detail})
        elif lexi.phase_stopped == 3:
            message = Message("status_optimal_tiebreak_unproven", {"limit": limit})
        else:
            message = Message("status_optimal")
    elif lexi.phase_stopped == 2 and lexi.detail:
        # A later phase the solver wrongly called infeasible is not "the time limit".
        message = Message("status_cost_unproven", {"detail": lexi.detail})
    else:
        code = "status_feasible_cost" if lexi.phase_stopped == 2 else "status_feasible_time"
        message = Message(code, {"limit": limit})
    allocs = allocations(plan, lexi.units)
    return Result(lexi.status, allocs, total_cost=sum(a.cost for a in allocs),
                  total_impact=sum((a.impact for a in allocs), Fraction(0)), message=message,
                  **common)
