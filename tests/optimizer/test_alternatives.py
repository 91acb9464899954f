"""Near-optimal alternatives against a brute force: the best few other funded sets within the loss."""
import json
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.optimizer import available_solvers, load_plan, solve
from planner.optimizer.alternatives import alternative_to_dict, alternatives

from opt_reference import all_points, cost_of, impact_of, violations
from opt_strategies import plans

SOLVER = "highs" if "highs" in available_solvers() else "cbc"
CHECK = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def brute_alternatives(data, best_units, count, max_loss):
    """Per funded set its lexicographic best; drop the best's set; keep those within the loss."""
    best_set = frozenset(k for k, u in enumerate(best_units) if u)
    best_impact = impact_of(data, best_units)
    by_set = {}
    for units in all_points(data):
        if violations(data, units):
            continue
        funded = frozenset(k for k, u in enumerate(units) if u)
        key = (impact_of(data, units), -sum(cost_of(p, u) for p, u in zip(data["proposals"], units)))
        if funded not in by_set or key > by_set[funded]:
            by_set[funded] = key
    floor = (1 - Fraction(repr(max_loss))) * best_impact
    options = sorted(((impact, -negcost) for funded, (impact, negcost) in by_set.items()
                      if funded != best_set and impact >= floor), key=lambda x: (-x[0], x[1]))
    return options[:count]


@CHECK
@given(plans(max_n=4), st.sampled_from([0.0, 0.02, 0.1, 0.5, 1.0]), st.integers(1, 3))
def test_alternatives_equal_the_brute_force(data, max_loss, count):
    plan = load_plan(data)
    best = solve(plan, solver=SOLVER)
    found = alternatives(plan, best, count=count, max_loss=max_loss, solver=SOLVER)
    if best.status != "optimal":
        assert found == []
        return
    best_units = best.units()
    expected = brute_alternatives(data, best_units, count, max_loss)
    assert [(a.total_impact, a.total_cost) for a in found] == expected
    sets = [frozenset(k for k, u in enumerate(best_units) if u)]
    for a in found:
        units = tuple(x.units for x in a.allocations)
        assert not violations(data, units)
        funded = frozenset(k for k, u in enumerate(units) if u)
        assert funded not in sets
        sets.append(funded)
        assert 0 <= a.loss_share <= max_loss + 1e-12
        assert a.total_impact == impact_of(data, units)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans(max_n=4))
def test_the_same_plan_gives_the_same_alternatives(data):
    plan = load_plan(data)
    best = solve(plan, solver=SOLVER)
    first = [alternative_to_dict(a) for a in alternatives(plan, best, count=3, max_loss=0.5, solver=SOLVER)]
    again = [alternative_to_dict(a) for a in alternatives(plan, best, count=3, max_loss=0.5, solver=SOLVER)]
    assert first == again
    json.dumps(first)


def _proposal(pid, cost, impact, **extra):
    return {"id": pid, "name": pid, "unit_cost": cost, "fixed_cost": 0, "min_units": 1, "max_units": 1,
            "impact_per_unit": impact, "category": "spesifik", "package": "kia", "target_group": "balita",
            "location": "", "lock": None, "requires": [], "excludes": [], **extra}


def test_named_differences_and_loss_share():
    data = {"budget": 100, "rules": {}, "proposals": [
        _proposal("a", 60, 1.0), _proposal("b", 40, 0.5), _proposal("c", 40, 0.49), _proposal("d", 100, 1.48)]}
    plan = load_plan(data)
    best = solve(plan)
    assert {x.id for x in best.allocations if x.units} == {"a", "b"}
    found = alternatives(plan, best, count=3, max_loss=0.02)
    assert [(a.added, a.dropped) for a in found] == [(("c",), ("b",)), (("d",), ("a", "b"))]
    assert found[0].loss_share == pytest.approx(0.01 / 1.5)
    assert alternatives(plan, best, count=3, max_loss=0.0) == []


def test_locks_hold_in_every_alternative():
    data = {"budget": 100, "rules": {}, "proposals": [
        _proposal("a", 60, 1.0, lock="in"), _proposal("b", 40, 0.5), _proposal("c", 40, 0.49)]}
    plan = load_plan(data)
    found = alternatives(plan, solve(plan), count=5, max_loss=1.0)
    assert found and all(a.allocations[0].units == 1 for a in found)


def test_a_plan_with_one_possible_set_has_no_alternative():
    data = {"budget": 100, "rules": {}, "proposals": [_proposal("a", 60, 1.0, lock="in"),
                                                      _proposal("b", 60, 1.0, lock="out")]}
    plan = load_plan(data)
    assert alternatives(plan, solve(plan), count=3, max_loss=1.0) == []


def test_max_loss_outside_zero_to_one_is_refused():
    plan = load_plan({"budget": 10, "rules": {}, "proposals": [_proposal("a", 5, 1.0)]})
    with pytest.raises(ValueError):
        alternatives(plan, solve(plan), max_loss=1.5)
