"""How much more budget an unfunded proposal needs to enter the best plan, found by re-solving.

Raising the budget also raises the best plan *without* the proposal, so the answer is not "its
cost minus what is left". Exactly, for an unfunded proposal j and a budget b (every share rule
moving with b, impacts on the solver's integer grid as everywhere in this package):

    W(b) = the best total impact of a plan without j at budget b,
    V(b) = the best total impact of a plan that funds j at budget b.

j *enters* at b when V(b) > W(b): then every best plan at budget b funds it, and below the
answer a plan without it is at least as good. We look for the smallest such b in (B, limit]
(limit: 150% of B, the top of the budget sweep) with a sequence of exact MILPs, keeping the
invariant "j does not enter anywhere in [B, b0), and W(b0) = w with a witness plan x":

1. P: the smallest budget b >= b0 at which some plan with j reaches w + 1 (one MILP whose
   budget is a column: formulation.build(budget_column=True)). Below it V(b) <= w.
2. x stays feasible as b grows (the budget and every cap grow with b) until a category
   minimum outgrows what x spends on that category, at b_break; on [b0, b_break) W(b) >= w.
3. If P is at or past b_break, j does not enter on [b0, b_break): move b0 to b_break and solve
   W there. Otherwise solve W(b1) at P's budget b1: if P's plan beats it, j enters at b1;
   if not, move b0 to b1 (w grows by at least 1).

Each step is exact (integer rows re-checked with exact arithmetic), so the answer is either
the entry budget, a proof that j does not enter up to the limit, or, when the step or time
allowance runs out, the budget up to which it is proven not to enter.
"""
from __future__ import annotations

import math
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from fractions import Fraction
from typing import Optional, Sequence, Tuple

from .backends import fast_engine
from .explain import default_workers
from .formulation import INF, build
from .model import LOCK_OUT, Message, Plan, Result, exact

#: The top of the search, as a multiple of the budget (the top of the budget sweep).
LIMIT = Fraction(3, 2)
#: MILP steps per proposal before the search stops with what it has proven.
MAX_STEPS = 40


@dataclass(frozen=True)
class BudgetRise:
    """status: "enters" (at `budget`, a rise of `rise`, with `units` of it in the plan that
    enters), "not_within" (proven not to enter at any budget up to `checked_to`), "unproven"
    (steps or time ran out: proven not to enter below `checked_to` only), "skipped" (funded,
    locked out, without impact or never fundable: nothing to ask)."""

    id: str
    status: str
    budget: Optional[int] = None
    rise: Optional[int] = None
    units: Optional[int] = None
    checked_to: Optional[int] = None
    steps: int = 0

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


def budget_rises(plan: Plan, result: Result, ids: Optional[Sequence[str]] = None,
                 time_limit: float = 60.0, workers: Optional[int] = None,
                 max_steps: int = MAX_STEPS) -> Tuple[BudgetRise, ...]:
    """The budget rise for each unfunded proposal of an optimal `result` (only `ids` if given),
    in plan order. time_limit covers them all; workers: solver threads (default: cores)."""
    if result.status != "optimal":
        raise ValueError("budget rises need an optimal result")
    units = result.units()
    if len(units) != len(plan.proposals):
        raise ValueError("result does not belong to this plan")
    wanted = set(ids) if ids is not None else None
    todo = [k for k, p in enumerate(plan.proposals) if wanted is None or p.id in wanted]
    deadline = time.perf_counter() + time_limit
    local = threading.local()

    def one(k):
        if not hasattr(local, "search"):   # one formulation + HiGHS model per worker thread
            local.search = _Search(plan, units)
        return local.search.rise(k, deadline, max_steps)

    workers = max(1, min(workers or default_workers(), len(todo) or 1))
    if workers == 1:
        return tuple(one(k) for k in todo)
    with ThreadPoolExecutor(workers) as pool:   # highspy releases the GIL while solving
        return tuple(pool.map(one, todo))


class _Search:
    """One engine on the budget-column formulation; `rise(k)` runs the steps for proposal k."""

    def __init__(self, plan: Plan, units):
        self.plan = plan
        self.fm = build(plan, budget_column=True)
        self.engine = fast_engine(self.fm)
        self.units = tuple(units)
        self.mins = [(exact(share), [k for k, p in enumerate(plan.proposals)
                                     if p.category == cat])
                     for cat, share in plan.rules.category_min_share.items()
                     if exact(share) > 0]

    # --- the exact pieces -------------------------------------------------------------
    def _point(self, units, budget):
        x = self.fm.units_to_x(units)
        x[self.fm.budget_col] = budget
        return x

    def _feasible(self, units, budget) -> bool:
        return not self.fm.violated_rows(self._point(units, budget))

    def _break(self, units) -> float:
        """The first budget at which `units` breaks a category minimum (INF if none, or if
        there is no plan to break)."""
        first = INF
        if units is None:
            return first
        props = self.plan.proposals
        for share, members in self.mins:
            spent = sum(props[k].cost(units[k]) for k in members)
            first = min(first, math.floor(Fraction(spent) / share) + 1)
        return first

    def _solve(self, deadline, hint=None):
        left = deadline - time.perf_counter()
        if left <= 0:
            return None
        return self.engine.solve(max(0.05, left), hint)

    def _without(self, k, budget, deadline):
        """(W(budget), witness units) with proposal k out; (-1, None) when no plan without k
        exists at that budget (then any plan with k beats it); None when unknown."""
        fm, eng = self.fm, self.engine
        b = fm.budget_col
        eng.set_col_bounds(b, budget, budget)
        eng.set_col_bounds(fm.y(k), 0, 0)
        eng.set_col_bounds(fm.u(k), 0, 0)
        eng.set_objective(fm.impact_objective(), "max")
        try:
            out = self._solve(deadline)
        finally:
            eng.set_col_bounds(fm.y(k), 0, 1)
            eng.set_col_bounds(fm.u(k), 0, self.plan.proposals[k].max_units)
        if out is not None and out.status == "infeasible":
            return -1, None
        if out is None or out.status != "optimal":
            return None
        units = fm.round_units(out.values)
        if not self._feasible(units, budget):
            return None
        return fm.scaled_impact(units), units

    def _least_budget(self, k, target, low, high, deadline):
        """(b, units): the smallest budget in [low, high] at which a plan funding k reaches
        `target`; "infeasible" when there is none; None when unknown."""
        fm, eng = self.fm, self.engine
        b, floor_row = fm.budget_col, fm.row("impact_floor")
        p = self.plan.proposals[k]
        eng.set_col_bounds(b, low, high)
        eng.set_col_bounds(fm.y(k), 1, 1)
        eng.set_row_bounds(floor_row, target, INF)
        eng.set_objective({b: 1}, "min")
        try:
            out = self._solve(deadline)
        finally:
            eng.set_col_bounds(fm.y(k), 0, 1)
            eng.set_col_bounds(fm.u(k), 0, p.max_units)
            eng.set_row_bounds(floor_row, -INF, INF)
            eng.set_col_bounds(b, self.plan.budget, self.plan.budget)
        if out is None:
            return None
        if out.status == "infeasible":
            return "infeasible"
        if out.status != "optimal":
            return None
        units = fm.round_units(out.values)
        budget = int(round(out.values[b]))
        if not units[k] or fm.scaled_impact(units) < target or not self._feasible(units, budget):
            return None
        return budget, units

    # --- the search ---------------------------------------------------------------------
    def rise(self, k, deadline, max_steps) -> BudgetRise:
        plan, fm = self.plan, self.fm
        p = plan.proposals[k]
        if (self.units[k] or p.lock == LOCK_OUT or p.lock == 0
                or exact(p.impact_per_unit) == 0):
            return BudgetRise(p.id, "skipped")
        limit = budget_limit(plan.budget)
        b0, witness = plan.budget, self.units
        w = fm.scaled_impact(witness)
        steps = 0
        while b0 <= limit:
            if steps >= max_steps or time.perf_counter() >= deadline:
                return BudgetRise(p.id, "unproven", checked_to=b0 - 1, steps=steps)
            steps += 1
            breaks = self._break(witness)
            found = self._least_budget(k, w + 1, b0, limit, deadline)
            if found is None:
                return BudgetRise(p.id, "unproven", checked_to=b0 - 1, steps=steps)
            if found == "infeasible" or found[0] >= breaks:
                if breaks > limit:
                    return BudgetRise(p.id, "not_within", checked_to=limit, steps=steps)
                b0 = int(breaks)          # j does not enter on [b0, breaks): W >= w >= V there
                known = self._without(k, b0, deadline)
            else:
                b1, with_k = found
                known = self._without(k, b1, deadline)
                if known is not None and fm.scaled_impact(with_k) > known[0]:
                    return BudgetRise(p.id, "enters", budget=b1, rise=b1 - plan.budget,
                                      units=with_k[k], checked_to=b1, steps=steps)
                b0 = b1
            if known is None:
                return BudgetRise(p.id, "unproven", checked_to=b0 - 1, steps=steps)
            w, witness = known
        return BudgetRise(p.id, "not_within", checked_to=limit, steps=steps)
