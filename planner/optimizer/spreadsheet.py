"""The "spreadsheet method" baseline, and its comparison with the optimum.

What a village operator would do by hand with a sorted spreadsheet, exactly:
1. Locks first: a proposal locked at n units gets n units; a proposal locked "in" gets its
   minimum units (max(1, min_units), in whole courses); a proposal locked "out" gets nothing.
   Their cost is taken from the budget (which may go negative; that is then reported as a
   budget violation).
2. Rank the remaining proposals (and the locked-in ones, which may be topped up) by stand-alone
   impact per Rupiah at their most units (version 1: impact_per_unit*max_units /
   (fixed_cost + unit_cost*max_units)), highest first; a zero-cost proposal ranks first; ties
   keep input order.
3. Go down the list: give each proposal its most units if that fits in what is left; otherwise
   the most whole units (whole courses) that fit, if that is at least its minimum; otherwise
   skip it. A version-2 allocation is then valued with the combined model (overlaps are what
   the greedy misses).
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
from .exact import Model
from .impact_model import evaluate
from .model import Plan, Result
from .planfile import validate_plan
from .report import impact_float, result_to_dict
from .solver import solve
from .v2 import allocations, alone, units_map


def spreadsheet_method(plan: Plan) -> Result:
    """Greedy allocation by impact per Rupiah (see the module docstring)."""
    validate_plan(plan)
    started = time.perf_counter()
    model = Model(plan)
    fm = model.fm
    props = plan.proposals
    units = [0] * len(props)
    left = plan.budget
    for k, p in enumerate(props):
        if p.lock == "in":
            units[k] = -(-p.low_units // p.step) * p.step
        elif isinstance(p.lock, int) and not isinstance(p.lock, bool):
            units[k] = p.lock
        left -= p.cost(units[k])

    def key(k):
        p = props[k]
        most = fm.cap[k] - fm.cap[k] % p.step
        cost, impact = p.cost(most), alone(plan, model, k)
        return (0, -impact, k) if cost == 0 else (1, -impact / cost, k)

    for k in sorted((k for k, p in enumerate(props) if p.lock is None or p.lock == "in"), key=key):
        p = props[k]
        most = fm.cap[k] - fm.cap[k] % p.step
        if units[k]:
            extra = most - units[k]
            if p.unit_cost:
                extra = min(extra, max(0, left) // p.unit_cost)
            extra -= extra % p.step
            units[k] += extra
            left -= extra * p.unit_cost
            continue
        if most and p.cost(most) <= left:
            units[k] = most
        elif p.unit_cost > 0 and left - p.fixed_cost >= 0:
            fit = min(most, (left - p.fixed_cost) // p.unit_cost)
            fit -= fit % p.step
            if fit >= p.low_units:
                units[k] = fit
        left -= p.cost(units[k])
    groups = []
    for row in fm.violated_rows(fm.units_to_x(units)):
        group = fm.row_group[row]
        if group is not None and group not in groups:
            groups.append(group)
    violations = tuple(describe(plan, fm, g) for g in groups)
    allocs = allocations(plan, tuple(units))
    common = dict(violations=violations, solver="spreadsheet", method="spreadsheet",
                  solve_seconds=round(time.perf_counter() - started, 4))
    status = "violates_rules" if violations else "feasible"
    if plan.version < 2:
        return Result(status, allocs, total_cost=sum(a.cost for a in allocs),
                      total_impact=sum((a.impact for a in allocs), Fraction(0)), **common)
    total = evaluate(plan.as_data(), units_map(plan, units))
    return Result(status, allocs, total_cost=sum(a.cost for a in allocs),
                  total_impact=Fraction(total["central"]),
                  impact_range={"low": total["low"], "high": total["high"]}, **common)


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
