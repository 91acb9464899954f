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

A P step only moves the budget by what j's best plan lacks, so first the search tries a
*stretch* (`_stretch`): the witness plus other proposals' extra units, bought in order of impact
per Rupiah, is a lower bound on W that grows with b; one MILP per piece of it asks whether a plan
with j beats that bound anywhere on the piece. Failed stretches back off to P steps.

Each step is exact (integer rows re-checked with exact arithmetic), so the answer is either
the entry budget, a proof that j does not enter up to the limit, or, when the MILP or time
allowance runs out, the budget up to which it is proven not to enter.
"""
from __future__ import annotations

import math
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Optional, Sequence, Tuple

from .backends import fast_engine
from .explain import default_workers, twins
from .formulation import INF, build
from .model import LOCK_OUT, Message, Plan, Result, exact

#: The top of the search, as a multiple of the budget (the top of the budget sweep).
LIMIT = Fraction(3, 2)
#: MILPs per proposal before the search stops with what it has proven.
MAX_SOLVES = 60
#: Twins of a proposal whose rule is added to its MILPs (more would be sound, not needed).
MAX_TWINS = 8


@dataclass(frozen=True)
class BudgetRise:
    """status: "enters" (at `budget`, a rise of `rise`, with `units` of it in the plan that
    enters), "not_within" (proven not to enter at any budget up to `checked_to`), "unproven"
    (MILPs or time ran out: proven not to enter up to `checked_to` only), "skipped" (funded,
    locked out or without impact: nothing to ask)."""

    id: str
    status: str
    budget: Optional[int] = None
    rise: Optional[int] = None
    units: Optional[int] = None
    checked_to: Optional[int] = None
    solves: int = 0        # MILPs it took

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
                 max_solves: int = MAX_SOLVES) -> Tuple[BudgetRise, ...]:
    """The budget rise for each unfunded proposal of an optimal `result` (only `ids` if given),
    in plan order. time_limit covers them all; workers: solver threads (default: cores)."""
    if result.status != "optimal":
        raise ValueError("budget rises need an optimal result")
    if plan.version >= 2:
        from . import v2
        return v2.budget_rises(plan, result, ids, time_limit)
    units = result.units()
    if len(units) != len(plan.proposals):
        raise ValueError("result does not belong to this plan")
    wanted = set(ids) if ids is not None else None
    todo = [k for k, p in enumerate(plan.proposals) if wanted is None or p.id in wanted]
    # Twins (explain.twins) are interchangeable at every budget, so they enter at the same one:
    # the first asked for is searched, the others take its answer (when it is exact).
    twin_of = twins(plan, units)
    searched = {}
    for k in todo:
        searched.setdefault(twin_of.get(k, k), k)
    first = sorted(searched.values())
    deadline = time.perf_counter() + time_limit
    local = threading.local()

    def one(k):
        if not hasattr(local, "search"):   # one formulation + HiGHS model per worker thread
            local.search = _Search(plan, units)
        return local.search.rise(k, deadline, max_solves)

    workers = max(1, min(workers or default_workers(), len(first) or 1))

    def run(ks):
        if workers == 1:
            return [one(k) for k in ks]
        with ThreadPoolExecutor(workers) as pool:   # highspy releases the GIL while solving
            return list(pool.map(one, ks))

    by_index = dict(zip(first, run(first)))
    source = {k: searched[twin_of.get(k, k)] for k in todo}   # whose search answers k
    # An "unproven" answer is a bound the search reached, not the budget itself: a twin's own
    # search may reach further, so it gets one.
    again = [k for k in todo if k not in by_index and by_index[source[k]].status == "unproven"]
    if again:
        by_index.update(zip(again, run(again)))
    return tuple(by_index[k] if k in by_index
                 else replace(by_index[source[k]], id=plan.proposals[k].id, solves=0)
                 for k in todo)


def _outgrown(spent: int, share: Fraction) -> int:
    """The first budget b at which `spent` falls short of a minimum of share*b."""
    return math.floor(Fraction(spent) / share) + 1


class _Search:
    """One engine on the budget-column formulation; `rise(k)` runs the search for proposal k."""

    def __init__(self, plan: Plan, units):
        self.plan = plan
        fm = self.fm = build(plan, budget_column=True)
        # The stretch certificate's extra units t of one proposal and the two rows that tie
        # them to the budget (see _stretch); fixed at 0 and free until used.
        self.t = fm.add_col("extra_units", 0, 0, True)
        self.t_hi = fm.add_row("extra_units_hi", {})
        self.t_lo = fm.add_row("extra_units_lo", {})
        # Rows for the twin rule (_twins), filled while one proposal is searched.
        self.twin_rows = [fm.add_row(f"twin_{i}", {}) for i in range(MAX_TWINS)]
        self.engine = fast_engine(fm)
        self._twin_bounds = []
        self.units = tuple(units)
        self.index = plan.index()
        props, rules = plan.proposals, plan.rules
        self.mins = [(exact(share), frozenset(k for k, p in enumerate(props)
                                              if p.category == cat))
                     for cat, share in rules.category_min_share.items()
                     if exact(share) > 0]
        self.caps = [(exact(share), frozenset(k for k, p in enumerate(props)
                                              if p.category == cat))
                     for cat, share in rules.category_max_share.items()]
        if rules.location_max_share is not None:
            share = exact(rules.location_max_share)
            for loc in sorted({p.location for p in props if p.location}):
                self.caps.append((share, frozenset(k for k, p in enumerate(props)
                                                   if p.location == loc)))

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
        for share, members in self.mins:
            first = min(first, _outgrown(self._spent(units, members), share))
        return first

    def _solve(self, deadline, hint=None):
        left = deadline - time.perf_counter()
        if left <= 0:
            return None
        self.solves += 1
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
        self._with_twins(True)
        try:
            out = self._solve(deadline)
        finally:
            self._with_twins(False)
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

    def _spent(self, units, members) -> int:
        props = self.plan.proposals
        return sum(props[k].cost(units[k]) for k in members)

    def _pieces(self, k, units, b0, limit):
        """A lower bound on W(b) that grows with b: the witness `units`, then more units of
        other proposals in order of impact per Rupiah, each to its max_units before the next
        (a proposal the witness leaves out joins once its fixed cost and minimum units are
        paid, if its links allow it). Yields pieces (lo, hi, kstar, offset, spent, low, top)
        in order from b0: on budgets [lo, hi) the proposals before kstar are full (their extra
        impact is `offset`) and kstar has t(b) = floor((b - spent) / unit_cost) units more
        (all its units if the witness leaves it out), low <= t <= top; kstar None: nobody gets
        more yet, t = 0. That plan is valid at every budget of the piece (_valid_until).
        Stops where validity would end."""
        fm, props = self.fm, self.plan.proposals
        cost = fm.total_cost(units)
        now = list(units)
        order = sorted(
            (q for q in range(len(props))
             if q != k and now[q] < props[q].max_units and props[q].unit_cost > 0
             and fm.impact_int[q]
             and (props[q].lock is None or (props[q].lock == "in" and now[q]))),
            key=lambda q: (-Fraction(fm.impact_int[q], props[q].unit_cost), q))
        offset = before = 0
        for kstar in order:
            q = props[kstar]
            c = q.unit_cost
            start = cost + before          # the budget at which kstar's money starts
            fixed = 0
            if not now[kstar]:
                if not self._may_join(kstar, now):
                    continue
                fixed = q.fixed_cost
                join = start + fixed + q.low_units * c
                lo, hi = max(b0, start), min(limit + 1, join)
                hi = min(hi, self._valid_until(now, None, start, lo, hi)) if hi > lo else hi
                if hi > lo:
                    yield lo, hi, None, offset, start, 0, 0   # not enough for it yet
                if hi < join:
                    return
                low, room = q.low_units, q.max_units      # t counts all its units
            else:
                low, room = 0, q.max_units - now[kstar]   # t counts the extra units
            full = start + fixed + room * c
            lo, hi = max(b0, start + fixed + low * c), min(limit + 1, full)
            hi = min(hi, self._valid_until(now, kstar, start, lo, hi)) if hi > lo else hi
            if hi > lo:
                yield lo, hi, kstar, offset, start + fixed, low, room
            if hi < full:
                return                  # validity (or the search) ends inside this piece
            now[kstar] += room
            offset += fm.impact_int[kstar] * room
            before += fixed + room * c

    def _may_join(self, q, now) -> bool:
        """Funding proposal q beside the funded ones of `now` keeps every link."""
        props, index = self.plan.proposals, self.index
        p = props[q]
        if any(not now[index[other]] for other in p.requires):
            return False
        if any(now[index[other]] for other in p.excludes):
            return False
        return not any(now[j] and p.id in props[j].excludes for j in range(len(props)))

    def _valid_until(self, units, kstar, spent_total, lo, hi) -> int:
        """The end (exclusive, at most hi) of the budgets from lo on at which `units` plus
        what kstar gets of b - spent_total (more than all of it less one unit cost, never more
        than all) keeps every cap and minimum, while caps grow only by share*b. lo when none.
        kstar None: `units` alone."""
        for share, members in self.caps:
            spent = self._spent(units, members)
            if kstar is None or kstar not in members:
                # a fixed amount under a growing cap: fine from where it first fits
                if spent > math.floor(share * lo):
                    return lo
                continue
            # spent + extra <= floor(share*b) follows from b - floor(share*b) <= spent_total -
            # spent, whose left side never falls as b grows: find where it stops holding
            room = spent_total - spent

            def holds(b):
                return b - math.floor(share * b) <= room

            if not holds(lo):
                return lo
            if holds(hi - 1):
                continue
            low, high = lo, hi - 1
            while high - low > 1:
                mid = (low + high) // 2
                low, high = (mid, high) if holds(mid) else (low, mid)
            hi = high
        for share, members in self.mins:
            spent = self._spent(units, members)
            # with kstar in it, spent + extra > spent + b - spent_total - unit_cost keeps up once
            # it does at lo; otherwise only what `units` spends counts, until its break
            c = self.plan.proposals[kstar].unit_cost if kstar is not None else 0
            if not (kstar is not None and kstar in members
                    and (1 - share) * lo >= spent_total - spent + c - 1):
                hi = min(hi, _outgrown(spent, share))
        return max(lo, hi)

    def _stretch(self, k, b0, w, units, limit, deadline):
        """The end e > b0 of budgets [b0, e) at which proposal k provably does not enter, from
        one MILP per piece of `_pieces` (W(b) >= w + offset + A*t(b) there, so if no plan
        funding k at a budget b of the piece beats that, k does not enter on it); None when not
        even the first piece holds. A P step moves the budget by about what k's plan lacks;
        a piece covers what one proposal's spare units can absorb."""
        reached = None
        for lo, hi, kstar, offset, spent, low, top in self._pieces(k, units, b0, limit):
            if reached is not None and lo != reached:
                break
            if not self._piece_holds(k, kstar, lo, hi, w + offset, spent, (low, top), deadline):
                break
            reached = hi
        return reached

    def _piece_holds(self, k, kstar, lo, hi, floor, spent, t_range, deadline):
        """True when no plan funding k at a budget b in [lo, hi) beats floor + A*t(b), where
        t(b) = floor((b - spent) / unit_cost) units of kstar (t = 0 when kstar is None);
        False otherwise or when unknown (out of time, solver failure)."""
        fm, eng, plan = self.fm, self.engine, self.plan
        b, t = fm.budget_col, self.t
        objective = fm.impact_objective()
        eng.set_col_bounds(b, lo, hi - 1)
        eng.set_col_bounds(fm.y(k), 1, 1)
        a = 0
        if kstar is not None:
            q = plan.proposals[kstar]
            c, a = q.unit_cost, fm.impact_int[kstar]
            eng.set_col_bounds(t, *t_range)
            for row, lower, upper in ((self.t_hi, -INF, -spent), (self.t_lo, -spent - c + 1, INF)):
                eng.set_coef(row, t, c)        # t*c <= b - spent < (t + 1)*c
                eng.set_coef(row, b, -1)
                eng.set_row_bounds(row, lower, upper)
            objective[t] = -a
        eng.set_objective(objective, "max")
        self._with_twins(True)
        try:
            out = self._solve(deadline)
        finally:
            self._with_twins(False)
            for row in (self.t_hi, self.t_lo):
                eng.set_row_bounds(row, -INF, INF)
                eng.set_coef(row, t, 0)
                eng.set_coef(row, b, 0)
            eng.set_col_bounds(t, 0, 0)
            eng.set_col_bounds(fm.y(k), 0, 1)
            eng.set_col_bounds(b, plan.budget, plan.budget)
        if out is None or out.status not in ("optimal", "infeasible"):
            return False
        if out.status == "infeasible":
            return True
        with_k = fm.round_units(out.values)
        extra = int(round(out.values[t])) if kstar is not None else 0
        return fm.scaled_impact(with_k) - a * extra <= floor

    def _twins(self, k):
        """The twin rule for proposal k, as rows {column: coefficient} >= bound.

        A twin j of k is interchangeable with it in every row: the same costs, unit range,
        impact, category, package, target group (and location, when locations have caps), and
        not locked out. If a plan funding k leaves a twin j out, and j could stand in for k
        there (its requirements funded, nothing funded that excludes it, nothing funded that
        needs k), then swapping k for j gives a plan without k, as good: such a plan never
        makes k enter. So plans that make k enter satisfy, for every twin j:
            y_j + sum(1 - y_r, r required by j) + sum(y_e, e excluding j or excluded by it)
                + sum(y_m, m requiring k) >= 1.
        Adding these rows to the MILPs that look for a plan with k keeps every answer exact
        and stops the search crawling where identical proposals keep drawing level."""
        fm, plan = self.fm, self.plan
        props, index = plan.proposals, self.index
        p = props[k]
        caps_by_location = plan.rules.location_max_share is not None
        needs_k = [m for m, q in enumerate(props) if p.id in q.requires]
        rows = []
        for j, q in enumerate(props):
            if j == k or len(rows) >= MAX_TWINS:
                continue
            if ((q.unit_cost, q.fixed_cost, q.low_units, q.max_units, q.category, q.package,
                 q.target_group) != (p.unit_cost, p.fixed_cost, p.low_units, p.max_units,
                                     p.category, p.package, p.target_group)
                    or exact(q.impact_per_unit) != exact(p.impact_per_unit)
                    or (caps_by_location and q.location != p.location)
                    or q.lock not in (None, "in")):
                continue
            coefs = {fm.y(j): 1}
            for other in q.requires:
                r = index[other]
                coefs[fm.y(r)] = coefs.get(fm.y(r), 0) - 1
            partners = {index[o] for o in q.excludes} | {
                m for m, o in enumerate(props) if q.id in o.excludes}
            for e in (partners - {k}) | set(needs_k):
                coefs[fm.y(e)] = coefs.get(fm.y(e), 0) + 1
            rows.append((coefs, 1 - len(q.requires)))
        return rows

    def _set_twins(self, rows):
        """Put the twin rule's rows in the model (an empty list clears them)."""
        eng = self.engine
        for slot, row in enumerate(self.twin_rows):
            for col in list(self.fm.row_coefs[row]):
                eng.set_coef(row, col, 0)
            eng.set_row_bounds(row, -INF, INF)
            if slot < len(rows):
                coefs, bound = rows[slot]
                for col, value in coefs.items():
                    eng.set_coef(row, col, value)
        self._twin_bounds = [bound for _, bound in rows]

    def _with_twins(self, on: bool):
        """Switch the twin rows on (for a MILP that funds k) or off (for one without k)."""
        for row, bound in zip(self.twin_rows, self._twin_bounds):
            self.engine.set_row_bounds(row, bound if on else -INF, INF)

    # --- the search ---------------------------------------------------------------------
    def rise(self, k, deadline, max_solves) -> BudgetRise:
        p = self.plan.proposals[k]
        if (self.units[k] or p.lock == LOCK_OUT or p.lock == 0
                or exact(p.impact_per_unit) == 0):
            return BudgetRise(p.id, "skipped")
        self._set_twins(self._twins(k))
        try:
            return self._rise(k, deadline, max_solves)
        finally:
            self._set_twins([])

    def _rise(self, k, deadline, max_solves) -> BudgetRise:
        plan, fm = self.plan, self.fm
        p = plan.proposals[k]
        self.solves = 0
        limit = budget_limit(plan.budget)
        b0, witness = plan.budget, self.units
        w = fm.scaled_impact(witness)
        wait = backoff = 0     # P steps before the next stretch; more after each that fails

        def answer(status, **fields):
            return BudgetRise(p.id, status, solves=self.solves, **fields)

        while b0 <= limit:
            if self.solves >= max_solves or time.perf_counter() >= deadline:
                return answer("unproven", checked_to=b0 - 1)
            end = None
            if wait == 0 and witness is not None:
                end = self._stretch(k, b0, w, witness, limit, deadline)
                if end is None:
                    backoff = min(8, max(1, 2 * backoff))
                    wait = backoff
                else:
                    backoff = 0
            else:
                wait = max(0, wait - 1)
            if end is not None:       # k does not enter on [b0, end)
                if end > limit:
                    return answer("not_within", checked_to=limit)
                b0 = end
                known = self._without(k, b0, deadline)
            else:
                breaks = self._break(witness)
                found = self._least_budget(k, w + 1, b0, limit, deadline)
                if found is None:
                    return answer("unproven", checked_to=b0 - 1)
                if found == "infeasible" or found[0] >= breaks:
                    if breaks > limit:
                        return answer("not_within", checked_to=limit)
                    b0 = int(breaks)      # k does not enter on [b0, breaks): W >= w >= V there
                    known = self._without(k, b0, deadline)
                else:
                    b1, with_k = found
                    known = self._without(k, b1, deadline)
                    if known is not None and fm.scaled_impact(with_k) > known[0]:
                        return answer("enters", budget=b1, rise=b1 - plan.budget,
                                      units=with_k[k], checked_to=b1)
                    b0 = b1
            if known is None:
                return answer("unproven", checked_to=b0 - 1)
            w, witness = known
        return answer("not_within", checked_to=limit)
