"""Solver backends for a `Formulation`: PuLP (CBC or HiGHS, by name) and HiGHS in process.

Both expose the same small interface (`Engine`): change bounds, coefficients and the objective,
then `solve()` to get an `Outcome`. `PulpEngine` rebuilds a named PuLP problem for every solve,
which is what the main solve uses (every constraint carries its formulation row name).
`HighsEngine` keeps one highspy model alive and only pushes changes, which is what makes the
hundreds of re-solves behind explanations and sensitivity cheap (measured in docs/optimizer.md).

Statuses are mapped from both the problem status and the solution status: a solve stopped by its
time limit with a solution in hand is "feasible", never "optimal"; without one it is "timeout".
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence

import pulp

from .formulation import INF, Formulation

try:  # highspy is optional: without it the fast engine falls back to PuLP + CBC.
    import highspy
    import numpy as _np
except ImportError:  # pragma: no cover - exercised only where highspy is missing
    highspy = None
    _np = None

SOLVERS = ("cbc", "highs")


def available_solvers() -> List[str]:
    """Solver names usable with `solve(..., solver=name)` on this machine."""
    names = []
    if pulp.PULP_CBC_CMD(msg=False).available():
        names.append("cbc")
    if highspy is not None:
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
              hint: Optional[Sequence[float]] = None) -> Outcome:
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
            cols.append(pulp.LpVariable(
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

    def solve(self, time_limit=None, hint=None) -> Outcome:
        prob, cols = self.to_pulp()
        self.last_problem = prob
        options = dict(msg=False, gapRel=0, gapAbs=0)
        if time_limit is not None:
            options["timeLimit"] = max(0.01, float(time_limit))
        if hint is not None:
            for var, value in zip(cols, hint):
                var.setInitialValue(value)
        if self.solver == "cbc":
            solver = pulp.PULP_CBC_CMD(warmStart=hint is not None, **options)
        else:
            if highspy is None:
                return Outcome("error", detail="highspy is not installed")
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
        if highspy is None:  # pragma: no cover
            raise RuntimeError("highspy is not installed")
        h = self.h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("mip_rel_gap", 0.0)
        h.setOptionValue("mip_abs_gap", 0.0)
        # Measured on bench plans: the feasibility-jump heuristic costs ~3/4 of each re-solve
        # here (warm starts and the root LP find good plans anyway); turning it off is ~4x faster.
        h.setOptionValue("mip_heuristic_run_feasibility_jump", False)
        inf = highspy.kHighsInf
        ncol = len(fm.col_name)

        def bound(v):
            return inf if v == INF else (-inf if v == -INF else float(v))

        h.addCols(ncol, _np.zeros(ncol), _np.array([bound(v) for v in fm.col_lb]),
                  _np.array([bound(v) for v in fm.col_ub]), 0,
                  _np.array([], dtype=_np.int32), _np.array([], dtype=_np.int32),
                  _np.array([], dtype=float))
        starts, index, value = [], [], []
        for coefs in fm.row_coefs:
            starts.append(len(index))
            for c in sorted(coefs):
                index.append(c)
                value.append(float(coefs[c]))
        nrow = len(fm.row_name)
        h.addRows(nrow, _np.array([bound(v) for v in fm.row_lb]),
                  _np.array([bound(v) for v in fm.row_ub]), len(index),
                  _np.array(starts, dtype=_np.int32), _np.array(index, dtype=_np.int32),
                  _np.array(value, dtype=float))
        ints = [c for c in range(ncol) if fm.col_int[c]]
        if ints:
            h.changeColsIntegrality(len(ints), _np.array(ints, dtype=_np.int32),
                                    _np.array([highspy.HighsVarType.kInteger] * len(ints)))
        self._bound = bound
        self._cost_cols: Dict[int, float] = {}

    def set_col_bounds(self, col, lb, ub):
        super().set_col_bounds(col, lb, ub)
        self.h.changeColBounds(col, self._bound(lb), self._bound(ub))

    def set_row_bounds(self, row, lb, ub):
        super().set_row_bounds(row, lb, ub)
        self.h.changeRowBounds(row, self._bound(lb), self._bound(ub))

    def set_coef(self, row, col, value):
        super().set_coef(row, col, value)
        self.h.changeCoeff(row, col, float(value))

    def set_objective(self, coefs, sense):
        super().set_objective(coefs, sense)
        for c in self._cost_cols:
            if c not in coefs:
                self.h.changeColCost(c, 0.0)
        for c, v in coefs.items():
            self.h.changeColCost(c, float(v))
        self._cost_cols = dict(coefs)
        self.h.changeObjectiveSense(highspy.ObjSense.kMaximize if sense == "max"
                                    else highspy.ObjSense.kMinimize)

    def solve(self, time_limit=None, hint=None) -> Outcome:
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
        status = h.getModelStatus()
        has_solution = h.getInfo().primal_solution_status == 2
        S = highspy.HighsModelStatus
        if status == S.kOptimal:
            result = "optimal"
        elif status in (S.kInfeasible, S.kUnboundedOrInfeasible):
            result = "infeasible"
        elif status in (S.kTimeLimit, S.kInterrupt, S.kIterationLimit, S.kSolutionLimit):
            result = "feasible" if has_solution else "timeout"
        else:
            return Outcome("error", seconds=seconds, detail=h.modelStatusToString(status))
        if result in ("optimal", "feasible"):
            values = list(h.getSolution().col_value)
            return Outcome(result, values, h.getInfo().objective_function_value, seconds)
        return Outcome(result, seconds=seconds)


def fast_engine(fm: Formulation) -> Engine:
    """The engine for many re-solves: HiGHS in process when installed, else PuLP + CBC."""
    if highspy is not None:
        return HighsEngine(fm)
    return PulpEngine(fm, "cbc")  # pragma: no cover
