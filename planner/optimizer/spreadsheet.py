"""The "spreadsheet method" baseline, and its comparison with the optimum.

What a village operator would do by hand with a sorted spreadsheet, exactly:
1. Locks first: a proposal locked at n units gets n units; a proposal locked "in" gets its
   minimum units (max(1, min_units)); a proposal locked "out" gets nothing. Their cost is taken
   from the budget (which may go negative; that is then reported as a budget violation).
2. Rank the remaining proposals (and the locked-in ones, which may be topped up) by impact per
   Rupiah at max_units, i.e. impact_per_unit*max_units / (fixed_cost + unit_cost*max_units),
   highest first; a zero-cost proposal ranks first; ties keep input order.
3. Go down the list: give each proposal max_units if that fits in what is left; otherwise the
   most whole units that fit, if that is at least its minimum; otherwise skip it.
It ignores every rule (category shares, location caps, required packages and target groups,
requires/excludes); `Result.violations` lists the rules its allocation breaks. Its status is
"feasible" if it breaks none, else "violates_rules".
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from fractions import Fraction
from typing import Optional

from .conflicts import describe
from .formulation import build
from .model import LOCK_IN, Plan, Result
from .planfile import validate_plan
from .report import impact_float, result_to_dict
from .solve import allocations, solve


def _ratio_key(item):
    k, p = item
    cost = p.cost(p.max_units)
    impact = p.impact(p.max_units)
    if cost == 0:
        return (0, -impact, k)
    return (1, -impact / cost, k)


def spreadsheet_method(plan: Plan) -> Result:
    """Greedy allocation by impact per Rupiah (see module docstring)."""
    validate_plan(plan)
    if plan.version >= 2:
        from . import v2
        return v2.spreadsheet_method(plan)
    started = time.perf_counter()
    props = plan.proposals
    units = [0] * len(props)
    left = plan.budget
    for k, p in enumerate(props):
        if p.lock == LOCK_IN:
            units[k] = p.low_units
        elif isinstance(p.lock, int) and not isinstance(p.lock, bool):
            units[k] = p.lock
        left -= p.cost(units[k])
    ranked = sorted(((k, p) for k, p in enumerate(props)
                     if p.lock is None or p.lock == LOCK_IN), key=_ratio_key)
    for k, p in ranked:
        if units[k]:   # locked in: top up with the units that still fit
            extra = p.max_units - units[k] if p.unit_cost == 0 else min(
                p.max_units - units[k], max(0, left) // p.unit_cost)
            units[k] += extra
            left -= extra * p.unit_cost
            continue
        if p.cost(p.max_units) <= left:
            units[k] = p.max_units
        elif p.unit_cost > 0 and left - p.fixed_cost >= 0:
            fit = min(p.max_units, (left - p.fixed_cost) // p.unit_cost)
            if fit >= p.low_units:
                units[k] = fit
        left -= p.cost(units[k])
    fm = build(plan)
    groups = []
    for row in fm.violated_rows(fm.units_to_x(units)):
        group = fm.row_group[row]
        if group is not None and group not in groups:
            groups.append(group)
    violations = tuple(describe(plan, fm, g) for g in groups)
    allocs = allocations(plan, tuple(units))
    return Result("violates_rules" if violations else "feasible", allocs,
                  total_cost=sum(a.cost for a in allocs),
                  total_impact=sum((a.impact for a in allocs), Fraction(0)),
                  violations=violations, solver="spreadsheet",
                  solve_seconds=round(time.perf_counter() - started, 4), method="spreadsheet")


@dataclass(frozen=True)
class Comparison:
    """ratio = optimum impact / spreadsheet impact (None if the spreadsheet's impact is 0);
    gain = optimum impact - spreadsheet impact (None if the optimum has no plan)."""

    optimum: Result
    spreadsheet: Result
    ratio: Optional[Fraction]
    gain: Optional[Fraction]


def compare(plan: Plan, solver: str = "highs", time_limit: Optional[float] = 30,
            optimum: Optional[Result] = None) -> Comparison:
    """Optimum (solved unless given) next to the spreadsheet method."""
    optimum = optimum or solve(plan, solver, time_limit)
    sheet = spreadsheet_method(plan)
    if not optimum.has_plan:
        return Comparison(optimum, sheet, None, None)
    ratio = optimum.total_impact / sheet.total_impact if sheet.total_impact else None
    return Comparison(optimum, sheet, ratio, optimum.total_impact - sheet.total_impact)


def comparison_to_dict(comparison: Comparison) -> dict:
    """{"optimum": result dict, "spreadsheet": result dict, "ratio", "gain"}."""
    return {"optimum": result_to_dict(comparison.optimum),
            "spreadsheet": result_to_dict(comparison.spreadsheet),
            "ratio": None if comparison.ratio is None else round(float(comparison.ratio), 6),
            "gain": impact_float(comparison.gain)}
