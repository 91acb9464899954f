"""Property tests: the optimizer against an independent checker and a brute force."""
import pytest
from hypothesis import HealthCheck, given, settings

from planner.optimizer import find_conflicts, load_plan, solve

from opt_reference import (brute, feasible_with, impact_of, min_drop_size, min_iis_size,
                           unit_ranges_ok, violations)
from opt_strategies import plans

FAST = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])
CBC = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check_against_brute(data, result):
    best = brute(data)
    if best is None:
        assert result.status == "infeasible"
        return
    assert result.status == "optimal", result.message
    units = result.units()
    assert unit_ranges_ok(data, units)
    assert not violations(data, units), violations(data, units)
    impact, cost, winners = best
    assert result.total_impact == impact == impact_of(data, units)
    assert result.total_cost == cost
    assert units in winners
    for alloc, p, u in zip(result.allocations, data["proposals"], units):
        assert alloc.id == p["id"]
        assert alloc.cost == (p["fixed_cost"] + p["unit_cost"] * u if u else 0)


@FAST
@given(plans())
def test_highs_equals_brute_force(data):
    check_against_brute(data, solve(load_plan(data)))


@CBC
@given(plans(max_n=4))
def test_cbc_equals_brute_force(data):
    check_against_brute(data, solve(load_plan(data), "cbc"))


@CBC
@given(plans(max_n=4))
def test_cbc_and_highs_agree(data):
    plan = load_plan(data)
    a, b = solve(plan, "cbc"), solve(plan, "highs")
    assert a.status == b.status
    assert (a.total_impact, a.total_cost) == (b.total_impact, b.total_cost)


@FAST
@given(plans())
def test_same_input_same_answer(data):
    plan = load_plan(data)
    first = solve(plan)
    again = solve(load_plan(data))
    assert first.status == again.status
    assert first.allocations == again.allocations


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans())
def test_conflicts_are_a_smallest_irreducible_set(data):
    if brute(data) is not None:
        return
    plan = load_plan(data)
    report = find_conflicts(plan)
    groups = [c.group for c in report.conflicts]
    assert groups, "an infeasible plan must name its conflicts"
    # together they cannot hold ...
    assert not feasible_with(data, groups)
    # ... and each one is necessary
    for g in groups:
        assert feasible_with(data, [h for h in groups if h != g]), g
    all_groups = set().union(*[set(v) for v in _all_violation_groups(data)])
    if report.minimum:
        assert len(groups) == min_iis_size(data, all_groups)
    # fewest_to_drop: dropping it makes the plan feasible, each item needed, and it is smallest
    drop = {c.group for c in report.fewest_to_drop}
    keep = all_groups - drop
    assert feasible_with(data, keep)
    for g in drop:
        assert not feasible_with(data, keep | {g}), g
    assert len(drop) == min_drop_size(data)
    # texts exist in both languages
    assert report.summary.text("id") and report.summary.text("en")


def _all_violation_groups(data):
    from opt_reference import all_points
    return [violations(data, units) for units in all_points(data)]


@settings(max_examples=40, deadline=None)
@given(plans(max_n=4))
def test_solve_reports_infeasible_with_conflicts(data):
    result = solve(load_plan(data), "highs")
    if brute(data) is None:
        assert result.status == "infeasible"
        assert result.conflicts
        assert result.message.text("en") and result.message.text("id")
    else:
        assert result.status == "optimal"
        assert not result.conflicts
