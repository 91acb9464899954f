"""How the best plan changes with the budget.

`sensitivity(plan, points=21)` re-solves the plan at `points` budgets evenly spaced from 50% to
150% of the current one, each rounded to whole Rupiah, with every share rule moving with the
budget (the level equal to the budget reuses the main result when given). It also gives the
marginal impact of the next Rp 10 million: Z*(B + 10,000,000) - Z*(B), where Z* is the best
total impact. Each level keeps its plan (`BudgetPoint.units`: units per proposal), so the
web layer can put the model's central figure and range on it (impact_model.evaluate).

Per proposal, `stability` is "stable" if funded at every budget level that has a feasible plan,
"never" if funded at none, "marginal" otherwise. Infeasible levels (possible with a category
minimum, which grows with the budget) are reported with status "infeasible" and skipped in the
classification. Without category minimums the best impact never falls as the budget grows.

Every level is a proven re-solve of one model (v2.py): exact for a version-1 plan (an integral
model), within exact.ANALYSIS_TOL for a version 2 one, on two threads when the machine has two.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from fractions import Fraction
from typing import Mapping, Optional, Tuple

from .exact import ANALYSIS_TOL, Model
from .model import Plan, Result
from .planfile import validate_plan
from .v2 import in_parallel, workers_for

STEP = 10_000_000


@dataclass(frozen=True)
class BudgetPoint:
    """One budget level. impact/cost/funded are None/() when status is not optimal/feasible."""

    budget: int
    fraction: Fraction          # budget / current budget
    status: str
    total_impact: Optional[Fraction]
    total_cost: Optional[int]
    funded: Tuple[str, ...]
    units: Tuple[int, ...] = ()   # the level's plan: units per proposal, in plan order


@dataclass(frozen=True)
class Sensitivity:
    """points: the curve; marginal_impact: gain from the next `step` Rupiah at the current
    budget (None if unknown); stability: proposal id -> "stable" | "marginal" | "never"."""

    budget: int
    points: Tuple[BudgetPoint, ...]
    step: int
    marginal_impact: Optional[Fraction]
    stability: Mapping[str, str]
    seconds: float = 0.0
    marginal_units: Tuple[int, ...] = ()   # the best plan at budget + step (its units)


def budget_levels(budget: int, points: int):
    """`points` budgets evenly spaced from 50% to 150% of `budget` (half-up to whole Rupiah)."""
    if points < 2:
        raise ValueError("points must be at least 2")
    levels = []
    for i in range(points):
        fraction = Fraction(1, 2) + Fraction(i, points - 1)
        levels.append((fraction, int(fraction * budget + Fraction(1, 2))))
    return levels


def sensitivity(plan: Plan, points: int = 21, step: int = STEP, time_limit: float = 60.0,
                result: Optional[Result] = None) -> Sensitivity:
    """Budget sweep, marginal impact and per-proposal stability (see the module docstring).

    `result`: the optimal result of `solve(plan)`, if at hand; the level equal to the current
    budget then reuses it. Breakpoints and tangents carry over from level to level."""
    validate_plan(plan)
    started = time.perf_counter()
    deadline = started + time_limit
    known = result is not None and result.status == "optimal"
    tasks = [("level", f, level) for f, level in budget_levels(plan.budget, points)]
    tasks.append(("best", None, plan.budget + step))
    if not known:
        tasks.append(("best", None, plan.budget))

    def one(model, task):
        kind, fraction, level = task
        if kind == "level" and level == plan.budget and known:
            return BudgetPoint(level, fraction, "optimal", result.total_impact, result.total_cost,
                               tuple(a.id for a in result.allocations if a.units),
                               result.units())
        model.set_budget(level)
        if kind == "best":
            best = model.best(deadline, least_cost=False, rel_tol=ANALYSIS_TOL)
            return (best.impact, tuple(best.units)) if best.status == "optimal" else (None, ())
        # cheap plans among near-equals by a weight on cost: 1e-5 of the main plan's impact
        # over the whole budget, far inside the 0.1% the sweep is proven to
        weight = 1e-5 * float(result.total_impact) / max(1, level) if known else 0.0
        best = model.best(deadline, least_cost=not weight, rel_tol=ANALYSIS_TOL,
                          cost_weight=weight)
        if best.units is None:
            return BudgetPoint(level, fraction, best.status, None, None, ())
        status = "optimal" if best.status == "optimal" and best.phase_stopped != 2 else "feasible"
        return BudgetPoint(level, fraction, status, Fraction(best.impact), best.cost,
                           tuple(p.id for p, u in zip(plan.proposals, best.units) if u),
                           tuple(best.units))

    answers = in_parallel(plan, Model(plan), tasks, one, workers_for(len(tasks)))
    out = answers[:points]
    above, above_units = answers[points]
    here = (result.total_impact if plan.version < 2 else float(result.total_impact)) if known \
        else answers[points + 1][0]
    marginal = None
    if here is not None and above is not None:
        tol = 0 if plan.version < 2 else ANALYSIS_TOL
        marginal = Fraction(max(0, above - here) if above >= here * (1 - tol)
                            else above - here)
    solved = [pt for pt in out if pt.status in ("optimal", "feasible")]
    stability = {}
    for p in plan.proposals:
        count = sum(1 for pt in solved if p.id in pt.funded)
        stability[p.id] = ("stable" if solved and count == len(solved)
                           else "never" if count == 0 else "marginal")
    return Sensitivity(plan.budget, tuple(out), step, marginal, stability,
                       time.perf_counter() - started, above_units)
