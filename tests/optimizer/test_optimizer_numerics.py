"""Plans whose impacts come from the catalogue are long floats (0.004331210191082803). Read
exactly they scale to ~1e11 per unit, past what MILP solvers can tell apart; on the solver's
grid every engine must give the same, exact answers, and reported impacts use the given values."""
import json
import os
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.optimizer import explain, formulation, load_plan, solve
from planner.optimizer.formulation import build
from planner.optimizer.model import exact
from planner.optimizer.budget_sweep import sensitivity

from opt_reference import brute, violations
from opt_strategies import plans

DATA = os.path.join(os.path.dirname(__file__), "data")


def demo(name):
    with open(os.path.join(DATA, f"demo-{name}.json")) as f:
        return load_plan(json.load(f))


def tiny_plan(impacts):
    return load_plan({"budget": 1000, "rules": {}, "proposals": [
        {"id": f"p{k}", "name": f"P{k}", "unit_cost": 10, "max_units": 5,
         "impact_per_unit": impact, "category": "spesifik"}
        for k, impact in enumerate(impacts)]})


def test_short_decimal_impacts_are_read_exactly():
    fm = build(tiny_plan([0.002, 0.0008]))
    assert not fm.impact_approx
    assert fm.impact_int == [5, 2]


def test_long_float_impacts_are_rounded_onto_a_grid_solvers_can_compare():
    fm = build(demo("jabon-2026"))
    assert fm.impact_approx
    assert max(fm.impact_int) == formulation._MAX_IMPACT_COEF
    assert all(i > 0 for i in fm.impact_int)


def test_a_tiny_positive_impact_next_to_a_large_one_stays_positive():
    fm = build(tiny_plan([1.5, 1e-12, 0]))
    assert fm.impact_approx
    assert fm.impact_int == [formulation._MAX_IMPACT_COEF, 1, 0]


@pytest.mark.parametrize("name", ["dukuhklopo-2026", "kepuhkembeng-2027"])
def test_cbc_certifies_the_highs_optimum_on_demo_village_plans(name):
    """The demo villages' catalogue impacts are long floats: CBC and HiGHS agree on the best
    impact and its least cost there."""
    plan = demo(name)
    highs, cbc = solve(plan), solve(plan, solver="cbc")
    assert highs.status == cbc.status == "optimal"
    assert (highs.total_impact, highs.total_cost) == (cbc.total_impact, cbc.total_cost)


def test_explanation_and_sweep_impacts_are_the_given_ones_not_the_grid():
    plan = demo("jabon-2026")
    result = solve(plan)
    assert result.status == "optimal"
    for e in explain(plan, result):
        if e.loss is not None:
            assert e.impact_without + e.loss == result.total_impact
    here = [pt for pt in sensitivity(plan).points if pt.budget == plan.budget]
    assert here[0].total_impact == result.total_impact
    assert isinstance(here[0].total_impact, Fraction)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans(max_n=5), st.lists(st.floats(1e-6, 2.0), min_size=5, max_size=5))
def test_with_long_impacts_the_plan_is_within_the_grid_of_the_exact_optimum(data, impacts):
    """Impacts with any number of digits: the plan is feasible, and its impact at the given
    values is at most twice the grid's rounding below the brute-force optimum (it is optimal
    for the rounded impacts: each plan's impact moves by at most the rounding)."""
    for p, impact in zip(data["proposals"], impacts):
        p["impact_per_unit"] = impact
    plan = load_plan(data)
    fm = build(plan)
    result = solve(plan)
    best = brute(data)
    if best is None:
        assert result.status == "infeasible"
        return
    assert result.status == "optimal"
    assert not violations(data, result.units())
    rounding = sum(abs(exact(p.impact_per_unit) - Fraction(a) / fm.impact_scale) * p.max_units
                   for p, a in zip(plan.proposals, fm.impact_int))
    assert result.total_impact >= best[0] - 2 * rounding
    if not fm.impact_approx:
        assert result.total_impact == best[0]
