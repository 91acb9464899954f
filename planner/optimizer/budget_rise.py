"""How much more budget an unfunded proposal needs to enter the best plan, found by re-solving.

Raising the budget also raises the best plan *without* the proposal, so the answer is not "its
cost minus what is left". For an unfunded proposal j and a budget b (every share rule moving
with b), j *is in a best plan* at b when the best plan funds it, or a plan that funds it is as
good as the best (exactly for a version-1 plan, within exact.ANALYSIS_TOL for version 2): a
proposal with an interchangeable twin is in a best plan once the budget covers one of them.
The search asks at 150% of the budget (the top of the budget sweep: "not_within" when j is out
there), then from below on a 5% grid for the first level where j is in, then bisects within
that step; each question is two proven re-solves of one model (v2.py). The answer is a budget
at which j is in a best plan while one Rupiah less it is not (the first such budget unless j
comes and goes within one 5% step), with j's units in the best plan there. Every re-solve gets the time left
before the deadline, so the search never runs past its time limit: when the deadline comes
first, the answer is the budget up to which j is proven out ("unproven").
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from fractions import Fraction
from typing import Optional, Sequence, Tuple

from .exact import ANALYSIS_TOL, Model
from .model import LOCK_OUT, Message, Plan, Result
from .v2 import alone, tolerance

#: The top of the search, as a multiple of the budget (the top of the budget sweep).
LIMIT = Fraction(3, 2)


@dataclass(frozen=True)
class BudgetRise:
    """status: "enters" (at `budget`, a rise of `rise`, with `units` of it in the best plan
    there), "not_within" (proven not to enter at any budget up to `checked_to`), "unproven"
    (the time ran out: proven not to enter up to `checked_to` only), "skipped" (funded,
    locked out or without impact: nothing to ask)."""

    id: str
    status: str
    budget: Optional[int] = None
    rise: Optional[int] = None
    units: Optional[int] = None
    checked_to: Optional[int] = None
    solves: int = 0        # bisection steps it took

    @property
    def message(self) -> Optional[Message]:
        if self.status == "enters":
            return Message("enter_budget_rise", {"rise_rp": self.rise, "budget_rp": self.budget,
                                                 "units": self.units})
        if self.status == "not_within":
            return Message("enter_budget_not_within", {"budget_rp": self.checked_to})
        if self.status == "unproven":
            return Message("enter_budget_unproven", {"budget_rp": self.checked_to})
        return None


def budget_limit(budget: int) -> int:
    """The highest budget searched: 150% of the budget, half up (the sweep's top level)."""
    return int(LIMIT * budget + Fraction(1, 2))


def _grid(budget: int, top: int):
    """Budgets from 105% of `budget` up to (not including) `top`, in steps of 5%."""
    for i in range(1, 10):
        level = int(Fraction(100 + 5 * i, 100) * budget + Fraction(1, 2))
        if budget < level < top:
            yield level


def budget_rises(plan: Plan, result: Result, ids: Optional[Sequence[str]] = None,
                 time_limit: float = 60.0) -> Tuple[BudgetRise, ...]:
    """The budget rise for each proposal of an optimal `result` (only `ids` if given), in plan
    order; funded, locked-out and impact-less ones are "skipped". time_limit covers them all."""
    if result.status != "optimal":
        raise ValueError("budget rises need an optimal result")
    units = result.units()
    if len(units) != len(plan.proposals):
        raise ValueError("result does not belong to this plan")
    deadline = time.perf_counter() + time_limit
    model = Model(plan)
    tol = tolerance(model)
    top = budget_limit(plan.budget)
    wanted = set(ids) if ids is not None else None
    out = []

    def enters(k, budget):
        """(True/False/None, units of k): whether k is in a best plan at `budget` (None: the
        time ran out)."""
        model.set_budget(budget)
        free = model.best(deadline, least_cost=False, rel_tol=ANALYSIS_TOL)
        if free.status == "infeasible":     # no plan at all at this budget (a category minimum)
            return False, None
        if free.status != "optimal":
            return None, None
        if free.units[k]:
            return True, free.units[k]
        model.force(k, True)
        forced = model.best(deadline, least_cost=False, rel_tol=ANALYSIS_TOL)
        model.force(k, None)
        if forced.status == "infeasible":
            return False, None
        if forced.status != "optimal":
            return None, None
        if (forced.impact >= free.impact if not tol       # exact Fractions (version 1)
                else forced.impact >= free.impact * (1 - tol) - 1e-12):
            return True, forced.units[k]
        return False, None

    for k, p in enumerate(plan.proposals):
        if wanted is not None and p.id not in wanted:
            continue
        if units[k] or p.lock in (LOCK_OUT, 0) or alone(plan, model, k) <= 0:
            out.append(BudgetRise(p.id, "skipped"))
            continue
        solves = 1
        at_top, top_units = enters(k, top)
        if at_top is None:
            out.append(BudgetRise(p.id, "unproven", checked_to=plan.budget, solves=solves))
            continue
        if not at_top:
            out.append(BudgetRise(p.id, "not_within", checked_to=top, solves=solves))
            continue
        lo, hi, hi_units = plan.budget, top, top_units      # k out at lo, in at hi
        stopped = False
        # Being in a best plan need not last as the budget grows (another proposal may take
        # the money further up), so the first budget is sought on a 5% grid from below first,
        # then by bisection within the grid step where it comes in.
        for level in _grid(plan.budget, top):
            inside, level_units = enters(k, level)
            solves += 1
            if inside is None:
                stopped = True
                break
            if inside:
                hi, hi_units = level, level_units
                break
            lo = level
        while not stopped and hi - lo > 1:
            mid = (lo + hi) // 2
            inside, mid_units = enters(k, mid)
            solves += 1
            if inside is None:
                stopped = True
                break
            if inside:
                hi, hi_units = mid, mid_units
            else:
                lo = mid
        if stopped:
            out.append(BudgetRise(p.id, "unproven", checked_to=lo, solves=solves))
        else:
            out.append(BudgetRise(p.id, "enters", budget=hi, rise=hi - plan.budget,
                                  units=hi_units, checked_to=hi, solves=solves))
    model.set_budget(plan.budget)
    return tuple(out)
