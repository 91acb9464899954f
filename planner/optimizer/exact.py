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

A plan whose proposals are all additive (every version-1 plan file, and a version-2 file with
only the village's own estimates) is a plain linear MILP: the model is then *integral*: its
objective is the formulation's integer impacts (formulation.impact_int, exact unless the given
impacts carry more digits than a solver can compare), solved with no gap, and least cost is
sought among plans of exactly the best impact; `value()` is the exact Fraction.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Dict, List, Mapping, Optional, Tuple

import highspy
import numpy as np

from .backends import highs_result
from .formulation import INF, build
from .model import Plan

#: Relative distance between the proven bound and the plan's impact at which a plan is optimal.
REL_TOL = 1e-6
#: The relative tolerance of the re-solves behind explanations, the budget sweep, budget rises,
#: alternatives and robustness: their figures are read to 0.1 case, 1e-4 of a village's cases
#: is far below that, and proving 1e-6 costs several times the branch-and-bound nodes.
ANALYSIS_TOL = 1e-3
#: Where phi gets a tangent before the first solve (u = -log(share of risk left)).
PHI_GRID = (0.0, 0.01, 0.03, 0.06, 0.1, 0.15, 0.2, 0.3, 0.45, 0.6, 0.8, 1.0, 1.3, 1.7, 2.2, 3.0,
            4.0, 6.0)
#: -log(1 - e x / N) is infinite when a full effect reaches everyone; it is capped here
#: (exp(-40) of the group's risk is below any figure reported).
W_CAP = 40.0
MAX_ROUNDS = 60
#: Segments each member's course count starts with (more are added where plans land): fewer
#: rounds of outer approximation against a larger first MILP (bench/optimize.py --v2).
SEGMENTS = 1


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

    `best()` solves it. Locks (`force`), the budget (`set_budget`) and extra rows
    (`add_rule_row`) may change between calls; breakpoints and tangents learnt in one call stay
    (they are valid for every plan), so later re-solves start closer."""

    def __init__(self, plan: Plan, effects: Optional[Mapping[str, float]] = None,
                 start: Optional["Model"] = None):
        """`start`: a model of the same plan (at other effects) whose breakpoints and tangents
        this one begins with: they hold at any effects, and re-solves then need fewer rounds."""
        self.plan = plan
        fm = self.fm = build(plan)
        props = plan.proposals
        groups = plan.groups
        if effects is None:
            effects = {p.id: p.effect["central"] for p in props if p.effect is not None}
        self.effects = dict(effects)
        #: additive proposals only: integer impacts, no gap (see the module docstring)
        self.integral = not any(p.effect is not None and p.target_group in groups for p in props)
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
        # W_k(c): -log(1 - e x / N) at c whole steps, times N_g b_g (in cases)
        self.W: Dict[int, List[float]] = {}
        self.breaks: Dict[int, List[int]] = {}
        self.scale: Dict[str, float] = {}
        for g, ks in self.multi.items():
            group = groups[g]
            population = float(group["population"])
            self.scale[g] = population * float(group["baseline_risk"])
            for k in ks:
                p = props[k]
                count = fm.cap[k] // p.step
                per = p.step / p.units_per_course
                e = self.effects[p.id]
                self.W[k] = [self.scale[g] * _w(e, j * per, population) for j in range(count + 1)]
                self.breaks[k] = sorted({count * j // SEGMENTS for j in range(SEGMENTS + 1)})
        self.tangents: Dict[str, List[float]] = {g: list(PHI_GRID) for g in self.multi}
        if start is not None:
            for k in self.breaks:
                self.breaks[k] = sorted(set(self.breaks[k]) | set(start.breaks.get(k, ())))
            for g in self.tangents:
                self.tangents[g] = sorted(set(self.tangents[g]) | set(start.tangents.get(g, ())))
        self.forced: Dict[int, Optional[bool]] = {}
        self.phase, self.floor, self.rel_tol, self.weight = "impact", None, REL_TOL, 0.0
        self.extra_rows: List[tuple] = []
        self.budget = plan.budget
        self._build()

    # ---- building ----------------------------------------------------------------------------
    def _build(self):
        """A fresh highspy model from the formulation, the breakpoints, tangents and changes."""
        fm, plan = self.fm, self.plan
        h = self.h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("mip_rel_gap", 1e-9)
        h.setOptionValue("mip_abs_gap", 0.0)
        h.setOptionValue("mip_feasibility_tolerance", 1e-9)   # w and t are exact to 1e-9 cases
        h.setOptionValue("mip_heuristic_run_feasibility_jump", False)
        ncol = len(fm.col_name)
        h.addVars(ncol, np.array([_b(v) for v in fm.col_lb]), np.array([_b(v) for v in fm.col_ub]))
        ints = [c for c in range(ncol) if fm.col_int[c]]
        self.row_of: Dict[int, Tuple[int, int]] = {}     # fm row -> (highs row, divisor)
        self.nrow = 0
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
            self.row_of[i] = (self.nrow, div)
            lower.append(-INF if lb == -INF else math.ceil(lb / div) if div > 1 else lb)
            upper.append(INF if ub == INF else math.floor(ub / div) if div > 1 else ub)
            starts.append(len(index))
            for c in sorted(coefs):
                index.append(c)
                value.append(coefs[c] / div)
            self.nrow += 1
        if self.nrow:
            h.addRows(self.nrow, np.array(lower, dtype=float), np.array(upper, dtype=float),
                      len(index), np.array(starts, dtype=np.int32),
                      np.array(index, dtype=np.int32), np.array(value, dtype=float))
        self.ncol = ncol
        # Each member of a group with several: c_k = sum of segment fills delta_s (segments
        # between breakpoints, filled in order: binary o_s says segment s is full and s+1 may
        # start), w_k = sum slope_s delta_s: exact at breakpoints, above W_k between them.
        self.w: Dict[int, int] = {}
        self.t: Dict[str, int] = {}
        for g, ks in self.multi.items():
            for k in ks:
                p = plan.proposals[k]
                points = self.breaks[k]
                W = self.W[k]
                segs = list(zip(points, points[1:]))
                deltas = [self._col(0.0, float(b - a)) for a, b in segs]
                gates = [self._col(0.0, 1.0) for _ in segs[1:]]
                ints.extend(gates)
                self.w[k] = self._col(0.0, INF)
                self._add_row({fm.u(k): 1.0, **{d: -float(p.step) for d in deltas}}, 0.0, 0.0)
                row = {self.w[k]: 1.0}
                for d, (a, b) in zip(deltas, segs):
                    row[d] = -(W[b] - W[a]) / (b - a)
                self._add_row(row, 0.0, 0.0)
                for s, o in enumerate(gates):
                    a, b = segs[s]
                    self._add_row({deltas[s]: 1.0, o: -float(b - a)}, 0.0, INF)
                    a2, b2 = segs[s + 1]
                    self._add_row({deltas[s + 1]: 1.0, o: -float(b2 - a2)}, -INF, 0.0)
            self.t[g] = self._col(0.0, self.scale[g])     # t_g in cases
            for v in self.tangents[g]:
                self._tangent_row(g, v)
        if ints:
            h.changeColsIntegrality(len(ints), np.array(ints, dtype=np.int32),
                                    np.array([highspy.HighsVarType.kInteger] * len(ints)))
        self.impact_coefs = self._impact_coefs()
        self.floor_row = self._add_row(self.impact_coefs, -INF, INF)
        self.cost_coefs, self.cost_div = self._cost_coefs()
        self.cost_row = self._add_row(self.cost_coefs, -INF, INF)
        for coefs, lb, ub, kind in self.extra_rows:
            self._add_row(self.impact_coefs if kind == "impact" else coefs, lb, ub)
        if self.budget != plan.budget:
            self._push_budget()
        for k, funded in self.forced.items():
            self._push_force(k, funded)
        self._apply_phase()

    def _col(self, lb: float, ub: float) -> int:
        self.h.addVar(_b(lb), _b(ub))
        self.ncol += 1
        return self.ncol - 1

    def _add_row(self, coefs: Mapping[int, float], lb: float, ub: float) -> int:
        idx = sorted(c for c, v in coefs.items() if v)
        self.h.addRow(_b(lb), _b(ub), len(idx), np.array(idx, dtype=np.int32),
                      np.array([float(coefs[c]) for c in idx]))
        self.nrow += 1
        return self.nrow - 1

    def _tangent_row(self, g: str, v: float) -> None:
        """t_g <= N b (phi(v) + phi'(v) (u_g - v)), phi(u) = 1 - exp(-u), with t_g and w_k in
        cases (so the solver's absolute tolerances are in cases too)."""
        slope = math.exp(-v)
        coefs = {self.t[g]: 1.0}
        for k in self.multi[g]:
            coefs[self.w[k]] = -slope
        self._add_row(coefs, -INF, self.scale[g] * (1.0 - slope - slope * v))

    def _impact_coefs(self) -> Dict[int, float]:
        if self.integral:
            return {self.fm.u(k): float(v) for k, v in enumerate(self.fm.impact_int) if v}
        coefs = {self.fm.u(k): v for k, v in self.lin.items()}
        for col in self.t.values():
            coefs[col] = 1.0
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
        return sum(self.W[k][units[k] // self.plan.proposals[k].step]
                   for k in self.multi[g]) / self.scale[g]

    def value(self, units) -> float:
        """The plan's impact at this model's effects (the formula, not the MILP); exact (a
        Fraction) when the model is integral."""
        if self.integral:
            return self.fm.true_impact(units)
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

    def objective(self, units) -> float:
        """The plan's impact in the MILP's own units: the integer scaled impact when integral."""
        return self.fm.scaled_impact(units) if self.integral else self.value(units)

    def units_of(self, values) -> Tuple[int, ...]:
        return self.fm.round_units(values)

    def holds(self, units) -> bool:
        return not self.fm.violated_rows(self.fm.units_to_x(units))

    # ---- changes between solves --------------------------------------------------------------
    def force(self, k: int, funded: Optional[bool]) -> None:
        """Proposal k forced out (False), in (True) or back to its own bounds (None)."""
        if funded is None:
            self.forced.pop(k, None)
        else:
            self.forced[k] = funded
        self._push_force(k, funded)

    def _push_force(self, k, funded):
        fm, h = self.fm, self.h
        y, u = fm.y(k), fm.u(k)
        if funded is False:
            h.changeColBounds(y, 0.0, 0.0)
            h.changeColBounds(u, 0.0, 0.0)
        else:
            h.changeColBounds(y, 1.0 if funded else _b(fm.col_lb[y]), _b(fm.col_ub[y]))
            h.changeColBounds(u, _b(fm.col_lb[u]), _b(fm.col_ub[u]))

    def set_budget(self, budget: int) -> None:
        """Move the budget row and every share rule with it (exactly, like formulation)."""
        self.budget = budget
        self._push_budget()

    def _push_budget(self):
        fm = self.fm
        fm.set_budget(self.budget)
        for i in fm.budget_rows:
            row, div = self.row_of[i]
            lb, ub = fm.row_lb[i], fm.row_ub[i]
            lb = -INF if lb == -INF else math.ceil(lb / div)
            ub = INF if ub == INF else math.floor(ub / div)
            self.h.changeRowBounds(row, _b(lb), _b(ub))

    def add_rule_row(self, coefs: Mapping[int, float], lb: float, ub: float,
                     kind: str = "plain") -> None:
        """A row kept for every later solve; kind "impact": `coefs` ignored, the impact."""
        self.extra_rows.append((dict(coefs), lb, ub, kind))
        self._add_row(self.impact_coefs if kind == "impact" else coefs, lb, ub)

    # ---- solving -----------------------------------------------------------------------------
    def _run(self, deadline: Optional[float], maximise: bool):
        h = self.h
        left = INF if deadline is None else deadline - time.perf_counter()
        if left <= 0:
            return "timeout", None, None
        h.setOptionValue("time_limit", float(max(0.01, left)))
        h.run()
        result = highs_result(h)
        if result == "error":
            return "error", None, h.modelStatusToString(h.getModelStatus())
        info = h.getInfo()
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
        """Make the MILP exact at `units`: a breakpoint at each member's steps and the tangent
        at each group's u. False when it was exact there already."""
        rebuild = added = False
        for g, ks in self.multi.items():
            for k in ks:
                c = units[k] // self.plan.proposals[k].step
                if c not in self.breaks[k]:
                    self.breaks[k] = sorted(self.breaks[k] + [c])
                    rebuild = True
            v = self.group_u(g, units)
            if all(abs(v - old) > 1e-12 for old in self.tangents[g]):
                self.tangents[g].append(v)
                added = True
                if not rebuild:
                    self._tangent_row(g, v)
        if rebuild:
            self._rebuild()
        return rebuild or added

    def _rebuild(self):
        """Rebuild with the current breakpoints; the phase (objective, floor) is re-applied."""
        self._build()

    def _apply_phase(self):
        """Phase "impact": maximise impact; "cost": minimise cost with impact >= floor."""
        h = self.h
        if self.phase == "cost":
            h.changeRowBounds(self.floor_row, float(self.floor), highspy.kHighsInf)
            self._objective(self.cost_coefs)
            h.changeObjectiveSense(highspy.ObjSense.kMinimize)
            # the main solve: whole Rupiah, the cheapest exactly; analyses: within 1e-6 of it
            h.setOptionValue("mip_rel_gap", 0.0 if self.rel_tol <= REL_TOL or self.integral
                             else 1e-6)
        else:
            h.changeRowBounds(self.floor_row, -highspy.kHighsInf, highspy.kHighsInf)
            coefs = dict(self.impact_coefs)
            if self.weight:
                for c, v in self.cost_coefs.items():
                    coefs[c] = coefs.get(c, 0.0) - self.weight * self.cost_div * v
            self._objective(coefs)
            h.changeObjectiveSense(highspy.ObjSense.kMaximize)
            h.setOptionValue("mip_rel_gap", 0.0 if self.integral else self.rel_tol / 2)

    def best(self, deadline: Optional[float] = None, least_cost: bool = True,
             rel_tol: float = REL_TOL, cost_weight: float = 0.0) -> Best:
        """The best plan (impact, then least cost among plans within rel_tol of it). The
        analyses built on it ask for ANALYSIS_TOL: their figures are shown to 0.1 case.
        `cost_weight` (cases per Rupiah, instead of the least-cost phase): maximise
        impact - cost_weight * cost in one search; with cost_weight * budget far below rel_tol
        of the impact it is the best impact to within that, cheap plans preferred among
        near-equals (least cost not proven). An integral model ignores `rel_tol` and
        `cost_weight`: its best impact is exact and least cost always sought."""
        if self.integral:
            return self._best_integral(deadline, least_cost or bool(cost_weight))
        started = time.perf_counter()
        self.rel_tol = rel_tol
        self.weight = cost_weight
        weigh = self.fm.total_cost
        self.phase = "impact"
        self._apply_phase()
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
            self.last = (units, values)
            if not self.holds(units):
                return Best("error", detail="numerics", seconds=time.perf_counter() - started,
                            solves=solves)
            impact = self.value(units)
            score = impact - cost_weight * weigh(units)
            if milp_bound is not None:
                bound = min(bound, milp_bound)
            if best.units is None or score > best.impact - cost_weight * best.cost:
                best = Best("optimal", units, impact, cost=self.fm.total_cost(units))
            best.bound = max(bound, best.impact - cost_weight * best.cost)
            if status == "feasible":
                best.status, best.phase_stopped = "feasible", 1
                break
            if best.bound - (best.impact - cost_weight * best.cost) <= rel_tol * best.bound + 1e-12:
                break
            if not self._learn(units):
                break
        else:
            best.status, best.phase_stopped = "feasible", 1
        if cost_weight and best.bound is not None:
            # an upper bound on impact itself: score bound + the most the weight can take off
            best.bound += cost_weight * self.budget
        if best.gap is not None and best.gap > rel_tol and best.status == "optimal":
            best.status, best.phase_stopped = "feasible", 1
        if best.status == "optimal" and least_cost:
            solves += self._least_cost(best, deadline)
        best.solves = solves
        best.seconds = time.perf_counter() - started
        self.phase, self.weight = "impact", 0.0
        self._apply_phase()
        return best

    def _best_integral(self, deadline, least_cost: bool) -> Best:
        """Lexicographic on the integer impacts: the best impact with no gap, then the least
        cost among plans of exactly that impact (one MILP each)."""
        started = time.perf_counter()
        self.rel_tol, self.weight, self.phase = 0.0, 0.0, "impact"
        self._apply_phase()
        status, out, detail = self._run(deadline, True)
        if status not in ("optimal", "feasible"):
            return Best(status, detail=detail or "", seconds=time.perf_counter() - started,
                        solves=1)
        values, bound = out
        units = self.units_of(values)
        if not self.holds(units):
            return Best("error", detail="numerics", seconds=time.perf_counter() - started,
                        solves=1)
        best = Best(status, units, self.value(units), cost=self.fm.total_cost(units), solves=1)
        scale = self.fm.impact_scale
        best.bound = best.impact if status == "optimal" else (
            None if bound is None else float(bound / scale))
        if status == "feasible":
            best.phase_stopped = 1
        elif least_cost:
            best.solves += self._least_cost_integral(best, deadline, values)
        best.seconds = time.perf_counter() - started
        return best

    def _least_cost_integral(self, best: Best, deadline, values) -> int:
        target = self.fm.scaled_impact(best.units)
        self.phase, self.floor = "cost", target
        self._apply_phase()
        start = highspy.HighsSolution()
        start.col_value = list(values)
        start.value_valid = True
        self.h.setSolution(start)
        try:
            status, out, detail = self._run(deadline, False)
        finally:
            self.phase = "impact"
            self._apply_phase()
        if status in ("optimal", "feasible"):
            self._keep_if_as_good(best, self.units_of(out[0]), target)
        if status != "optimal":
            best.phase_stopped = 2
            if status not in ("timeout", "feasible"):
                best.detail = detail or status      # not the time limit: say so
            return 1
        return 1 + self._tiebreak_integral(best, target, deadline)

    def _tiebreak_integral(self, best: Best, target: int, deadline) -> int:
        """Among plans of the best impact and least cost, lean to proposals earlier in the list
        (then more units): the same answer whichever way the solver went. A plan this phase
        could not finish keeps the one it started from (still best and cheapest)."""
        h = self.h
        h.changeRowBounds(self.floor_row, float(target), highspy.kHighsInf)
        h.changeRowBounds(self.cost_row, -highspy.kHighsInf, float(best.cost // self.cost_div))
        self._objective({c: float(v) for c, v in self.fm.tiebreak_objective().items()})
        h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        h.setOptionValue("mip_rel_gap", 0.0)
        try:
            status, out, _detail = self._run(deadline, False)
        finally:
            h.changeRowBounds(self.cost_row, -highspy.kHighsInf, highspy.kHighsInf)
            self.phase = "impact"
            self._apply_phase()
        if status in ("optimal", "feasible"):
            self._keep_if_as_good(best, self.units_of(out[0]), target)
        return 1

    def _keep_if_as_good(self, best: Best, units, target: int) -> None:
        """Take a later phase's plan only if it holds every row exactly, keeps the best impact and
        costs no more (a solver tolerance must not let the impact slip below the optimum)."""
        if (self.holds(units) and self.fm.scaled_impact(units) >= target
                and self.fm.total_cost(units) <= best.cost):
            best.units, best.cost, best.impact = units, self.fm.total_cost(units), self.value(units)

    def _least_cost(self, best: Best, deadline) -> int:
        # among plans as good as the one found (to REL_TOL, also when the search itself was
        # proven to a looser rel_tol: a looser floor lets cheaper plans in that the MILP
        # overrates, and each costs another round)
        floor = best.impact * (1 - REL_TOL) - 1e-12
        self.phase, self.floor = "cost", floor
        self._apply_phase()
        last = getattr(self, "last", None)
        if last is not None and last[0] == best.units and len(last[1]) == self.ncol:
            # the best plan is a feasible start: its cost bounds the search from the first node
            start = highspy.HighsSolution()
            start.col_value = list(last[1])
            start.value_valid = True
            self.h.setSolution(start)
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
        return solves


def _b(v: float) -> float:
    return highspy.kHighsInf if v == INF else (-highspy.kHighsInf if v == -INF else float(v))
