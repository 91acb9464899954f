"""Solver backends for a `Formulation`: PuLP (CBC or HiGHS, by name) and HiGHS in process.

Both expose the same small interface (`Engine`): change bounds, coefficients and the objective,
then `solve()` to get an `Outcome`. `PulpEngine` rebuilds a named PuLP problem for every solve
(every constraint carries its formulation row name): the CBC path of solve.py. `HighsEngine`
keeps one highspy model alive and only pushes changes: conflicts.py's re-solves. (The optimum
itself and every analysis built on it run on exact.Model.)

Statuses are mapped from both the problem status and the solution status: a solve stopped by its
time limit with a solution in hand is "feasible", never "optimal"; without one it is "timeout".
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

import highspy
import numpy as np
import pulp
from pulp.apis.coin_api import pulp_cbc_path

from .formulation import INF, Formulation

SOLVERS = ("cbc", "highs")


def _cbc(**options):
    """The CBC binary PuLP bundles, through COIN_CMD (PULP_CBC_CMD is deprecated in PuLP 3)."""
    return pulp.COIN_CMD(path=pulp.COIN_CMD.executableExtension(pulp_cbc_path), **options)


def available_solvers() -> List[str]:
    """Solver names usable with `solve(..., solver=name)` on this machine (highspy is a
    dependency; the CBC binary comes with PuLP but may be missing on some platforms)."""
    names = []
    if _cbc(msg=False).available():
        names.append("cbc")
    names.append("highs")
    return names


@dataclass
class Outcome:
    """One solver run. status: optimal | feasible | infeasible | timeout | error."""

    status: str
    values: Optional[List[float]] = None
    objective: Optional[float] = None
    seconds: float = 0.0
    detail: str = ""


class Engine:
    """Shared bookkeeping: the formulation is the source of truth for bounds and coefficients."""

    name = "engine"

    def __init__(self, fm: Formulation):
        self.fm = fm
        self.objective: Dict[int, float] = {}
        self.sense = "max"

    def set_col_bounds(self, col: int, lb: float, ub: float) -> None:
        self.fm.col_lb[col], self.fm.col_ub[col] = lb, ub

    def set_cols_bounds(self, bounds: Dict[int, Tuple[float, float]]) -> None:
        """Several columns' bounds at once: {column: (lb, ub)}."""
        for col, (lb, ub) in bounds.items():
            self.set_col_bounds(col, lb, ub)

    def set_row_bounds(self, row: int, lb: float, ub: float) -> None:
        self.fm.row_lb[row], self.fm.row_ub[row] = lb, ub

    def set_coef(self, row: int, col: int, value: float) -> None:
        if value:
            self.fm.row_coefs[row][col] = value
        else:
            self.fm.row_coefs[row].pop(col, None)

    def set_objective(self, coefs: Dict[int, float], sense: str) -> None:
        self.objective, self.sense = dict(coefs), sense

    def sync_budget(self) -> None:
        """Push budget-dependent row bounds after `fm.set_budget`."""
        for row in self.fm.budget_rows:
            self.set_row_bounds(row, self.fm.row_lb[row], self.fm.row_ub[row])

    def solve(self, time_limit: Optional[float] = None,
              hint: Optional[Sequence[float]] = None, hint_best: bool = False) -> Outcome:
        """Solve the current model. `hint`: a plan to start from; `hint_best`: the hint is
        probably the optimum (the previous lexicographic phase's plan usually is), so an engine
        may first ask only whether anything beats it."""
        raise NotImplementedError


class PulpEngine(Engine):
    """Builds a PuLP problem with named constraints for each solve. solver: "cbc" or "highs"."""

    def __init__(self, fm: Formulation, solver: str = "cbc"):
        super().__init__(fm)
        if solver not in SOLVERS:
            raise ValueError(f"unknown solver {solver!r}")
        self.solver = solver
        self.name = solver
        self.last_problem = None

    def to_pulp(self):
        fm = self.fm
        sense = pulp.LpMaximize if self.sense == "max" else pulp.LpMinimize
        prob = pulp.LpProblem("plan", sense)
        cols = []
        for name, lb, ub, integer in zip(fm.col_name, fm.col_lb, fm.col_ub, fm.col_int):
            cols.append(prob.add_variable(
                name, lowBound=None if lb == -INF else lb, upBound=None if ub == INF else ub,
                cat=pulp.LpInteger if integer else pulp.LpContinuous))
        prob += pulp.lpSum(coef * cols[c] for c, coef in self.objective.items()), "objective"
        for name, coefs, lb, ub in zip(fm.row_name, fm.row_coefs, fm.row_lb, fm.row_ub):
            if lb == -INF and ub == INF:
                continue  # switched-off row
            expr = pulp.lpSum(coef * cols[c] for c, coef in coefs.items())
            if lb == ub:
                prob += (expr == lb), name
            else:
                if lb > -INF:
                    prob += (expr >= lb), name + ("_ge" if ub < INF else "")
                if ub < INF:
                    prob += (expr <= ub), name + ("_le" if lb > -INF else "")
        return prob, cols

    def solve(self, time_limit=None, hint=None, hint_best=False) -> Outcome:
        prob, cols = self.to_pulp()
        self.last_problem = prob
        options = dict(msg=False, gapRel=0, gapAbs=0)
        if time_limit is not None:
            options["timeLimit"] = max(0.01, float(time_limit))
        if hint is not None:
            for var, value in zip(cols, hint):
                var.setInitialValue(value)
        if self.solver == "cbc":
            solver = _cbc(warmStart=hint is not None, **options)
        else:
            solver = pulp.HiGHS(**options)
        started = time.perf_counter()
        try:
            prob.solve(solver)
        except pulp.PulpSolverError as exc:
            return Outcome("error", seconds=time.perf_counter() - started, detail=str(exc))
        seconds = time.perf_counter() - started
        status = map_pulp_status(prob.status, prob.sol_status)
        if status in ("optimal", "feasible"):
            values = [v.varValue if v.varValue is not None else 0.0 for v in cols]
            return Outcome(status, values, pulp.value(prob.objective), seconds)
        return Outcome(status, seconds=seconds,
                       detail=f"{pulp.LpStatus.get(prob.status)}/{prob.sol_status}")


def map_pulp_status(status: int, sol_status: int) -> str:
    """PuLP problem status + solution status -> our status (see module docstring)."""
    if status == pulp.LpStatusOptimal:
        if sol_status == pulp.LpSolutionOptimal:
            return "optimal"
        if sol_status == pulp.LpSolutionIntegerFeasible:
            return "feasible"   # stopped (time limit) with an incumbent: not proven optimal
        return "error"
    if status == pulp.LpStatusInfeasible or sol_status == pulp.LpSolutionInfeasible:
        return "infeasible"
    if status == pulp.LpStatusNotSolved and sol_status == pulp.LpSolutionNoSolutionFound:
        return "timeout"
    return "error"


class HighsEngine(Engine):
    """One in-process highspy model kept in sync with the formulation."""

    name = "highs"

    def __init__(self, fm: Formulation):
        super().__init__(fm)
        self.h = _highs_model(fm)
        self._cost_cols: Dict[int, float] = {}

    def set_col_bounds(self, col, lb, ub):
        super().set_col_bounds(col, lb, ub)
        self.h.changeColBounds(col, _bound(lb), _bound(ub))

    def set_row_bounds(self, row, lb, ub):
        super().set_row_bounds(row, lb, ub)
        self.h.changeRowBounds(row, _bound(lb), _bound(ub))

    def set_coef(self, row, col, value):
        super().set_coef(row, col, value)
        self.h.changeCoeff(row, col, float(value))

    def set_objective(self, coefs, sense):
        super().set_objective(coefs, sense)
        cols = sorted(set(self._cost_cols) | set(coefs))
        if cols:
            self.h.changeColsCost(len(cols), np.array(cols, dtype=np.int32),
                                  np.array([float(coefs.get(c, 0.0)) for c in cols]))
        self.h.changeObjectiveSense(highspy.ObjSense.kMaximize if sense == "max"
                                    else highspy.ObjSense.kMinimize)
        self._cost_cols = dict(coefs)

    def solve(self, time_limit=None, hint=None, hint_best=False) -> Outcome:
        return self._run(time_limit, hint)

    def _run(self, time_limit=None, hint=None) -> Outcome:
        h = self.h
        h.setOptionValue("time_limit", float(time_limit) if time_limit is not None else INF)
        if hint is not None:
            sol = highspy.HighsSolution()
            sol.col_value = [float(v) for v in hint]
            sol.value_valid = True
            h.setSolution(sol)
        started = time.perf_counter()
        h.run()
        seconds = time.perf_counter() - started
        result = highs_result(h)
        if result == "error":
            return Outcome("error", seconds=seconds, detail=h.modelStatusToString(h.getModelStatus()))
        if result in ("optimal", "feasible"):
            values = list(h.getSolution().col_value)
            return Outcome(result, values, h.getInfo().objective_function_value, seconds)
        return Outcome(result, seconds=seconds)


def highs_result(h) -> str:
    """What a finished `h.run()` found, in the optimizer's words: "optimal", "feasible" (stopped
    with a plan), "infeasible", "timeout" (stopped without one) or "error" (any other status)."""
    status = h.getModelStatus()
    has_solution = h.getInfo().primal_solution_status == 2
    S = highspy.HighsModelStatus
    if status == S.kOptimal:
        # under a cutoff (objective_bound) no plan reaches it: then it may hold none
        return "optimal" if has_solution else "infeasible"
    if status in (S.kInfeasible, S.kUnboundedOrInfeasible):
        return "infeasible"
    if status in (S.kTimeLimit, S.kInterrupt, S.kIterationLimit, S.kSolutionLimit):
        return "feasible" if has_solution else "timeout"
    return "error"


def _bound(v):
    # highspy.kHighsInf is math.inf, so INF passes through as is; kept explicit for clarity.
    return highspy.kHighsInf if v == INF else (-highspy.kHighsInf if v == -INF else float(v))


def _highs_model(fm: Formulation):
    """A highspy model of the formulation's current bounds and rows (objective all zero)."""
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 0.0)
    # Measured on bench plans: the feasibility-jump heuristic costs ~3/4 of each re-solve
    # here (warm starts and the root LP find good plans anyway); turning it off is ~4x faster.
    h.setOptionValue("mip_heuristic_run_feasibility_jump", False)
    ncol = len(fm.col_name)
    h.addCols(ncol, np.zeros(ncol), np.array([_bound(v) for v in fm.col_lb]),
              np.array([_bound(v) for v in fm.col_ub]), 0,
              np.array([], dtype=np.int32), np.array([], dtype=np.int32),
              np.array([], dtype=float))
    starts, index, value = [], [], []
    for coefs in fm.row_coefs:
        starts.append(len(index))
        for c in sorted(coefs):
            index.append(c)
            value.append(float(coefs[c]))
    nrow = len(fm.row_name)
    h.addRows(nrow, np.array([_bound(v) for v in fm.row_lb]),
              np.array([_bound(v) for v in fm.row_ub]), len(index),
              np.array(starts, dtype=np.int32), np.array(index, dtype=np.int32),
              np.array(value, dtype=float))
    ints = [c for c in range(ncol) if fm.col_int[c]]
    if ints:
        h.changeColsIntegrality(len(ints), np.array(ints, dtype=np.int32),
                                np.array([highspy.HighsVarType.kInteger] * len(ints)))
    return h


def fast_engine(fm: Formulation) -> Engine:
    """The engine for many re-solves of one formulation: HiGHS in process."""
    return HighsEngine(fm)
