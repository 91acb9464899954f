"""The combined-effect impact model on plan files (planner.optimizer.impact_model)."""
import math

from hypothesis import given
from hypothesis import strategies as st

from planner.impact import attributed_cases, combined_cases
from planner.optimizer.impact_model import evaluate, plausibility

EFFECT = {"low": 0.05, "central": 0.1, "high": 0.2}


def plan(**extra):
    data = {"budget": 100, "groups": {"baduta": {"population": 100, "baseline_risk": 0.2}},
            "proposals": [
                {"id": "pmt", "target_group": "baduta", "effect": EFFECT, "units_per_course": 56},
                {"id": "pmba", "target_group": "baduta", "effect": {"low": 0.01, "central": 0.05, "high": 0.1},
                 "units_per_course": 1},
                {"id": "own", "target_group": "baduta", "impact_per_unit": 0.5}]}
    data.update(extra)
    return data


def test_one_activity_alone_is_linear_in_people():
    result = evaluate(plan(), {"pmt": 56 * 50})
    assert math.isclose(result["central"], 100 * 0.2 * 0.1 * 0.5)
    assert math.isclose(result["low"], 100 * 0.2 * 0.05 * 0.5)
    assert math.isclose(result["high"], 100 * 0.2 * 0.2 * 0.5)


def test_effects_on_the_same_children_combine_not_add():
    both = evaluate(plan(), {"pmt": 56 * 100, "pmba": 100})["central"]
    assert math.isclose(both, 100 * 0.2 * (1 - 0.9 * 0.95))
    assert both < 100 * 0.2 * (0.1 + 0.05)


def test_no_more_people_than_the_group_has_less_those_already_reached():
    data = plan()
    capped = evaluate(data, {"pmt": 56 * 500})["central"]
    assert math.isclose(capped, 100 * 0.2 * 0.1)
    data["proposals"][0]["already_reached"] = 60
    assert math.isclose(evaluate(data, {"pmt": 56 * 100})["central"], 100 * 0.2 * 0.1 * 0.4)


def test_own_estimates_add_at_every_level():
    result = evaluate(plan(), {"own": 4})
    assert result["low"] == result["central"] == result["high"] == 2.0


def test_plausibility_names_the_activities_that_carry_the_excess():
    data = plan(stunted_children=20)
    check = plausibility(data, {"own": 6, "pmt": 56 * 10})
    assert check["exceeds"] and check["carriers"] == ["own"]
    assert not plausibility(data, {"pmt": 56 * 10})["exceeds"]
    assert plausibility(plan(), {"own": 100})["share"] is None


reaches = st.lists(st.tuples(st.floats(0, 1), st.floats(0, 300)), max_size=6)


@given(st.floats(1, 300), st.floats(0, 1), reaches)
def test_combined_cases_never_exceed_the_groups_cases_and_parts_add_up(population, risk, items):
    total = combined_cases(population, risk, items)
    assert -1e-9 <= total <= population * risk + 1e-9
    assert total <= sum(population * risk * e * min(x, population) / population for e, x in items) + 1e-9
    assert math.isclose(sum(attributed_cases(population, risk, items)), total, abs_tol=1e-9)
