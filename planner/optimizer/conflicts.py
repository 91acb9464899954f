"""Why a plan is infeasible: the smallest set of locks and rules that cannot hold together.

Soft constraint groups (see formulation.py): the budget, each lock, each category minimum and
maximum, the location cap of each location, each required package and target group, each
requires/excludes link. Unit ranges are definitions, not rules, and always hold. Dropping every
soft group leaves "fund nothing", which is always feasible, so every infeasibility is explained.

Two answers, both exact:
- `fewest_to_drop`: a minimum-cardinality correction set, i.e. the fewest groups whose removal
  makes the plan feasible. One MILP: every group gets a binary z_g that switches its rows off
  through an exactly sized big-M (z_g = 1 means dropped); minimise sum_g (K + rank_g) z_g where
  K exceeds the sum of all ranks, so the count is minimised first and ties go to the group kind a
  village most easily changes (locks, then links, then required packages/groups, then shares,
  budget last).
- `conflicts`: a minimum-cardinality irreducible infeasible subset (IIS): groups that together
  cannot hold, each one necessary. Found by implicit hitting sets: every infeasible subset meets
  every correction set, so a minimum hitting set H of the correction sets found so far is a lower
  bound; if H alone is infeasible it is a smallest IIS, otherwise the fewest-to-drop MILP with H
  enforced yields a new correction set disjoint from H, and we repeat. If that loop exceeds its
  budget (iterations/time), a deletion filter gives an IIS that is irreducible but maybe not the
  smallest; `minimum` is then False.
Big-M numerics are never trusted: each MILP's solution is checked against the enforced rows with
integer arithmetic before its correction set is used.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Dict, Iterable, List, Sequence, Tuple

from .backends import HighsEngine, fast_engine
from .formulation import Formulation, build
from .messages import proposal_label
from .model import LOCK_IN, LOCK_OUT, Conflict, Message, Plan, exact

#: Order in which groups are preferred for dropping (lower = suggested first).
_KIND_RANK = {"lock": 0, "requires": 1, "excludes": 1, "package": 2, "target_group": 2,
              "location_max": 3, "category_max": 3, "category_min": 3, "budget": 4}


@dataclass(frozen=True)
class ConflictReport:
    """conflicts: smallest IIS; fewest_to_drop: smallest correction set; summary: one sentence."""

    conflicts: Tuple[Conflict, ...]
    fewest_to_drop: Tuple[Conflict, ...]
    minimum: bool
    summary: Message
    feasible: bool = False


class _Search:
    def __init__(self, plan: Plan, force: Dict[int, Tuple[float, float]], deadline: float):
        self.plan = plan
        self.fm = build(plan, relaxable=True)
        for col, (lb, ub) in force.items():
            self.fm.col_lb[col], self.fm.col_ub[col] = lb, ub
        self.force = force
        self.engine = fast_engine(self.fm)
        self.groups = list(self.fm.groups)
        ranks = {g: (_KIND_RANK.get(g[0], 5), i) for i, g in enumerate(self.groups)}
        order = sorted(self.groups, key=lambda g: ranks[g])
        self.rank = {g: r for r, g in enumerate(order)}
        self.big = sum(self.rank.values()) + 1
        self.deadline = deadline
        self.solves = 0

    def remaining(self):
        return max(0.05, self.deadline - time.perf_counter())

    def _set_z(self, enforced: Iterable[tuple], free: Iterable[tuple], dropped: Iterable[tuple]):
        for g in enforced:
            self.engine.set_col_bounds(self.fm.z_col[g], 0, 0)
        for g in free:
            self.engine.set_col_bounds(self.fm.z_col[g], 0, 1)
        for g in dropped:
            self.engine.set_col_bounds(self.fm.z_col[g], 1, 1)

    def infeasible(self, active: Sequence[tuple]) -> bool:
        """Is the plan infeasible with only `active` groups enforced (solver's word)?"""
        if time.perf_counter() >= self.deadline:
            return False        # not tested: the caller keeps the group (a set, not minimal)
        active = set(active)
        self._set_z(active, (), [g for g in self.groups if g not in active])
        self.engine.set_objective({}, "min")
        self.solves += 1
        out = self.engine.solve(self.remaining())
        return out.status == "infeasible"

    def min_drop(self, hard: Sequence[tuple]):
        """Fewest groups to drop with `hard` enforced: (set, verified) or None if infeasible."""
        hard = set(hard)
        free = [g for g in self.groups if g not in hard]
        self._set_z(hard, free, ())
        self.engine.set_objective({self.fm.z_col[g]: self.big + self.rank[g] for g in free},
                                  "min")
        self.solves += 1
        out = self.engine.solve(self.remaining())
        if out.status == "infeasible":
            return None
        if out.status not in ("optimal", "feasible"):
            raise TimeoutError(out.status)
        dropped = {g for g in free if out.values[self.fm.z_col[g]] > 0.5}
        # Exact check of the integer point against every row still enforced.
        units = self.fm.round_units(out.values)
        x = self.fm.units_to_x(units)
        for g, col in self.fm.z_col.items():
            x[col] = 1 if g in dropped else 0
        verified = out.status == "optimal"
        for col, (lb, ub) in self.force.items():
            if not lb <= x[col] <= ub:
                verified = False
        for row in self.fm.violated_rows(x):
            group = self.fm.row_group[row]
            verified = False
            if group is not None and group not in hard:
                dropped.add(group)   # still a correction set: x satisfies everything else
            else:
                raise TimeoutError("numerics")
        return dropped, verified

    def hitting_set(self, sets: List[set]) -> set:
        """Minimum hitting set of `sets` (ties broken by rank) via a tiny MILP."""
        universe = sorted({g for s in sets for g in s}, key=lambda g: self.rank[g])
        hs = Formulation(plan=self.plan)
        col = {g: hs.add_col(f"h_{i}", 0, 1, True) for i, g in enumerate(universe)}
        for i, s in enumerate(sets):
            hs.add_row(f"hit_{i}", {col[g]: 1 for g in s}, lb=1)
        engine = HighsEngine(hs)
        engine.set_objective({col[g]: self.big + self.rank[g] for g in universe}, "min")
        self.solves += 1
        out = engine.solve(self.remaining())
        if out.status != "optimal":
            raise TimeoutError(out.status)
        return {g for g in universe if out.values[col[g]] > 0.5}

    def deletion_filter(self) -> List[tuple]:
        keep = list(self.groups)
        for g in sorted(self.groups, key=lambda g: -self.rank[g]):
            if time.perf_counter() >= self.deadline:
                break           # the time limit: what is kept still conflicts, not minimal
            trial = [h for h in keep if h != g]
            if self.infeasible(trial):
                keep = trial
        return keep


def find_conflicts(plan: Plan, *, force_in: Sequence[str] = (), force_out: Sequence[str] = (),
                   time_limit: float = 20.0, max_rounds: int = 60) -> ConflictReport:
    """Explain why `plan` (plus optional forced proposals) has no feasible allocation.

    force_in / force_out: proposal ids made funded / unfunded as hard conditions (used by
    explanations: "why can this not be dropped / added"). If the plan is feasible, returns a
    report with `feasible=True` and empty sets.
    """
    deadline = time.perf_counter() + time_limit
    index = plan.index()
    probe = build(plan)
    force = {}
    for pid in force_in:
        force[probe.y(index[pid])] = (1, 1)
    for pid in force_out:
        k = index[pid]
        force[probe.y(k)] = (0, 0)
        force[probe.u(k)] = (0, 0)
    search = _Search(plan, force, deadline)
    try:
        first = search.min_drop(())
    except TimeoutError:
        first = None
    if first is None:
        # Only the forced conditions themselves can be contradictory (e.g. none); nothing to say.
        return ConflictReport((), (), False, Message("status_infeasible"))
    drop, minimum = first
    if not drop:
        return ConflictReport((), (), True, Message("status_optimal"), feasible=True)
    collected = [set(drop)]
    iis = None
    try:
        for _ in range(max_rounds):
            if time.perf_counter() > deadline:
                break
            hitting = search.hitting_set(collected)
            found = search.min_drop(sorted(hitting, key=lambda g: search.rank[g]))
            if found is None:
                iis = hitting
                break
            more, _verified = found
            if more & hitting or not more:
                break
            collected.append(more)
    except TimeoutError:
        iis = None
    if iis is None:
        minimum = False
        iis = set(search.deletion_filter())
    ordered = [g for g in search.groups if g in iis]
    dropped = [g for g in search.groups if g in drop]
    conflicts = tuple(describe(plan, search.fm, g) for g in ordered)
    return ConflictReport(conflicts, tuple(describe(plan, search.fm, g) for g in dropped),
                          minimum, summarize(plan, conflicts))


def describe(plan: Plan, fm: Formulation, group: tuple) -> Conflict:
    """A group as a `Conflict` with its numbers."""
    kind = group[0]
    props = plan.proposals
    index = plan.index()
    budget = plan.budget
    if kind == "budget":
        return Conflict(group, Message("conflict_budget", {"budget_rp": budget}))
    if kind == "lock":
        p = props[index[group[1]]]
        label = proposal_label(p)
        if p.lock == LOCK_IN:
            return Conflict(group, Message("conflict_lock_in", {
                "id": p.id, "proposal": label, "units": p.low_units,
                "cost_rp": p.cost(p.low_units)}))
        if p.lock == LOCK_OUT or p.lock == 0:
            return Conflict(group, Message("conflict_lock_out", {"id": p.id, "proposal": label}))
        return Conflict(group, Message("conflict_lock_units", {
            "id": p.id, "proposal": label, "units": p.lock, "cost_rp": p.cost(p.lock)}))
    if kind in ("category_min", "category_max"):
        rules = plan.rules
        share = (rules.category_min_share if kind == "category_min"
                 else rules.category_max_share)[group[1]]
        amount = (math.ceil(exact(share) * budget) if kind == "category_min"
                  else math.floor(exact(share) * budget))
        key = "min" if kind == "category_min" else "max"
        return Conflict(group, Message(f"conflict_{kind}", {
            "category": group[1], f"{key}_share": float(exact(share)), f"{key}_rp": amount}))
    if kind == "location_max":
        share = exact(plan.rules.location_max_share)
        return Conflict(group, Message("conflict_location_max", {
            "location": group[1], "max_share": float(share),
            "max_rp": math.floor(share * budget)}))
    if kind in ("package", "target_group"):
        attr = "package" if kind == "package" else "target_group"
        count = sum(1 for p in props if getattr(p, attr) == group[1])
        return Conflict(group, Message(f"conflict_{kind}", {kind: group[1], "count": count}))
    if kind in ("requires", "excludes"):
        a, b = props[index[group[1]]], props[index[group[2]]]
        return Conflict(group, Message(f"conflict_{kind}", {
            "id": a.id, "other_id": b.id, "proposal": proposal_label(a),
            "other": proposal_label(b)}))
    return Conflict(group, Message("summary_single", {"conflicts_items": []}))


def summarize(plan: Plan, conflicts: Sequence[Conflict]) -> Message:
    """One sentence for a conflict set; the locks-versus-budget case gets its own wording."""
    kinds = {c.kind for c in conflicts}
    items = [{"code": c.message.code, "params": dict(c.message.params)} for c in conflicts]
    if kinds == {"budget", "lock"}:
        index = plan.index()
        locked = [plan.proposals[index[c.group[1]]] for c in conflicts if c.kind == "lock"]
        if all(p.lock not in (None, LOCK_OUT, 0) for p in locked):
            total = sum(p.cost(p.low_units if p.lock == LOCK_IN else p.lock) for p in locked)
            return Message("summary_locks_budget", {
                "locked_rp": total, "budget_rp": plan.budget,
                "ids": [p.id for p in locked]})
    if len(conflicts) == 1:
        return Message("summary_single", {"conflicts_items": items})
    return Message("summary_generic", {"conflicts_items": items})
