"""Version 2 through the public functions: solve_plan_file's answer, robustness, big money."""
import copy

import pytest

from planner.optimizer import (explain, load_plan, robustness, sensitivity, solve,
                               solve_plan_file, spreadsheet_method)
from planner.optimizer.alternatives import alternatives
from planner.optimizer.budget_rise import budget_rises
from planner.optimizer.impact_model import evaluate

PLAN = {
    "format": "planner-plan", "version": 2, "budget": 12_000_000,
    "groups": {"baduta": {"population": 20, "baseline_risk": 0.25, "source": "SSGI"},
               "ibu_hamil": {"population": 8, "baseline_risk": 0.2, "source": "SSGI"}},
    "stunted_children": 20,
    "rules": {"target_groups_required": ["ibu_hamil"]},
    "proposals": [
        {"id": "pmt", "name": "PMT lokal baduta", "unit_cost": 15_000, "max_units": 56 * 20,
         "units_per_course": 56, "whole_courses": True, "target_group": "baduta",
         "effect": {"low": 0.02, "central": 0.08, "high": 0.15}, "requires": ["kader"]},
        {"id": "pmba", "name": "Konseling PMBA", "unit_cost": 30_000, "max_units": 6 * 20,
         "units_per_course": 6, "whole_courses": True, "target_group": "baduta",
         "effect": {"low": 0.01, "central": 0.05, "high": 0.1}, "requires": ["kader"]},
        {"id": "kelas", "name": "Kelas ibu hamil", "unit_cost": 200_000, "max_units": 4 * 8,
         "units_per_course": 4, "whole_courses": True, "target_group": "ibu_hamil",
         "effect": {"low": 0.01, "central": 0.04, "high": 0.08}},
        {"id": "kader", "name": "Insentif kader", "unit_cost": 150_000, "max_units": 24,
         "units_per_course": 12, "whole_courses": True, "enabling": True},
        {"id": "own", "name": "Kegiatan desa", "unit_cost": 500_000, "max_units": 4,
         "impact_per_unit": 0.01},
    ],
}


def test_solve_plan_file_answers_with_ranges_and_every_part():
    out = solve_plan_file(copy.deepcopy(PLAN), solver="highs", explain=True, sensitivity=True,
                          compare=True, time_budget=60)
    result = out["result"]
    assert result["status"] == "optimal" and out["incomplete"] == []
    units = {a["id"]: a["units"] for a in result["allocations"]}
    at = evaluate(PLAN, units)
    assert result["total_impact"] == pytest.approx(at["central"])
    assert result["impact_range"] == {"low": pytest.approx(at["low"]), "high": pytest.approx(at["high"])}
    cases = {a["id"]: a["cases"] for a in result["allocations"]}
    assert sum(cases.values()) == pytest.approx(at["central"])
    assert cases["kader"] == 0
    people = {a["id"]: a["people"] for a in result["allocations"]}
    assert people["pmt"] == units["pmt"] / 56 and people["kader"] is None
    assert [e["id"] for e in out["explanations"]] == [p["id"] for p in PLAN["proposals"]]
    assert all(e["text"]["id"] and e["text"]["en"] for e in out["explanations"])
    assert len(out["sensitivity"]["points"]) == 21
    sheet = out["comparison"]["spreadsheet"]
    assert out["comparison"]["ratio"] >= 1 - 1e-9 or sheet["violations"]   # it ignores rules


def test_a_spent_time_budget_is_reported_not_hidden():
    out = solve_plan_file(copy.deepcopy(PLAN), solver="highs", explain=True, sensitivity=True,
                          compare=True, time_budget=0)
    assert out["result"]["status"] in ("optimal", "feasible", "timeout")
    assert "explanations" in out["incomplete"] and "sensitivity" in out["incomplete"]


def test_explanations_say_when_the_time_ran_out():
    plan = load_plan(copy.deepcopy(PLAN))
    result = solve(plan, "highs")
    cut = explain(plan, result, time_limit=0)
    unlocked = [e for e in cut if not e.locked]
    assert all(any(m.code == "explanation_cut" for m in e.messages) for e in unlocked)
    assert "batas waktu" in unlocked[0].text("id") and "time limit" in unlocked[0].text("en")


def test_funded_loss_matches_a_resolve_without_it():
    plan = load_plan(copy.deepcopy(PLAN))
    result = solve(plan, "highs")
    explained = {e.id: e for e in explain(plan, result)}
    without = copy.deepcopy(PLAN)
    without["proposals"][0]["lock"] = "out"
    other = solve(load_plan(without), "highs")
    assert float(explained["pmt"].loss) == pytest.approx(
        float(result.total_impact - other.total_impact), abs=1e-6)


def test_sensitivity_budget_rises_alternatives_and_sheet():
    plan = load_plan(copy.deepcopy(PLAN))
    result = solve(plan, "highs")
    sweep = sensitivity(plan, result=result)
    impacts = [float(p.total_impact) for p in sweep.points]
    assert impacts == sorted(impacts)          # no share minimum here: more money never hurts
    assert sweep.stability["kader"] == "stable"
    steps = {p.id: p.step for p in plan.proposals}
    funded = {a.id for a in result.allocations if a.units}
    for rise in budget_rises(plan, result):
        assert (rise.status == "skipped") == (rise.id in funded)
        if rise.status == "enters":
            assert PLAN["budget"] < rise.budget <= PLAN["budget"] * 3 // 2
            assert rise.units and rise.units % steps[rise.id] == 0
            # funded in the best plan at that budget, not one Rupiah below (both re-solved)
            for budget, inside in ((rise.budget, True), (rise.budget - 1, False)):
                data = copy.deepcopy(PLAN)
                data["budget"] = budget
                free = solve(load_plan(data), "highs")
                data["proposals"][[p["id"] for p in PLAN["proposals"]].index(rise.id)]["lock"] = "in"
                forced = solve(load_plan(data), "highs")
                ok = forced.status == "optimal" and float(forced.total_impact) >= float(
                    free.total_impact) * (1 - 2e-3)
                assert ok == inside
    alts = alternatives(plan, result, count=2, max_loss=0.5)
    best_funded = {a.id for a in result.allocations if a.units}
    for alt in alts:
        assert {a.id for a in alt.allocations if a.units} != best_funded
        assert alt.loss_share <= 0.5
    sheet = spreadsheet_method(plan)
    assert sheet.total_impact <= result.total_impact + 1e-9 or sheet.violations
    assert all(a.units % p.step == 0 for a, p in zip(sheet.allocations, plan.proposals))


def test_robustness_is_seeded_and_consistent():
    first = robustness(copy.deepcopy(PLAN), draws=30, seed=3)
    again = robustness(copy.deepcopy(PLAN), draws=30, seed=3)
    assert first == again
    assert first["draws"] == 30 and not first["incomplete"]
    assert 0 <= first["stays_best"] <= 1
    assert set(first["funded_share"]) == {p["id"] for p in PLAN["proposals"]}
    assert first["funded_share"]["kader"] == 1.0
    for level in ("low", "high"):
        at = evaluate(PLAN, first[level]["units"])
        assert first[level]["impact"] == pytest.approx(at[level], rel=1e-6)
    assert first["low"]["impact"] <= first["high"]["impact"]


def test_robustness_stops_at_its_time_budget():
    out = robustness(copy.deepcopy(PLAN), draws=10_000, seed=0, time_budget=0.5)
    assert out["incomplete"] and out["draws"] < 10_000


@pytest.mark.parametrize("scale", [10 ** 3, 10 ** 6, 8 * 10 ** 7])
def test_big_money_is_still_exact(scale):
    """Money up to the plan file's limit (10^15): the plan found holds every row exactly and is
    the best, checked against a version with every amount divided back."""
    small = copy.deepcopy(PLAN)
    big = copy.deepcopy(PLAN)
    big["budget"] = PLAN["budget"] * scale
    for p in big["proposals"]:
        p["unit_cost"] *= scale
    assert big["budget"] <= 10 ** 15     # the plan file's limit
    a = solve(load_plan(small), "highs")
    b = solve(load_plan(big), "highs")
    assert b.status == "optimal"
    assert float(b.total_impact) == pytest.approx(float(a.total_impact), rel=1e-9)
    assert b.total_cost == a.total_cost * scale


def test_version_1_explanations_cut_by_time_say_so():
    v1 = {"budget": 100, "proposals": [
        {"id": "a", "unit_cost": 10, "max_units": 5, "impact_per_unit": 0.5},
        {"id": "b", "unit_cost": 30, "max_units": 2, "impact_per_unit": 1},
        {"id": "c", "unit_cost": 90, "max_units": 1, "impact_per_unit": 0.1}]}
    plan = load_plan(v1)
    result = solve(plan, "highs")
    for e in explain(plan, result, time_limit=0):
        assert e.loss is None and e.cost_drop is None
        assert any(m.code == "explanation_cut" for m in e.messages), e.text("en")


def test_budget_rise_finds_where_a_proposal_enters():
    data = {"format": "planner-plan", "version": 2, "budget": 100, "proposals": [
        {"id": "a", "unit_cost": 10, "max_units": 10, "impact_per_unit": 0.1},
        {"id": "b", "unit_cost": 40, "max_units": 1, "impact_per_unit": 0.3}]}
    plan = load_plan(data)
    result = solve(plan, "highs")
    assert [a.units for a in result.allocations] == [10, 0]
    (rise,) = budget_rises(plan, result, ids=["b"])
    # at 110, b and 7 units of a (1.0) match 10 units of a; at 109 they cannot
    assert (rise.status, rise.budget, rise.rise, rise.units) == ("enters", 110, 10, 1)
    assert "Rp 10" in rise.message.text("id")


def test_conflict_analysis_keeps_its_time_limit():
    import time as clock
    from planner.optimizer import find_conflicts
    data = {"budget": 1000, "proposals": [
        {"id": f"p{k}", "unit_cost": 10, "max_units": 1, "impact_per_unit": 0.1, "lock": "in",
         "category": "spesifik" if k % 2 else "sensitif"} for k in range(1500)]}
    data["rules"] = {"category_min_share": {"spesifik": 0.9}}
    plan = load_plan(data)
    started = clock.perf_counter()
    report = find_conflicts(plan, time_limit=1.0)
    assert clock.perf_counter() - started < 6       # was minutes: 0.05 s per test past the limit
    assert report.conflicts      # what it names still cannot hold together


def test_alternatives_move_at_least_the_minimum_swap():
    """With min_swap, each alternative moves that share of the budget between activities: the cost
    of what it strikes from the best plan plus the cost of what it adds; without, any difference."""
    plan = load_plan(copy.deepcopy(PLAN))
    result = solve(plan, "highs")
    best = {a.id: a for a in result.allocations if a.units}
    for share in (0.0, 0.05, 0.2):
        for alt in alternatives(plan, result, count=3, max_loss=0.9, min_swap=share):
            here = {a.id: a for a in alt.allocations if a.units}
            moved = sum(a.cost for k, a in best.items() if k not in here) + \
                sum(a.cost for k, a in here.items() if k not in best)
            assert moved >= share * PLAN["budget"] - 1
            assert set(here) != set(best)
