"""Exact re-solves on a small core: Lagrangian bound and reduced-cost tightening from the LP.

Explanations and the budget sweep solve ~100 MILPs that differ from the main one by a bound or
two. A general MILP solver spends most of each of those on root processing (cuts, restarts,
sub-MIPs) of variables that cannot change: proposals far above the "break" stay fully funded,
proposals far below stay out. This module shrinks each MILP to the proposals that *could* change
before the solver sees it, without giving up exactness:

1. Solve the LP relaxation and take its row duals y (any duals of the right sign will do: the
   bound below is weak duality, not an LP optimality claim). Dualise every row except each
   proposal's two link rows, which stay as its own little set
   S_k = {(u, y): y in {0, 1}, low_k*y <= u <= max_k*y}. For every x satisfying the rows,
       objective(x) <= L - sum_k loss_k(x_k) - sum_c loss_c(x_c),
   where L = sum_r y_r*bound_r + sum_k max_{S_k} g_k + sum_c max g_c, g is the Lagrangian
   reduced cost d = c - A'y (per proposal over S_k, per other column over its box) and loss is
   how far a choice falls short of that maximum. (Standard Lagrangian relaxation; the convex
   hull of S_k is exactly its LP relaxation, so L equals the LP bound at optimal duals.)
2. For a target T, every x with objective(x) >= T has loss_k(x_k) <= L - T for each k, which
   confines each proposal to "out", "in with units in [a, b]" or both (bounds on u_k and y_k).
3. Solve the MILP with those bounds. If its optimum V >= T, V is the optimum of the full MILP
   (any better x would satisfy the bounds too). Otherwise no x reaches T: lower T and repeat.
   When the bounds no longer restrict anything, the solve is the full MILP itself. A feasible
   hint (e.g. the previous lexicographic phase) gives a T that cannot fail.

Everything here is plain arithmetic on the `Formulation`; backends.HighsEngine runs the solves.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

from .formulation import INF, Formulation

#: Relative tolerance added to the slack, so floating-point rounding only ever loosens bounds.
_TOL = 1e-7


@dataclass
class _Pair:
    """Proposal k's Lagrangian reduced costs (du for u_k, dy for y_k) and its feasible choices."""

    k: int
    du: float
    dy: float
    out_ok: bool          # y = 0, u = 0 allowed by the current bounds
    lo: int               # units range when funded (empty if lo > hi)
    hi: int
    best: float

    def value(self, units: int) -> float:
        return self.du * units + self.dy


@dataclass
class Lagrangian:
    """The bound L and what each column may still do for a given target (see module docstring)."""

    bound: float
    integral: bool                       # objective takes integer values at integer points
    pairs: List[_Pair]
    others: List[Tuple[int, float, float]]   # (column, reduced cost, best value) outside pairs

    def target(self, gap: float) -> float:
        """The target T = bound - gap, rounded down to an integer for integral objectives."""
        t = self.bound - gap
        return math.floor(t + _TOL * (1 + abs(t))) if self.integral else t

    def tightened(self, fm: Formulation, target: float):
        """Column bounds that every x with objective >= target satisfies.

        Returns {column: (lb, ub)} for the columns whose bounds shrink, or None when some
        column has no admissible value (then no x reaches the target)."""
        slack = self.bound - target
        slack += _TOL * (1 + abs(self.bound)) + 1e-9
        if slack < 0:
            return None
        if slack == INF:
            return {}
        out: Dict[int, Tuple[float, float]] = {}
        for p in self.pairs:
            u, y = fm.u(p.k), fm.y(p.k)
            out_ok = p.out_ok and p.best <= slack
            lo, hi = p.lo, p.hi
            if lo <= hi:
                need = p.best - p.dy - slack     # du * units >= need
                if p.du > 0:
                    lo = max(lo, math.ceil(need / p.du - 1e-9))
                elif p.du < 0:
                    hi = min(hi, math.floor(need / p.du + 1e-9))
                elif need > 0:
                    lo, hi = 1, 0
            funded_ok = lo <= hi
            if not out_ok and not funded_ok:
                return None
            if out_ok == p.out_ok and (lo, hi) == (p.lo, p.hi):
                continue    # the target restricts nothing the bounds do not already
            if not funded_ok:
                nu, ny = (0, 0), (0, 0)
            elif not out_ok:
                nu, ny = (lo, hi), (1, 1)
            else:
                nu, ny = (fm.col_lb[u], min(fm.col_ub[u], hi)), (fm.col_lb[y], fm.col_ub[y])
            if nu != (fm.col_lb[u], fm.col_ub[u]):
                out[u] = nu
            if ny != (fm.col_lb[y], fm.col_ub[y]):
                out[y] = ny
        for c, d, best in self.others:
            lb, ub = fm.col_lb[c], fm.col_ub[c]
            if d == 0 or lb == ub:
                continue
            room = slack / abs(d)     # loss d*(ub - x) or |d|*(x - lb) must stay <= slack
            if fm.col_int[c]:
                room = math.floor(room + 1e-9)
            if d > 0 and ub < INF:
                new = (max(lb, ub - room), ub)
            elif d < 0 and lb > -INF:
                new = (lb, min(ub, lb + room))
            else:
                continue
            if new != (lb, ub):
                out[c] = new
        return out


def lagrangian(fm: Formulation, objective: Dict[int, float], sense: str,
               row_dual: Sequence[float]) -> Optional[Lagrangian]:
    """The Lagrangian bound for maximising `objective` (minimising when sense == "min"), with the
    rows' multipliers taken from an LP's `row_dual` (HiGHS convention: reduced cost = c - A'y).
    None when the bound is infinite (an unbounded column direction) or a proposal's link rows
    are not in their usual form."""
    sign = 1.0 if sense == "max" else -1.0
    ncol = len(fm.col_name)
    d = [0.0] * ncol
    integral = True
    for c, v in objective.items():
        d[c] = sign * v
        if v != int(v) or not fm.col_int[c]:
            integral = False
    link_rows = {r for pair in fm.links for r in pair}
    constant = 0.0
    for r, coefs in enumerate(fm.row_coefs):
        if r in link_rows:
            continue
        yr = sign * row_dual[r]
        if yr > 0:
            bound = fm.row_ub[r]
        elif yr < 0:
            bound = fm.row_lb[r]
        else:
            continue
        if bound in (INF, -INF):
            continue    # a multiplier on a missing side is tolerance noise: leave the row out
        constant += yr * bound
        for c, a in coefs.items():
            d[c] -= yr * a
    pairs = []
    total = constant
    paired = set()
    for k in range(fm.n):
        u, y = fm.u(k), fm.y(k)
        lo_row, hi_row = fm.row_coefs[fm.links[k][0]], fm.row_coefs[fm.links[k][1]]
        if set(lo_row) - {u, y} or set(hi_row) - {u, y} or lo_row.get(u) != 1 \
                or hi_row.get(u) != 1:
            return None
        low, high = -lo_row.get(y, 0), -hi_row.get(y, 0)
        ul, uu, yl, yu = fm.col_lb[u], fm.col_ub[u], fm.col_lb[y], fm.col_ub[y]
        out_ok = yl <= 0 and ul <= 0 <= uu
        lo, hi = (max(math.ceil(low), math.ceil(ul)), min(math.floor(high), math.floor(uu))) \
            if yu >= 1 else (1, 0)
        pair = _Pair(k, d[u], d[y], out_ok, lo, hi, 0.0)
        options = [0.0] if out_ok else []
        if lo <= hi:
            options += [pair.value(lo), pair.value(hi)]
        if not options:
            return None
        pair.best = max(options)
        total += pair.best
        pairs.append(pair)
        paired.update((u, y))
    others = []
    for c in range(ncol):
        if c in paired:
            continue
        lb, ub = fm.col_lb[c], fm.col_ub[c]
        dc = d[c]
        if (dc > 0 and ub == INF) or (dc < 0 and lb == -INF):
            return None
        best = 0.0 if dc == 0 else max(dc * lb, dc * ub)
        total += best
        others.append((c, dc, best))
    return Lagrangian(total, integral, pairs, others)


def hint_value(fm: Formulation, objective: Dict[int, float], sense: str,
               hint: Optional[Sequence[float]]) -> Optional[float]:
    """The objective (max-normalised) of `hint` if it is an integer point satisfying every
    current bound and row exactly; else None."""
    if hint is None or len(hint) != len(fm.col_name):
        return None
    x = list(hint)
    for c, v in enumerate(x):
        if fm.col_int[c] and v != int(v):
            return None
        if v < fm.col_lb[c] or v > fm.col_ub[c]:
            return None
    if fm.violated_rows(x):
        return None
    sign = 1 if sense == "max" else -1
    return sign * sum(v * x[c] for c, v in objective.items())
