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
   hint (e.g. the previous lexicographic phase) gives a T that cannot fail. For an integral
   objective the engine hands T to HiGHS as a cutoff, so a round that misses T ends as soon as
   HiGHS's bound falls below it (backends.HighsEngine._solve_core); such a miss also proves a
   known plan of value T - 1 optimal.
4. The bounds of step 2 hold for every plan reaching T whatever rows are added later, so a
   lexicographic phase that keeps only plans reaching the previous phase's optimum solves
   within the previous phase's bounds at that optimum (`HighsEngine.reaching`).

Everything here is arithmetic (numpy) on the `Formulation`; backends.HighsEngine runs the solves.
"""
from __future__ import annotations

import math
from typing import Dict, Optional, Sequence, Tuple

from .formulation import INF, Formulation

try:  # numpy comes with highspy, the only user of this module
    import numpy as np
except ImportError:  # pragma: no cover
    np = None

#: Relative tolerance added to the slack, so floating-point rounding only ever loosens bounds.
_TOL = 1e-7


class Sparse:
    """The formulation's rows as coordinate arrays, kept in step by `set` (the engine calls it
    from set_coef), plus each proposal's link-row data: what the bound needs, without a Python
    loop over the matrix per solve."""

    def __init__(self, fm: Formulation):
        rows, cols, vals = [], [], []
        self.pos: Dict[Tuple[int, int], int] = {}
        for r, coefs in enumerate(fm.row_coefs):
            for c, v in coefs.items():
                self.pos[(r, c)] = len(vals)
                rows.append(r)
                cols.append(c)
                vals.append(float(v))
        self.rows = np.array(rows, dtype=np.int64)
        self.cols = np.array(cols, dtype=np.int64)
        self.vals = np.array(vals, dtype=float)
        n, ncol = fm.n, len(fm.col_name)
        self.ncol = ncol
        self.u = np.array([fm.u(k) for k in range(n)], dtype=np.int64)
        self.y = np.array([fm.y(k) for k in range(n)], dtype=np.int64)
        self.link = np.zeros(len(fm.row_name), dtype=bool)
        low, high, ok = [], [], True
        for k, (lo_row, hi_row) in enumerate(fm.links):
            self.link[lo_row] = self.link[hi_row] = True
            lo_c, hi_c = fm.row_coefs[lo_row], fm.row_coefs[hi_row]
            u, y = fm.u(k), fm.y(k)
            ok = ok and not (set(lo_c) - {u, y} or set(hi_c) - {u, y}) \
                and lo_c.get(u) == 1 and hi_c.get(u) == 1
            low.append(-lo_c.get(y, 0))
            high.append(-hi_c.get(y, 0))
        self.links_ok = ok
        self.low = np.array(low, dtype=float)
        self.high = np.array(high, dtype=float)
        paired = np.zeros(ncol, dtype=bool)
        paired[self.u] = paired[self.y] = True
        self.others = np.nonzero(~paired)[0]
        self.integer = np.array(fm.col_int, dtype=bool)

    def set(self, row: int, col: int, value: float) -> None:
        i = self.pos.get((row, col))
        if i is None:
            self.pos[(row, col)] = len(self.vals)
            self.rows = np.append(self.rows, row)
            self.cols = np.append(self.cols, col)
            self.vals = np.append(self.vals, float(value))
        else:
            self.vals[i] = float(value)
        if self.link[row]:
            self.links_ok = False   # no longer the usual link form: solve whole from now on


class Lagrangian:
    """The bound L and what each column may still do for a given target (see module docstring).
    Per proposal k: reduced costs du, dy; whether "out" is allowed; the funded unit range
    [lo, hi] (empty when lo > hi); its best Lagrangian value. Per other column: its reduced
    cost. `lb`, `ub` are the column bounds it was computed under."""

    def __init__(self, bound, integral, m, d, lb, ub, out_ok, lo, hi, best):
        self.bound, self.integral, self.m = bound, integral, m
        self.d, self.lb, self.ub = d, lb, ub
        self.out_ok, self.lo, self.hi, self.best = out_ok, lo, hi, best
        self.funded = lo <= hi

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
        m, d, lb, ub = self.m, self.d, self.lb, self.ub
        du, dy = d[m.u], d[m.y]
        lo, hi = self.lo, self.hi
        out_ok = self.out_ok & (self.best <= slack)
        need = self.best - dy - slack                 # funded: du * units >= need
        with np.errstate(divide="ignore", invalid="ignore"):
            lo2 = np.where(du > 0, np.maximum(lo, np.ceil(need / du - 1e-9)), lo)
            hi2 = np.where(du < 0, np.minimum(hi, np.floor(need / du + 1e-9)), hi)
        none = (du == 0) & (need > 0)
        lo2 = np.where(none, 1.0, lo2)
        hi2 = np.where(none, 0.0, hi2)
        lo2 = np.where(self.funded, lo2, lo)
        hi2 = np.where(self.funded, hi2, hi)
        funded = lo2 <= hi2
        if np.any(~out_ok & ~funded):
            return None
        out: Dict[int, Tuple[float, float]] = {}
        # The target restricts only where "out" or the unit range changed: not funded -> u and
        # y fixed at 0; funded only -> u in [lo2, hi2], y = 1; both -> u at most hi2.
        changed = (out_ok != self.out_ok) | (lo2 != lo) | (hi2 != hi)
        lbu, ubu, lby, uby = lb[m.u], ub[m.u], lb[m.y], ub[m.y]
        only = funded & ~out_ok
        new_lu = np.where(funded, np.where(only, lo2, lbu), 0.0)
        new_uu = np.where(funded, np.where(only, hi2, np.minimum(ubu, hi2)), 0.0)
        new_ly = np.where(funded, np.where(only, 1.0, lby), 0.0)
        new_uy = np.where(funded, np.where(only, 1.0, uby), 0.0)
        for cols, ok, low, up in ((m.u, changed & ((new_lu != lbu) | (new_uu != ubu)),
                                   new_lu, new_uu),
                                  (m.y, changed & ((new_ly != lby) | (new_uy != uby)),
                                   new_ly, new_uy)):
            out.update(zip(cols[ok].tolist(), zip(low[ok].tolist(), up[ok].tolist())))
        for c in m.others:
            dc, low, up = d[c], lb[c], ub[c]
            if dc == 0 or low == up:
                continue
            room = slack / abs(dc)    # loss d*(ub - x) or |d|*(x - lb) must stay <= slack
            if m.integer[c]:
                room = math.floor(room + 1e-9)
            if dc > 0 and up < INF:
                new = (max(low, up - room), up)
            elif dc < 0 and low > -INF:
                new = (low, min(up, low + room))
            else:
                continue
            if new != (low, up):
                out[int(c)] = (float(new[0]), float(new[1]))
        return out


def lagrangian(fm: Formulation, objective: Dict[int, float], sense: str,
               row_dual: Sequence[float], matrix: Optional[Sparse] = None
               ) -> Optional[Lagrangian]:
    """The Lagrangian bound for maximising `objective` (minimising when sense == "min"), with the
    rows' multipliers taken from an LP's `row_dual` (HiGHS convention: reduced cost = c - A'y).
    `matrix`: the engine's `Sparse` of fm (built here when not given). None when the bound is
    infinite (an unbounded column direction) or a proposal's link rows are not in their usual
    form."""
    m = matrix if matrix is not None else Sparse(fm)
    if not m.links_ok:
        return None
    sign = 1.0 if sense == "max" else -1.0
    c = np.zeros(m.ncol)
    integral = True
    for col, v in objective.items():
        c[col] = sign * v
        if v != int(v) or not fm.col_int[col]:
            integral = False
    y = sign * np.asarray(row_dual, dtype=float)
    y[m.link] = 0.0            # each proposal's link rows stay as its own little set
    row_lb, row_ub = np.array(fm.row_lb, dtype=float), np.array(fm.row_ub, dtype=float)
    side = np.where(y > 0, row_ub, np.where(y < 0, row_lb, 0.0))
    missing = ~np.isfinite(side)   # a multiplier on a missing side is tolerance noise
    y[missing] = 0.0
    side[missing] = 0.0
    constant = float(y @ side)
    d = c - np.bincount(m.cols, weights=m.vals * y[m.rows], minlength=m.ncol)
    lb, ub = np.array(fm.col_lb, dtype=float), np.array(fm.col_ub, dtype=float)
    du, dy = d[m.u], d[m.y]
    ul, uu, yl, yu = lb[m.u], ub[m.u], lb[m.y], ub[m.y]
    out_ok = (yl <= 0) & (ul <= 0) & (uu >= 0)
    can_fund = yu >= 1
    lo = np.where(can_fund, np.maximum(np.ceil(m.low), np.ceil(ul)), 1.0)
    hi = np.where(can_fund, np.minimum(np.floor(m.high), np.floor(uu)), 0.0)
    funded_best = np.where(lo <= hi, np.maximum(du * lo, du * hi) + dy, -INF)
    best = np.maximum(np.where(out_ok, 0.0, -INF), funded_best)
    if np.any(best == -INF):
        return None
    do, lo_o, up_o = d[m.others], lb[m.others], ub[m.others]
    if np.any((do > 0) & (up_o == INF)) or np.any((do < 0) & (lo_o == -INF)):
        return None
    with np.errstate(invalid="ignore"):
        best_o = np.where(do > 0, do * up_o, np.where(do < 0, do * lo_o, 0.0))
    total = constant + float(best.sum()) + float(best_o.sum())
    return Lagrangian(total, integral, m, d, lb, ub, out_ok, lo, hi, best)


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
