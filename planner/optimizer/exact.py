"""Version 2 plans: the best plan of the combined-effect model, proven (docs/optimizer.md).

The model (planner.impact, impact_model.evaluate): group g with population N_g and baseline risk
b_g averts N_g b_g (1 - prod_i (1 - e_i x_i / N_g)) cases, x_i = units_i / units_per_course_i
people; proposals without an effect add impact_per_unit x units. With u_g = sum_i w_i,
w_i = -log(1 - e_i x_i / N_g), a group's cases are N_g b_g phi(u_g), phi(u) = 1 - exp(-u).

The MILP (exact at whole steps; a step is a course with whole courses, else one unit):
- a group with one combined proposal is linear: b_g e_i x_i;
- a group with several: ordered binaries z_i1 >= z_i2 >= ... (one per step), units_i =
  step_i * sum_k z_ik, w_i = sum_k d_ik z_ik with d_ik = W_i(k) - W_i(k-1) the exact increments
  of the convex W_i (so w_i is exact at every whole step), and a variable t_g <= 1 under tangents
  of the concave phi: t_g <= phi(v) + phi'(v) (u_g - v) for v on a grid;
- maximise sum_additive + sum_g N_g b_g t_g. Every tangent lies above phi, so the MILP optimum
  is an upper bound; the plan it returns, evaluated exactly, a lower bound. Outer approximation
  adds the tangent at each group's u_g of that plan and re-solves until the bounds meet within
  REL_TOL (the plan is then "optimal"; `gap` says how close they met).
- least cost among equals: minimise cost with impact >= best * (1 - REL_TOL), again with
  tangents added until the cheapest plan really reaches that impact.
Rows are the shared formulation's (formulation.build: rules, locks, links, whole courses), each
money row divided by the gcd of its coefficients (exact for whole variables). Every plan is
re-checked against every row with integer arithmetic. HiGHS (highspy) solves every MILP, each
with the time left before the caller's deadline.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Dict, List, Mapping, Optional, Tuple

import highspy
import numpy as np

from .formulation import INF, build
from .model import Plan

#: Relative distance between the proven bound and the plan's impact at which a plan is optimal.
REL_TOL = 1e-6
#: Where phi gets a tangent before the first solve (u = -log(share of risk left)).
PHI_GRID = (0.0, 0.01, 0.03, 0.06, 0.1, 0.15, 0.2, 0.3, 0.45, 0.6, 0.8, 1.0, 1.3, 1.7, 2.2, 3.0,
            4.0, 6.0)
#: -log(1 - e x / N) is infinite when a full effect reaches everyone; it is capped here
#: (exp(-40) of the group's risk is below any figure reported).
W_CAP = 40.0
MAX_ROUNDS = 60


def _w(effect: float, people: float, population: float) -> float:
    share = effect * people / population
    if share >= 1.0:
        return W_CAP
    return min(W_CAP, -math.log1p(-share))


@dataclass
class Best:
    """One proven search. status: optimal | feasible | infeasible | timeout | error."""

    status: str
    units: Optional[Tuple[int, ...]] = None
    impact: Optional[float] = None       # the plan's impact at the model's effects
    bound: Optional[float] = None        # proven upper bound of any plan's impact
    cost: Optional[int] = None
    phase_stopped: int = 0               # 1: best impact unproven; 2: least cost unproven
    detail: str = ""
    seconds: float = 0.0
    solves: int = 0

    @property
    def gap(self) -> Optional[float]:
        if self.impact is None or self.bound is None:
            return None
        if self.bound <= 0:
            return 0.0
        return max(0.0, (self.bound - self.impact) / self.bound)


class Model:
    """The MILP of one version-2 plan at one set of effects ({id: e}; default: central).

    Keeps one highspy model; `best()` solves it; bounds (locks, budget) and extra rows may be
    changed between calls, and tangents learnt in one call stay (they hold for every plan)."""

    def __init__(self, plan: Plan, effects: Optional[Mapping[str, float]] = None):
        self.plan = plan
        fm = self.fm = build(plan)
        props = plan.proposals
        groups = plan.groups
        if effects is None:
            effects = {p.id: p.effect["central"] for p in props if p.effect is not None}
        self.effects = dict(effects)
        self.lin: Dict[int, float] = {}
        members: Dict[str, List[int]] = {}
        for k, p in enumerate(props):
            if p.effect is not None and p.target_group in groups:
                group = groups[p.target_group]
                if (self.effects.get(p.id, 0) > 0 and fm.cap[k] > 0
                        and group["population"] > 0 and group["baseline_risk"] > 0):
                    members.setdefault(p.target_group, []).append(k)
            elif p.impact_per_unit:
                self.lin[k] = float(p.impact_per_unit)
        self.multi: Dict[str, List[int]] = {}
        for g, ks in members.items():
            if len(ks) == 1:
                k = ks[0]
                p = props[k]
                self.lin[k] = groups[g]["baseline_risk"] * self.effects[p.id] / p.units_per_course
            else:
                self.multi[g] = ks
        self._build()

    # ---- building ----------------------------------------------------------------------------
    def _build(self):
        fm, plan = self.fm, self.plan
        h = self.h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("mip_rel_gap", 1e-9)
        h.setOptionValue("mip_abs_gap", 0.0)
        ncol = len(fm.col_name)
        h.addVars(ncol, np.array([_b(v) for v in fm.col_lb]), np.array([_b(v) for v in fm.col_ub]))
        ints = [c for c in range(ncol) if fm.col_int[c]]
        self.row_of: Dict[int, Tuple[int, int]] = {}     # fm row -> (highs row, divisor)
        nrow = 0
        lower, upper, starts, index, value = [], [], [], [], []
        for i, coefs in enumerate(fm.row_coefs):
            lb, ub = fm.row_lb[i], fm.row_ub[i]
            if lb == -INF and ub == INF:
                continue               # a free helper row of the shared formulation
            coefs = {c: v for c, v in coefs.items() if c != fm.discount}   # discount is 0 here
            div = 0
            for v in coefs.values():
                div = math.gcd(div, int(v))
            div = div or 1
            self.row_of[i] = (nrow, div)
            lower.append(-INF if lb == -INF else math.ceil(lb / div) if div > 1 else lb)
            upper.append(INF if ub == INF else math.floor(ub / div) if div > 1 else ub)
            starts.append(len(index))
            for c in sorted(coefs):
                index.append(c)
                value.append(coefs[c] / div)
            nrow += 1
        if nrow:
            h.addRows(nrow, np.array(lower, dtype=float), np.array(upper, dtype=float), len(index),
                      np.array(starts, dtype=np.int32), np.array(index, dtype=np.int32),
                      np.array(value, dtype=float))
        self.nrow = nrow
        # steps and tangents of the groups with several combined proposals
        self.z: Dict[int, List[int]] = {}
        self.d: Dict[int, List[float]] = {}
        self.t: Dict[str, int] = {}
        self.tangents: Dict[str, List[float]] = {}
        col = ncol
        for g, ks in self.multi.items():
            group = plan.groups[g]
            population = float(group["population"])
            for k in ks:
                p = plan.proposals[k]
                step = p.step
                count = fm.cap[k] // step
                per = step / p.units_per_course
                e = self.effects[p.id]
                w = [_w(e, j * per, population) for j in range(count + 1)]
                self.d[k] = [w[j] - w[j - 1] for j in range(1, count + 1)]
                h.addVars(count, np.zeros(count), np.ones(count))
                self.z[k] = list(range(col, col + count))
                ints.extend(self.z[k])
                col += count
                # units_k = step * sum z
                self._add_row({fm.u(k): 1.0, **{c: -float(step) for c in self.z[k]}}, 0.0, 0.0)
                for a, b in zip(self.z[k], self.z[k][1:]):
                    self._add_row({a: 1.0, b: -1.0}, 0.0, INF)
            h.addVar(0.0, 1.0)
            self.t[g] = col
            col += 1
            self.tangents[g] = []
            for v in PHI_GRID:
                self._add_tangent(g, v)
        self.ncol = col
        if ints:
            h.changeColsIntegrality(len(ints), np.array(ints, dtype=np.int32),
                                    np.array([highspy.HighsVarType.kInteger] * len(ints)))
        # helper rows: impact floor and cost cap, free until a phase switches them on
        self.impact_coefs = self._impact_coefs()
        self.floor_row = self._add_row(self.impact_coefs, -INF, INF)
        self.cost_coefs, self.cost_div = self._cost_coefs()
        self.cost_row = self._add_row(self.cost_coefs, -INF, INF)

    def _add_row(self, coefs: Mapping[int, float], lb: float, ub: float) -> int:
        idx = sorted(c for c, v in coefs.items() if v)
        self.h.addRow(_b(lb), _b(ub), len(idx), np.array(idx, dtype=np.int32),
                      np.array([float(coefs[c]) for c in idx]))
        self.nrow += 1
        return self.nrow - 1

    def _add_tangent(self, g: str, v: float) -> None:
        """t_g <= phi(v) + phi'(v) (u_g - v), phi(u) = 1 - exp(-u)."""
        slope = math.exp(-v)
        coefs = {self.t[g]: 1.0}
        for k in self.multi[g]:
            for c, d in zip(self.z[k], self.d[k]):
                coefs[c] = -slope * d
        self._add_row(coefs, -INF, 1.0 - slope - slope * v)
        self.tangents[g].append(v)

    def _impact_coefs(self) -> Dict[int, float]:
        coefs = {self.fm.u(k): v for k, v in self.lin.items()}
        for g, col in self.t.items():
            group = self.plan.groups[g]
            coefs[col] = float(group["population"]) * float(group["baseline_risk"])
        return coefs

    def _cost_coefs(self):
        coefs = {c: v for c, v in self.fm.cost_objective().items() if v}
        div = 0
        for v in coefs.values():
            div = math.gcd(div, int(v))
        div = div or 1
        return {c: v / div for c, v in coefs.items()}, div

    # ---- values ------------------------------------------------------------------------------
    def group_u(self, g: str, units) -> float:
        """u_g of a plan (exact at whole steps)."""
        total = 0.0
        for k in self.multi[g]:
            count = units[k] // self.plan.proposals[k].step
            total += sum(self.d[k][:count])
        return total

    def value(self, units) -> float:
        """The plan's impact at this model's effects (the formula, not the MILP)."""
        total = sum(v * units[k] for k, v in self.lin.items())
        props = self.plan.proposals
        for g, ks in self.multi.items():
            group = self.plan.groups[g]
            population = float(group["population"])
            left = 1.0
            for k in ks:
                p = props[k]
                people = min(units[k] / p.units_per_course, population)
                left *= 1.0 - min(1.0, self.effects[p.id] * people / population)
            total += population * float(group["baseline_risk"]) * (1.0 - left)
        return total

    def units_of(self, values) -> Tuple[int, ...]:
        return self.fm.round_units(values)

    def holds(self, units) -> bool:
        return not self.fm.violated_rows(self.fm.units_to_x(units))

    # ---- changes between solves --------------------------------------------------------------
    def set_col(self, col: int, lb: float, ub: float) -> None:
        self.h.changeColBounds(col, _b(lb), _b(ub))

    def force(self, k: int, funded: Optional[bool]) -> None:
        """Proposal k forced out (False), in (True) or back to its own bounds (None)."""
        fm = self.fm
        if funded is False:
            self.set_col(fm.y(k), 0, 0)
            self.set_col(fm.u(k), 0, 0)
        elif funded is True:
            self.set_col(fm.y(k), 1, 1)
            self.set_col(fm.u(k), fm.col_lb[fm.u(k)], fm.col_ub[fm.u(k)])
        else:
            self.set_col(fm.y(k), fm.col_lb[fm.y(k)], fm.col_ub[fm.y(k)])
            self.set_col(fm.u(k), fm.col_lb[fm.u(k)], fm.col_ub[fm.u(k)])

    def set_budget(self, budget: int) -> None:
        """Move the budget row and every share rule with it (exactly, like formulation)."""
        fm = self.fm
        fm.set_budget(budget)
        for i in fm.budget_rows:
            row, div = self.row_of[i]
            lb, ub = fm.row_lb[i], fm.row_ub[i]
            lb = -INF if lb == -INF else math.ceil(lb / div)
            ub = INF if ub == INF else math.floor(ub / div)
            self.h.changeRowBounds(row, _b(lb), _b(ub))

    def add_rule_row(self, coefs: Mapping[int, float], lb: float, ub: float) -> int:
        return self._add_row(coefs, lb, ub)

    # ---- solving -----------------------------------------------------------------------------
    def _run(self, deadline: Optional[float], maximise: bool):
        h = self.h
        left = INF if deadline is None else deadline - time.perf_counter()
        if left <= 0:
            return "timeout", None, None
        h.setOptionValue("time_limit", float(max(0.01, left)))
        h.changeObjectiveSense(highspy.ObjSense.kMaximize if maximise else highspy.ObjSense.kMinimize)
        h.run()
        status = h.getModelStatus()
        info = h.getInfo()
        has = info.primal_solution_status == 2
        S = highspy.HighsModelStatus
        if status == S.kOptimal:
            result = "optimal" if has else "infeasible"
        elif status in (S.kInfeasible, S.kUnboundedOrInfeasible):
            result = "infeasible"
        elif status in (S.kTimeLimit, S.kInterrupt, S.kIterationLimit, S.kSolutionLimit):
            result = "feasible" if has else "timeout"
        else:
            return "error", None, h.modelStatusToString(status)
        if result in ("optimal", "feasible"):
            bound = info.mip_dual_bound if maximise else None
            if result == "optimal" and maximise:
                bound = max(info.objective_function_value, info.mip_dual_bound)
            return result, (list(h.getSolution().col_value), bound), None
        return result, None, None

    def _objective(self, coefs: Mapping[int, float]) -> None:
        costs = np.zeros(self.ncol)
        for c, v in coefs.items():
            costs[c] = v
        self.h.changeColsCost(self.ncol, np.arange(self.ncol, dtype=np.int32), costs)

    def _learn(self, units) -> bool:
        """Add the tangent at each group's u of `units`; False when all were there already."""
        added = False
        for g in self.multi:
            v = self.group_u(g, units)
            if all(abs(v - old) > 1e-12 for old in self.tangents[g]):
                self._add_tangent(g, v)
                added = True
        return added

    def best(self, deadline: Optional[float] = None, least_cost: bool = True) -> Best:
        """The best plan (impact, then least cost among plans within REL_TOL of it)."""
        started = time.perf_counter()
        h = self.h
        h.changeRowBounds(self.floor_row, -INF, INF)
        h.changeRowBounds(self.cost_row, -INF, INF)
        self._objective(self.impact_coefs)
        best = Best("timeout")
        bound = INF
        solves = 0
        for _ in range(MAX_ROUNDS):
            status, out, detail = self._run(deadline, True)
            solves += 1
            if status in ("infeasible", "error", "timeout"):
                if best.units is None:
                    return Best(status, detail=detail or "", seconds=time.perf_counter() - started,
                                solves=solves)
                best.status, best.phase_stopped = "feasible", 1
                if status != "timeout":
                    best.detail = detail or status
                break
            values, milp_bound = out
            units = self.units_of(values)
            if not self.holds(units):
                return Best("error", detail="numerics", seconds=time.perf_counter() - started,
                            solves=solves)
            impact = self.value(units)
            if milp_bound is not None:
                bound = min(bound, milp_bound)
            if best.units is None or impact > best.impact:
                best = Best("optimal", units, impact, cost=self.fm.total_cost(units))
            best.bound = max(bound, best.impact)
            if status == "feasible":
                best.status, best.phase_stopped = "feasible", 1
                break
            if best.bound - best.impact <= REL_TOL * best.bound + 1e-12:
                break
            if not self._learn(units):
                break
        else:
            best.status, best.phase_stopped = "feasible", 1
        if best.gap is not None and best.gap > REL_TOL and best.status == "optimal":
            best.status, best.phase_stopped = "feasible", 1
        if best.status == "optimal" and least_cost:
            solves += self._least_cost(best, deadline)
        best.solves = solves
        best.seconds = time.perf_counter() - started
        h.changeRowBounds(self.floor_row, -INF, INF)
        return best

    def _least_cost(self, best: Best, deadline) -> int:
        h = self.h
        floor = best.impact * (1 - REL_TOL) - 1e-12
        h.changeRowBounds(self.floor_row, floor, INF)
        self._objective(self.cost_coefs)
        h.setOptionValue("mip_rel_gap", 0.0)     # whole Rupiah: the cheapest exactly
        solves = 0
        for _ in range(MAX_ROUNDS):
            status, out, detail = self._run(deadline, False)
            solves += 1
            if status != "optimal":
                best.phase_stopped = 2
                if status not in ("timeout", "feasible"):
                    best.detail = detail or status      # not the time limit: say so
                break
            units = self.units_of(out[0])
            if not self.holds(units):
                best.phase_stopped, best.detail = 2, "numerics"
                break
            impact = self.value(units)
            if impact >= floor:
                cost = self.fm.total_cost(units)
                if cost < best.cost or (cost == best.cost and impact >= best.impact):
                    best.units, best.cost, best.impact = units, cost, impact
                break
            if not self._learn(units):
                best.phase_stopped, best.detail = 2, "numerics"
                break
        else:
            best.phase_stopped = 2
        h.setOptionValue("mip_rel_gap", 1e-9)
        return solves


def _b(v: float) -> float:
    return highspy.kHighsInf if v == INF else (-highspy.kHighsInf if v == -INF else float(v))
