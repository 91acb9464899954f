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
from typing import Dict, List, Optional, Sequence, Tuple

import pulp

from .core import Sparse, hint_value, lagrangian
from .formulation import INF, Formulation

try:  # highspy is optional: without it the fast engine falls back to PuLP + CBC.
    import highspy
    import numpy as _np
except ImportError:  # pragma: no cover - exercised only where highspy is missing
    highspy = None
    _np = None

SOLVERS = ("cbc", "highs")


def _cbc(**options):
    """The CBC binary PuLP bundles, through COIN_CMD (PULP_CBC_CMD is deprecated in PuLP 3)."""
    from pulp.apis.coin_api import pulp_cbc_path
    return pulp.COIN_CMD(path=pulp.COIN_CMD.executableExtension(pulp_cbc_path), **options)


def available_solvers() -> List[str]:
    """Solver names usable with `solve(..., solver=name)` on this machine."""
    names = []
    if _cbc(msg=False).available():
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

    def reaching(self, value: float) -> Dict[int, Tuple[float, float]]:
        """Column bounds that every plan whose objective (max-normalised: minus the objective
        when minimising) reaches `value` keeps, as far as the last solve learnt them with the
        bounds and rows it had; {} when it learnt none. Still true after rows are added or
        bounds tightened, so a later lexicographic phase may solve within them."""
        return {}


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


#: How much the core loop widens the gap after a round finds no plan at its target: measured
#: in HiGHS instructions on the bench plans (docs/optimizer.md, Performance).
RETRY = 16          # rounds without a cutoff (an objective that is not integral)
RETRY_CUTOFF = 4    # rounds with one: a failure is cheap, so smaller steps and smaller cores


class HighsEngine(Engine):
    """One in-process highspy model kept in sync with the formulation.

    With `core=True` it also keeps the LP relaxation as a second model and solves each MILP on
    the core left by Lagrangian reduced-cost tightening (see core.py): a fraction of the time.
    """

    name = "highs"

    def __init__(self, fm: Formulation, core: bool = True):
        super().__init__(fm)
        if highspy is None:  # pragma: no cover
            raise RuntimeError("highspy is not installed")
        self.h = _highs_model(fm, integral=True)
        self.lp = _highs_model(fm, integral=False) if core else None
        self.matrix = Sparse(fm) if core else None
        self._cost_cols: Dict[int, float] = {}
        self.stats = {"solves": 0, "rounds": 0, "full": 0, "proved_by_bound": 0}
        self._last_gap: Dict[tuple, float] = {}
        self._lag = None    # the last core solve's Lagrangian (for `reaching`)

    def _models(self):
        return (self.h, self.lp) if self.lp is not None else (self.h,)

    def set_col_bounds(self, col, lb, ub):
        super().set_col_bounds(col, lb, ub)
        for h in self._models():
            h.changeColBounds(col, _bound(lb), _bound(ub))

    def set_cols_bounds(self, bounds):
        if not bounds:
            return
        for col, (lb, ub) in bounds.items():
            self.fm.col_lb[col], self.fm.col_ub[col] = lb, ub
        arrays = _cols_arrays(bounds)
        for h in self._models():
            h.changeColsBounds(*arrays)

    def set_row_bounds(self, row, lb, ub):
        super().set_row_bounds(row, lb, ub)
        for h in self._models():
            h.changeRowBounds(row, _bound(lb), _bound(ub))

    def set_coef(self, row, col, value):
        super().set_coef(row, col, value)
        if self.matrix is not None:
            self.matrix.set(row, col, value)
        for h in self._models():
            h.changeCoeff(row, col, float(value))

    def set_objective(self, coefs, sense):
        super().set_objective(coefs, sense)
        cols = sorted(set(self._cost_cols) | set(coefs))
        index = _np.array(cols, dtype=_np.int32)
        costs = _np.array([float(coefs.get(c, 0.0)) for c in cols])
        for h in self._models():
            if cols:
                h.changeColsCost(len(cols), index, costs)
            h.changeObjectiveSense(highspy.ObjSense.kMaximize if sense == "max"
                                   else highspy.ObjSense.kMinimize)
        self._cost_cols = dict(coefs)

    def solve(self, time_limit=None, hint=None, hint_best=False) -> Outcome:
        self.stats["solves"] += 1
        self._lag = None
        if self.lp is None:
            return self._run(time_limit, hint)
        return self._solve_core(time_limit, hint, hint_best)

    def _solve_core(self, time_limit, hint, hint_best=False) -> Outcome:
        """Solve on shrinking cores until one proves the optimum (see core.py)."""
        started = time.perf_counter()
        deadline = None if time_limit is None else started + time_limit
        fm, lp = self.fm, self.lp
        lp.setOptionValue("time_limit", INF if time_limit is None else float(time_limit))
        lp.run()
        if lp.getModelStatus() == highspy.HighsModelStatus.kInfeasible:
            # no fractional plan, so no plan at all
            return Outcome("infeasible", seconds=time.perf_counter() - started)
        if lp.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return self._full(deadline, hint, started)
        lag = lagrangian(fm, self.objective, self.sense, lp.getSolution().row_dual,
                         self.matrix)
        if lag is None:
            return self._full(deadline, hint, started)
        self._lag = lag
        known = hint_value(fm, self.objective, self.sense, hint)
        hint_x = hint if known is not None else None
        scale = 1 + abs(lag.bound)
        if known is not None and lag.target(0) <= known:
            # The hint already meets the bound: it is optimal, no MILP needed.
            self.stats["proved_by_bound"] += 1
            return self._proven(hint_x, started)
        # Start from the gap the last solve of this objective on this model needed: re-solves
        # of one plan have similar gaps between the LP bound and the integer optimum. (Per
        # objective, not per number of terms: impact and tie-break have as many terms, but gaps
        # of quite different sizes.)
        kind = (self.sense, hash(tuple(sorted(self.objective.items()))))
        rounds = self.stats["rounds"]
        gap = max(1e-6 * scale, self._last_gap.get(kind, 0.0) * 1.25)
        beat = lag.integral and known is not None and hint_best
        while True:
            target = lag.target(gap)
            if beat:
                # The first round asks only whether any plan beats the hint, on the core of
                # that question; a miss proves the hint optimal.
                target, beat = known + 1, False
            elif known is not None and target <= known:
                target = known   # a known plan reaches it, so this round cannot fail
            bounds = lag.tightened(fm, target)
            if (bounds is not None and not bounds) or self.stats["rounds"] - rounds > 12:
                return self._full(deadline, hint_x, started)   # nothing (much) left to shrink
            if bounds is not None:
                self.stats["rounds"] += 1
                # An integral objective's round only asks "is there a plan >= target?", so
                # HiGHS gets the target as a cutoff: a round that fails then stops once its
                # bound falls below the target instead of proving the best plan under it.
                # (A known plan below the target lies outside the core: no hint then.)
                cutoff = target if lag.integral else None
                start = hint_x if cutoff is None or (known is not None and target <= known) \
                    else None
                out = self._run_within(bounds, deadline, start, cutoff)
                value = None
                if out.objective is not None:
                    value = out.objective if self.sense == "max" else -out.objective
                    # An integral objective's value is a whole number: no slack in the test
                    # below, or a plan just under the target could pass for the optimum.
                    value = round(value) if lag.integral else value
                if out.status == "optimal" and value >= target - 1e-9 * (1 + abs(target)):
                    self._last_gap[kind] = max(0.0, lag.bound - value)
                    return _took(out, started)
                if out.status in ("feasible", "timeout", "error"):
                    return _took(self._best_of(out, value, known, hint_x), started)
                if value is not None and (known is None or value > known):
                    # Below the target but a real plan: the next round aims at least this high.
                    known, hint_x = value, out.values
            if lag.integral and known is not None and target <= known + 1:
                # No plan reaches the target (the core holds every plan that would), and
                # with whole-number values the best known one is just below it: optimal.
                self._last_gap[kind] = max(0.0, lag.bound - known)
                return self._proven(hint_x, started)
            if deadline is not None and time.perf_counter() >= deadline:
                return _took(self._best_of(Outcome("timeout"), None, known, hint_x), started)
            # A failed round under a cutoff is cheap, so the target comes down in small steps
            # (a smaller core next time); without one a failure costs a whole solve.
            gap = max(gap * (RETRY_CUTOFF if lag.integral else RETRY), 1e-6 * scale)

    def reaching(self, value):
        if self._lag is None:
            return {}
        return self._lag.tightened(self.fm, value) or {}

    def _best_of(self, out: Outcome, value, known, plan) -> Outcome:
        """What a solve stopped by the time limit returns: the last round's plan, or the best
        plan known before it (the caller's hint or an earlier round's) when that is better -
        under a cutoff HiGHS may hold only a plan far below the target."""
        if out.status == "error" or known is None or (value is not None and value >= known):
            return out
        return Outcome("feasible", list(plan), self._objective_at(plan))

    def _proven(self, x, started) -> Outcome:
        """A known plan proved optimal without a (further) MILP."""
        return Outcome("optimal", list(x), self._objective_at(x), time.perf_counter() - started)

    def _objective_at(self, x) -> float:
        return float(sum(v * x[c] for c, v in self.objective.items()))

    def _full(self, deadline, hint, started) -> Outcome:
        self.stats["full"] += 1
        left = None if deadline is None else max(0.01, deadline - time.perf_counter())
        return _took(self._run(left, hint), started)

    def _run_within(self, bounds, deadline, hint=None, cutoff=None) -> Outcome:
        """The MILP with some column bounds tightened for this run only. `cutoff`: only plans
        whose (max-normalised, integral) objective reaches it count; when none does, HiGHS
        says "optimal" with whatever plan it holds (possibly none), below the cutoff."""
        h, fm = self.h, self.fm
        if cutoff is not None:
            # HiGHS reads objective_bound on the minimisation it solves internally (the
            # objective negated for a maximisation): plans with -value < -(cutoff - 1/2).
            h.setOptionValue("objective_bound", -(cutoff - 0.5))
        count, index, lower, upper = _cols_arrays(bounds)
        h.changeColsBounds(count, index, lower, upper)
        try:
            left = None if deadline is None else max(0.01, deadline - time.perf_counter())
            return self._run(left, hint)
        finally:
            if cutoff is not None:
                h.setOptionValue("objective_bound", INF)
            h.changeColsBounds(count, index, *_current_bounds(fm, bounds))

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
        status = h.getModelStatus()
        has_solution = h.getInfo().primal_solution_status == 2
        S = highspy.HighsModelStatus
        if status == S.kOptimal:
            # under a cutoff (objective_bound) no plan reaches it: then it may hold none
            result = "optimal" if has_solution else "infeasible"
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


def _took(out: Outcome, started: float) -> Outcome:
    out.seconds = time.perf_counter() - started
    return out


def _cols_arrays(bounds):
    """{column: (lb, ub)} as the arguments of highspy's changeColsBounds: one call for all.
    (INF is highspy's infinity, so the bounds go in as they are; see _bound.)"""
    index = _np.fromiter(bounds, dtype=_np.int32, count=len(bounds))
    new = _np.array(list(bounds.values()), dtype=float).reshape(-1, 2)
    return len(index), index, new[:, 0].copy(), new[:, 1].copy()


def _current_bounds(fm: Formulation, columns):
    """The formulation's own bounds of `columns`, as changeColsBounds' lower and upper arrays."""
    count = len(columns)
    return (_np.fromiter((fm.col_lb[c] for c in columns), dtype=float, count=count),
            _np.fromiter((fm.col_ub[c] for c in columns), dtype=float, count=count))


def _bound(v):
    # highspy.kHighsInf is math.inf, so INF passes through as is; kept explicit for clarity.
    return highspy.kHighsInf if v == INF else (-highspy.kHighsInf if v == -INF else float(v))


def _highs_model(fm: Formulation, integral: bool):
    """A highspy model of the formulation's current bounds and rows (objective all zero)."""
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 0.0)
    # Measured on bench plans: the feasibility-jump heuristic costs ~3/4 of each re-solve
    # here (warm starts and the root LP find good plans anyway); turning it off is ~4x faster.
    h.setOptionValue("mip_heuristic_run_feasibility_jump", False)
    ncol = len(fm.col_name)
    h.addCols(ncol, _np.zeros(ncol), _np.array([_bound(v) for v in fm.col_lb]),
              _np.array([_bound(v) for v in fm.col_ub]), 0,
              _np.array([], dtype=_np.int32), _np.array([], dtype=_np.int32),
              _np.array([], dtype=float))
    starts, index, value = [], [], []
    for coefs in fm.row_coefs:
        starts.append(len(index))
        for c in sorted(coefs):
            index.append(c)
            value.append(float(coefs[c]))
    nrow = len(fm.row_name)
    h.addRows(nrow, _np.array([_bound(v) for v in fm.row_lb]),
              _np.array([_bound(v) for v in fm.row_ub]), len(index),
              _np.array(starts, dtype=_np.int32), _np.array(index, dtype=_np.int32),
              _np.array(value, dtype=float))
    ints = [c for c in range(ncol) if fm.col_int[c]]
    if integral and ints:
        h.changeColsIntegrality(len(ints), _np.array(ints, dtype=_np.int32),
                                _np.array([highspy.HighsVarType.kInteger] * len(ints)))
    return h


#: Whether fast engines solve on reduced cores (core.py). It was off for a while: on the demo
#: villages' plans HiGHS (core or whole) and CBC disagreed on tie-breaks and cost drops. The
#: cause was not the core but impacts read to ~1e11 per unit and a big-M row in the cost-drop
#: MILP (see formulation._MAX_IMPACT_COEF and explain.py); since those were fixed, core, whole
#: MILP and CBC agree on every demo plan (tests/optimizer/test_optimizer_numerics.py).
CORE = True


def fast_engine(fm: Formulation) -> Engine:
    """The engine for many re-solves: HiGHS in process when installed, else PuLP + CBC."""
    if highspy is not None:
        return HighsEngine(fm, core=CORE)
    return PulpEngine(fm, "cbc")  # pragma: no cover
