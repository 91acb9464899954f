"""Explanations, sensitivity and the spreadsheet method, checked against brute force."""
from fractions import Fraction

from hypothesis import HealthCheck, given, settings

from planner.optimizer import (compare, explain, load_plan, sensitivity, spreadsheet_method)
from planner.optimizer.solve import solve_fast

from opt_reference import brute, cost_of, impact_of, violations
from opt_strategies import plans

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def better_with(data, k, discount, units=None):
    """Is some plan funding proposal k (with `units`, default any count whose cost covers the
    cut) better than the optimum once k costs `discount` less?"""
    best = brute(data)
    z, c = best[0], best[1]
    p = data["proposals"][k]
    allowed = [u for u in range(max(1, p["min_units"]), p["max_units"] + 1)
               if cost_of(p, u) >= discount and (units is None or u == units)]
    if not allowed:
        return False
    top = brute(data, force={k: allowed}, discount={p["id"]: discount})
    if top is None:
        return False
    return top[0] > z or (top[0] == z and top[1] < c)


@SETTINGS
@given(plans(max_n=4))
def test_explanations_match_brute_force(data):
    plan = load_plan(data)
    result = solve_fast(plan)
    if result.status != "optimal":
        return
    z_star = result.total_impact
    for k, e in enumerate(explain(plan, result, workers=1)):
        p = data["proposals"][k]
        assert e.id == p["id"] and e.text("en") and e.text("id")
        if e.funded and not e.locked:
            without = brute(data, force={k: [0]})
            if without is None:
                assert e.loss is None and e.required_by
            else:
                assert e.loss == z_star - without[0]
        if not e.funded and p.get("lock") not in ("out",):
            if e.cost_drop is not None:
                d = e.cost_drop
                assert d >= 1
                assert better_with(data, k, d), "the cut must be enough"
                assert not better_with(data, k, d - 1), "and the smallest such cut"
                assert d <= cost_of(p, e.cost_drop_units)
            elif e.never:
                # not even when free, at any unit count
                assert all(not better_with(data, k, cost_of(p, u), units=u)
                           for u in range(max(1, p["min_units"]), p["max_units"] + 1))
            else:
                assert e.blocked_by
                assert brute(data, force={k: list(range(1, p["max_units"] + 1))}) is None


def test_workers_do_not_change_explanations():
    data = {"budget": 100, "rules": {"location_max_share": 0.6},
            "proposals": [
                {"id": f"p{k}", "unit_cost": 7 + k, "fixed_cost": k % 3, "min_units": 1,
                 "max_units": 3, "impact_per_unit": [0.1, 0.25, 0.3][k % 3],
                 "location": ["A", "B"][k % 2]} for k in range(8)]}
    plan = load_plan(data)
    result = solve_fast(plan)
    assert explain(plan, result, workers=1) == explain(plan, result, workers=2)


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
    result = solve_fast(plan)
    first = explain(plan, result, workers=1)[0]
    assert first.funded and first.loss == 0
    assert [m.code for m in first.messages][0] == "funded_no_loss"
    assert "tidak turun" in first.text("id") and "does not fall" in first.text("en")
