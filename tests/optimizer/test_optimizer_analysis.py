"""Explanations, sensitivity and the spreadsheet method of version-1 plans, checked against
brute force (they run on the one path of every plan file: v2.py on exact.Model)."""
from fractions import Fraction

from hypothesis import HealthCheck, given, settings

from planner.optimizer import (compare, explain, load_plan, sensitivity, solve,
                               spreadsheet_method)

from opt_reference import brute, impact_of, violations
from opt_strategies import plans

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def check_explanations(data, plan=None, result=None):
    """Funded: the loss is the best impact lost without it, exactly. Unfunded (not locked
    out): the best impact with it forced in, exactly (a tie when it equals the optimum), or
    no plan can fund it and the rules that block it are named."""
    plan = plan or load_plan(data)
    result = result or solve(plan)
    if result.status != "optimal":
        return
    z_star = result.total_impact
    for k, e in enumerate(explain(plan, result)):
        p = data["proposals"][k]
        assert e.id == p["id"] and e.text("en") and e.text("id")
        assert e.cost_drop is None and not e.never      # no longer computed
        codes = [m.code for m in e.messages]
        if e.funded and not e.locked:
            without = brute(data, force={k: [0]})
            if without is None:
                assert e.loss is None and e.required_by
            else:
                assert e.loss == z_star - without[0]
                assert codes[0] == ("funded_loss" if e.loss else "funded_no_loss")
        if not e.funded and p.get("lock") not in ("out",):
            with_k = brute(data, force={k: list(range(max(1, p["min_units"]),
                                                      p["max_units"] + 1))})
            if with_k is None:
                assert e.blocked_by and "enter_blocked" in codes
            elif with_k[0] < z_star:
                (loss,) = [m for m in e.messages if m.code == "unfunded_loss"]
                assert Fraction(repr(loss.params["with_impact"])) == with_k[0] or \
                    abs(loss.params["with_impact"] - float(with_k[0])) < 1e-9
            else:
                assert "reason_tie" in codes


@SETTINGS
@given(plans(max_n=4))
def test_explanations_match_brute_force(data):
    check_explanations(data)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans(max_n=4, category_min=False))
def test_sensitivity_monotone_and_exact(data):
    if data["budget"] < 2:
        return
    plan = load_plan(data)
    sens = sensitivity(plan, points=5)
    assert sens.points[0].budget == (data["budget"] + 1) // 2   # half, rounded half up
    assert len(sens.points) == 5
    last = None
    for pt in sens.points:
        best = brute(data, budget=pt.budget)
        if best is None:
            assert pt.status == "infeasible"
            continue
        assert pt.status == "optimal"
        assert pt.total_impact == best[0] and pt.total_cost == best[1]
        # each level keeps its plan (the page values it with the impact model)
        assert pt.units in best[2] and impact_of(data, pt.units) == pt.total_impact
        if last is not None:
            assert pt.total_impact >= last
        last = pt.total_impact
    for p in data["proposals"]:
        flags = [p["id"] in pt.funded for pt in sens.points if pt.status == "optimal"]
        if flags:
            expected = "stable" if all(flags) else "never" if not any(flags) else "marginal"
            assert sens.stability[p["id"]] == expected


def test_sensitivity_levels_and_marginal():
    data = {"budget": 30_000_000, "proposals": [
        {"id": "a", "unit_cost": 1_000_000, "max_units": 100, "impact_per_unit": 0.01},
        {"id": "b", "unit_cost": 2_000_000, "max_units": 100, "impact_per_unit": 0.01}]}
    sens = sensitivity(load_plan(data))
    assert len(sens.points) == 21
    assert sens.points[0].budget == 15_000_000 and sens.points[-1].budget == 45_000_000
    assert sens.points[10].budget == 30_000_000
    # the next Rp 10 million buys 10 more units of "a" at 0.01 each
    assert sens.marginal_impact == Fraction(1, 10)
    assert sens.stability == {"a": "stable", "b": "never"}


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans(max_n=5))
def test_spreadsheet_never_beats_a_feasible_optimum_without_breaking_rules(data):
    plan = load_plan(data)
    sheet = spreadsheet_method(plan)
    units = sheet.units()
    assert {c.group for c in sheet.violations} == violations(data, units)
    assert sheet.total_impact == impact_of(data, units)
    best = brute(data)
    if not sheet.violations:
        assert sheet.status == "feasible"
        assert best is not None and sheet.total_impact <= best[0]
    cmp = compare(plan, solver="highs")
    if best is not None and sheet.total_impact:
        assert cmp.ratio == best[0] / sheet.total_impact


def test_spreadsheet_method_example():
    data = {"budget": 100, "proposals": [
        {"id": "low", "unit_cost": 10, "max_units": 5, "impact_per_unit": 0.1},     # 0.01/Rp
        {"id": "high", "unit_cost": 20, "max_units": 3, "impact_per_unit": 0.5},    # 0.025/Rp
        {"id": "big", "unit_cost": 30, "fixed_cost": 10, "min_units": 2, "max_units": 4,
         "impact_per_unit": 0.6},                                                   # 0.0185/Rp
        {"id": "out", "unit_cost": 1, "max_units": 1, "impact_per_unit": 1, "lock": "out"}]}
    sheet = spreadsheet_method(load_plan(data))
    # high: 3 units (60), big: max 4 costs 130 > 40 left, 1 unit < min 2 -> skipped,
    # low: 4 units (40) fill the rest; "out" stays out.
    assert sheet.units() == (4, 3, 0, 0)
    assert sheet.total_cost == 100


def test_a_funded_proposal_another_can_fully_replace_says_the_impact_does_not_fall():
    twin = {"unit_cost": 100, "max_units": 1, "impact_per_unit": 0.5, "category": "spesifik"}
    plan = load_plan({"budget": 100, "rules": {}, "proposals": [
        dict(twin, id="a", name="PMT balita A"), dict(twin, id="b", name="PMT balita B")]})
    result = solve(plan)
    first = explain(plan, result)[0]
    assert first.funded and first.loss == 0
    assert [m.code for m in first.messages][0] == "funded_no_loss"
    assert "tidak turun" in first.text("id") and "does not fall" in first.text("en")
