"""How the best plan changes with the budget.

`sensitivity(plan, points=21)` re-solves the plan (all three lexicographic phases, so the 100%
point equals the main solve) at `points` budgets evenly spaced from 50% to 150% of the current
one, each rounded to whole Rupiah, with every share rule moving with the budget. It also gives
the marginal impact of the next Rp 10 million: Z*(B + 10,000,000) - Z*(B), where Z* is the best
total impact (phase 1 only).

Per proposal, `stability` is "stable" if funded at every budget level that has a feasible plan,
"never" if funded at none, "marginal" otherwise. Infeasible levels (possible with a category
minimum, which grows with the budget) are reported with status "infeasible" and skipped in the
classification. Without category minimums the best impact never falls as the budget grows.

Each worker thread keeps one in-process HiGHS model and only moves the budget-dependent bounds
between levels; the level equal to the current budget reuses the main result when given.
"""
from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from fractions import Fraction
from typing import Mapping, Optional, Tuple

from .backends import fast_engine
from .formulation import build
from .explain import default_workers
from .model import Plan, Result
from .planfile import validate_plan
from .solve import lexicographic

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
                result: Optional[Result] = None, workers: Optional[int] = None) -> Sensitivity:
    """Budget sweep, marginal impact and per-proposal stability (see module docstring).

    `result`: the optimal result of `solve(plan)`, if at hand; the level equal to the current
    budget then reuses it instead of re-solving. `workers`: solver threads (default: cores).
    """
    validate_plan(plan)
    if plan.version >= 2:
        from . import v2
        return v2.sensitivity(plan, points, step, time_limit, result)
    started = time.perf_counter()
    deadline = started + time_limit
    levels = budget_levels(plan.budget, points)
    local = threading.local()

    def engine():
        if not hasattr(local, "engine"):   # one formulation + HiGHS model per worker thread
            local.fm = build(plan)
            local.engine = fast_engine(local.fm)
        return local.fm, local.engine

    def at_level(task):
        fraction, level = task
        if level == plan.budget and result is not None and result.status == "optimal":
            funded = tuple(a.id for a in result.allocations if a.units)
            return BudgetPoint(level, fraction, "optimal", result.total_impact,
                               result.total_cost, funded)
        fm, eng = engine()
        fm.set_budget(level)
        eng.sync_budget()
        lexi = lexicographic(eng, max(0.05, deadline - time.perf_counter()))
        if lexi.units is None:
            return BudgetPoint(level, fraction, lexi.status, None, None, ())
        funded = tuple(p.id for p, u in zip(plan.proposals, lexi.units) if u)
        return BudgetPoint(level, fraction, lexi.status, fm.true_impact(lexi.units),
                           lexi.cost, funded)

    def best_impact(level):
        fm, eng = engine()
        fm.set_budget(level)
        eng.sync_budget()
        lexi = lexicographic(eng, max(0.05, deadline - time.perf_counter()), phases=1)
        return fm.true_impact(lexi.units) if lexi.status == "optimal" else None

    tasks = [("level", t) for t in levels] + [("best", plan.budget + step)]
    here_known = any(level == plan.budget for _, level in levels) or (
        result is not None and result.status == "optimal")
    if not here_known:
        tasks.append(("best", plan.budget))

    def run(task):
        kind, arg = task
        return at_level(arg) if kind == "level" else best_impact(arg)

    workers = max(1, min(workers or default_workers(), len(tasks)))
    if workers == 1:
        answers = [run(t) for t in tasks]
    else:
        with ThreadPoolExecutor(workers) as pool:   # highspy releases the GIL while solving
            answers = list(pool.map(run, tasks))
    out = answers[:len(levels)]
    above = answers[len(levels)]
    if result is not None and result.status == "optimal":
        here = result.total_impact
    else:
        here = next((pt.total_impact for pt in out
                     if pt.budget == plan.budget and pt.status == "optimal"),
                    answers[-1] if not here_known else None)
    marginal = above - here if above is not None and here is not None else None

    solved = [pt for pt in out if pt.status in ("optimal", "feasible")]
    stability = {}
    for p in plan.proposals:
        count = sum(1 for pt in solved if p.id in pt.funded)
        stability[p.id] = ("stable" if solved and count == len(solved)
                           else "never" if count == 0 else "marginal")
    return Sensitivity(plan.budget, tuple(out), step, marginal, stability,
                       time.perf_counter() - started)
