"""Version 2 (combined effects): the optimizer against a brute force over every plan."""
from hypothesis import given, settings

from planner.optimizer import load_plan, solve
from planner.optimizer.impact_model import evaluate

from opt_v2_reference import brute_force, v2_plans


@settings(max_examples=60)
@given(v2_plans())
def test_best_plan_of_the_combined_model(data):
    plan = load_plan(data)
    result = solve(plan, solver="highs", time_limit=20)
    plans = brute_force(data)
    if not plans:
        assert result.status == "infeasible"
        return
    assert result.status == "optimal", result.message
    best = max(impact for _, impact, _ in plans)
    units = {a.id: a.units for a in result.allocations}
    found = evaluate(data, units)
    # the best combined impact, within the reported gap (0 up to rounding)
    assert result.gap is not None and result.gap <= 1e-6
    assert found["central"] >= best * (1 - 3e-6) - 1e-12
    assert abs(float(result.total_impact) - found["central"]) <= 1e-9
    # least cost among equals
    cheapest = min(cost for _, impact, cost in plans if impact >= best * (1 - 1e-9) - 1e-12)
    assert result.total_cost <= cheapest
    # whole courses, nobody beyond the group's population, platforms kept with their services
    by_id = {p.id: p for p in plan.proposals}
    for a in result.allocations:
        p = by_id[a.id]
        if p.whole_courses:
            assert a.units % p.units_per_course == 0
        if p.effect is not None:
            room = plan.groups[p.target_group]["population"] - p.already_reached
            assert a.units / p.units_per_course <= room + 1e-9
            assert a.people <= room + 1e-9
        if a.units:
            for other in p.requires:
                assert units[other] > 0
    # impact_range is the formula at the low and high effects
    assert result.impact_range == {"low": found["low"], "high": found["high"]}


@settings(max_examples=40)
@given(v2_plans(max_proposals=4))
def test_explanations_and_sweep_against_brute_force(data):
    from planner.optimizer import explain, sensitivity
    plan = load_plan(data)
    result = solve(plan, solver="highs", time_limit=20)
    if result.status != "optimal":
        return
    plans = brute_force(data)
    best = max(impact for _, impact, _ in plans)
    for k, e in enumerate(explain(plan, result)):
        if e.locked:
            continue
        if e.funded and e.loss is not None:
            without = max((i for u, i, _ in plans if u[k] == 0), default=None)
            assert without is not None
            assert abs(float(e.impact_without) - without) <= 1e-3 * best + 1e-9
        if not e.funded and any(m.code == "unfunded_loss" for m in e.messages):
            with_k = max(i for u, i, _ in plans if u[k])
            assert best - with_k > 0
    sweep = sensitivity(plan, result=result)
    for point in sweep.points:
        if point.status != "optimal":
            continue
        at = brute_force({**data, "budget": point.budget})
        top = max(i for _, i, _ in at)
        assert float(point.total_impact) >= top * (1 - 1.1e-3) - 1e-9
        assert float(point.total_impact) <= top + 1e-9
