"""Status mapping: a time-limited solve with a plan is "feasible", never "optimal"."""
import pulp
import pytest

from planner.optimizer import load_plan
from planner.optimizer.backends import Engine, Outcome, map_pulp_status
from planner.optimizer.formulation import build
from planner.optimizer.solver import lexicographic, to_result


@pytest.mark.parametrize("status, sol_status, expected", [
    (pulp.LpStatusOptimal, pulp.LpSolutionOptimal, "optimal"),
    (pulp.LpStatusOptimal, pulp.LpSolutionIntegerFeasible, "feasible"),
    (pulp.LpStatusNotSolved, pulp.LpSolutionNoSolutionFound, "timeout"),
    (pulp.LpStatusInfeasible, pulp.LpSolutionInfeasible, "infeasible"),
    (pulp.LpStatusUnbounded, pulp.LpSolutionUnbounded, "error"),
    (pulp.LpStatusUndefined, pulp.LpSolutionNoSolutionFound, "error"),
])
def test_pulp_status_mapping(status, sol_status, expected):
    assert map_pulp_status(status, sol_status) == expected


PLAN = {"budget": 100, "proposals": [
    {"id": "a", "unit_cost": 10, "max_units": 5, "impact_per_unit": 0.5},
    {"id": "b", "unit_cost": 30, "max_units": 2, "impact_per_unit": 1}]}


class Scripted(Engine):
    """Answers each phase from a script of (status, units) pairs."""

    def __init__(self, fm, script):
        super().__init__(fm)
        self.script = list(script)

    def solve(self, time_limit=None, hint=None, hint_best=False):
        status, units = self.script.pop(0)
        if units is None:
            return Outcome(status)
        return Outcome(status, [float(v) for v in self.fm.units_to_x(units)])


@pytest.mark.parametrize("script, status, code", [
    ([("feasible", (2, 1))], "feasible", "status_feasible_time"),
    ([("optimal", (4, 2)), ("feasible", (4, 2))], "feasible", "status_feasible_cost"),
    ([("optimal", (4, 2)), ("optimal", (4, 2)), ("feasible", (4, 2))], "optimal",
     "status_optimal_tiebreak_unproven"),
    ([("optimal", (4, 2)), ("optimal", (4, 2)), ("optimal", (4, 2))], "optimal",
     "status_optimal"),
    ([("timeout", None)], "timeout", "status_timeout"),
    ([("error", None)], "error", "status_error"),
    # a later phase the solver wrongly calls infeasible is not "the time limit was reached"
    ([("optimal", (4, 2)), ("infeasible", None)], "feasible", "status_cost_unproven"),
    ([("optimal", (4, 2)), ("optimal", (4, 2)), ("infeasible", None)], "optimal",
     "status_tiebreak_stopped"),
])
def test_time_limited_phases(script, status, code):
    plan = load_plan(PLAN)
    fm = build(plan)
    lexi = lexicographic(Scripted(fm, script), time_limit=5)
    result = to_result(plan, fm, lexi, "scripted", 5)
    assert result.status == status
    assert result.message.code == code
    assert result.message.text("id") and result.message.text("en")
    if status in ("timeout", "error"):
        assert all(a.units == 0 for a in result.allocations)


def test_a_solver_rounding_error_is_caught():
    plan = load_plan(PLAN)
    fm = build(plan)
    # 5 units of a and 2 of b cost 110 > 100: the exact re-check must refuse it.
    lexi = lexicographic(Scripted(fm, [("optimal", (5, 2))] * 3), time_limit=5)
    result = to_result(plan, fm, lexi, "scripted", 5)
    assert result.status == "error" and result.message.code == "status_numerics"


def test_real_time_limit_is_never_reported_optimal():
    import sys, os
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "bench"))
    from optimize import random_plan
    from planner.optimizer import solve
    result = solve(load_plan(random_plan(2000, 7)), "highs", time_limit=0.05)
    assert result.status in ("feasible", "timeout")


def test_the_cbc_path_uses_pulps_current_api():
    """No deprecation warning from planner's PuLP code (PULP_CBC_CMD and LpVariable(...) built
    directly are gone in PuLP 4): the CBC path builds its model and solves it with warnings as
    errors."""
    import warnings
    from planner.optimizer import solve
    plan = load_plan({"budget": 100, "proposals": [
        {"id": "a", "unit_cost": 30, "max_units": 3, "impact_per_unit": 0.5},
        {"id": "b", "unit_cost": 20, "max_units": 2, "impact_per_unit": 0.25}]})
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        result = solve(plan, solver="cbc")
    assert result.status == "optimal" and result.units() == (3, 0)
