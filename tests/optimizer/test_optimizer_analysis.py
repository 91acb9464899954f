"""Explanations, sensitivity and the spreadsheet method, checked against brute force."""
import dataclasses
import importlib
from fractions import Fraction
from unittest import mock

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from planner.optimizer import (backends, compare, explain, load_plan, sensitivity,
                               spreadsheet_method)
from planner.optimizer.solve import solve_fast

from opt_reference import brute, cost_of, impact_of, violations
from opt_strategies import plans

explain_module = importlib.import_module("planner.optimizer.explain")

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
    check_explanations(data)


@pytest.mark.slow
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans(max_n=3), st.data())
def test_twins_share_exact_explanations(data, draw):
    """Copies of a proposal (a village proposing one activity twice) take their twin's numbers
    from one re-solve: they must still be the brute-force answers, and the same as solving each
    on its own."""
    free = [p for p in data["proposals"] if p["lock"] is None and not p["requires"]
            and not p["excludes"] and not any(p["id"] in q["requires"] + q["excludes"]
                                              for q in data["proposals"])]
    assume(free)
    original = draw.draw(st.sampled_from(free))
    for copy in range(draw.draw(st.integers(1, 2))):
        data["proposals"].append(dict(original, id=f"{original['id']}-copy{copy}",
                                      name=f"{original['name']} ({copy + 2})"))
    # Sometimes one field differs: then it is no twin, and sharing would show in the numbers.
    near = draw.draw(st.sampled_from([None, None, "unit_cost", "fixed_cost", "max_units",
                                      "min_units", "impact_per_unit", "category", "package",
                                      "target_group", "location"]))
    if near:
        changed = {"unit_cost": original["unit_cost"] + 7,
                   "fixed_cost": original["fixed_cost"] + 5,
                   "max_units": original["max_units"] + 1,
                   "min_units": min(original["max_units"], max(1, original["min_units"]) + 1),
                   "impact_per_unit": original["impact_per_unit"] + 0.2,
                   "category": {"spesifik": "sensitif"}.get(original["category"], "spesifik"),
                   "package": {"kia": "paud"}.get(original["package"], "kia"),
                   "target_group": {"balita": "ibu_hamil"}.get(original["target_group"],
                                                                "balita"),
                   "location": {"Krajan": "Lor"}.get(original["location"], "Krajan")}[near]
        data["proposals"][-1] = dict(data["proposals"][-1], **{near: changed})
    plan = load_plan(data)
    result = solve_fast(plan)
    if result.status != "optimal":
        return
    units = result.units()
    ids = [p.id for p in plan.proposals]
    copies = [units[ids.index(original["id"])]] + [
        u for i, u in zip(ids, units) if i.startswith(original["id"] + "-copy")]
    if not near and (all(copies) or not any(copies)):
        assert explain_module.twins(plan, units), "copies with one funded status are twins"
    event("twins funded" if all(copies) else "twins unfunded" if not any(copies) else "split")
    check_explanations(data, plan, result)

    def numbers(explanations):   # a tie may reach the same cut at other units
        return [(e.loss, e.impact_without, e.cost_drop, e.never, e.required_by, e.blocked_by)
                for e in explanations]

    shared = explain(plan, result, workers=1)
    with mock.patch.object(explain_module, "twins", lambda plan, units: {}):
        assert numbers(explain(plan, result, workers=1)) == numbers(shared)


@pytest.mark.slow
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans(max_n=2, locks=False), st.sampled_from(["same", "same", "unlink", "flip",
                                                      "reverse"]),
       st.sampled_from(["requires", "excludes", None]))
def test_copied_linked_groups_share_exact_explanations(data, links, link):
    """The whole list proposed twice, links and all (say a kader incentive that requires its
    posyandu's operations, for two posyandu): every copy's numbers come from its original's
    re-solve, and they are still the brute-force answers. Other `links` give the copies other
    links (none, requires and excludes swapped, requires reversed): then a linked original has
    no twin, and sharing would show in the numbers."""
    originals = data["proposals"]
    if link and len(originals) == 2 and not any(p["requires"] or p["excludes"] for p in originals):
        originals[0][link] = [originals[1]["id"]]
    copies = [dict(p, id=p["id"] + "-b", name=p["name"] + " (b)", requires=[], excludes=[])
              for p in originals]
    for p, c in zip(originals, copies):
        for kind, other in [("requires", o) for o in p["requires"]] + [
                ("excludes", o) for o in p["excludes"]]:
            if links == "unlink":
                continue
            if links == "flip":
                kind = {"requires": "excludes", "excludes": "requires"}[kind]
            if links == "reverse" and kind == "requires":
                copies[[q["id"] for q in originals].index(other)]["requires"].append(c["id"])
                continue
            c[kind].append(other + "-b")
    data["proposals"] = originals + copies
    plan = load_plan(data)
    result = solve_fast(plan)
    if result.status != "optimal":
        return
    units = result.units()
    n = len(copies)
    linked = any(p["requires"] or p["excludes"] for p in originals)
    if links == "same" and all((units[k] > 0) == (units[n + k] > 0) for k in range(n)):
        shared = explain_module.twins(plan, units)
        assert all(shared.get(n + k, n + k) < n + k for k in range(n)), "every copy is a twin"
    event(f"{links} links" if linked else "no links")
    check_explanations(data, plan, result)


def test_linked_groups_share_only_when_their_links_match():
    """Kader incentive K needs posyandu P; at the second posyandu the link runs the other way
    (P2 needs K2). Without P, K goes too (loss 3); without P2, K2 stays (loss 1). A third pair
    linked like the first is its twin."""
    def pair(tag, requires_p=(), requires_k=()):
        return [{"id": f"p{tag}", "name": f"Operasional posyandu {tag}", "unit_cost": 10,
                 "max_units": 1, "impact_per_unit": 1, "requires": list(requires_p)},
                {"id": f"k{tag}", "name": f"Insentif kader {tag}", "unit_cost": 5,
                 "max_units": 1, "impact_per_unit": 2, "requires": list(requires_k)}]
    plan = load_plan({"budget": 45, "rules": {}, "proposals": [
        *pair(1, requires_k=["p1"]), *pair(2, requires_p=["k2"]), *pair(3, requires_k=["p3"])]})
    result = solve_fast(plan)
    assert result.units() == (1,) * 6
    assert explain_module.twins(plan, result.units()) == {4: 0, 5: 1}
    losses = [e.loss for e in explain(plan, result, workers=1)]
    assert losses == [3, 2, 1, 3, 3, 2]


def test_linked_groups_with_other_exclusions_are_no_twins():
    """Two posyandu with operations, a kader incentive that needs them and a class; at the first
    the class excludes the operations, at the second the incentive. Without the incentive the
    class can come in at the second (loss 1.5) but not at the first (loss 2)."""
    def group(tag, x_excludes):
        return [{"id": f"p{tag}", "name": f"Operasional posyandu {tag}", "unit_cost": 10,
                 "max_units": 1, "impact_per_unit": 1},
                {"id": f"k{tag}", "name": f"Insentif kader {tag}", "unit_cost": 5,
                 "max_units": 1, "impact_per_unit": 2, "requires": [f"p{tag}"]},
                {"id": f"x{tag}", "name": f"Kelas {tag}", "unit_cost": 4, "max_units": 1,
                 "impact_per_unit": 0.5, "excludes": [f"{x_excludes}{tag}"]}]
    plan = load_plan({"budget": 40, "rules": {}, "proposals": [*group(1, "p"), *group(2, "k")]})
    result = solve_fast(plan)
    assert result.units() == (1, 1, 0, 1, 1, 0)
    assert explain_module.twins(plan, result.units()) == {}
    with mock.patch.object(explain_module, "twins", lambda plan, units: {}):
        alone = explain(plan, result, workers=1)
    assert explain(plan, result, workers=1) == alone
    assert [e.loss for e in alone] == [Fraction(5, 2), 2, None, Fraction(5, 2), Fraction(3, 2),
                                       None]


def test_twins_take_one_re_solve_per_kind():
    """Three identical funded posyandu and three identical unfunded ones (no location caps):
    one "without it" re-solve and one set of cost-cut MILPs for each trio."""
    posyandu = {"unit_cost": 300, "max_units": 12, "impact_per_unit": 0.02,
                "category": "spesifik", "package": "kia", "location": "Posyandu"}
    jamban = {"unit_cost": 900, "max_units": 3, "impact_per_unit": 0.01,
              "category": "sensitif", "package": "air_sanitasi"}
    data = {"budget": 3 * 300 * 12 + 500, "rules": {}, "proposals": [
        dict(posyandu, id=f"op{k}", name=f"Operasional posyandu {k}", location=f"Posyandu {k}")
        for k in range(3)] + [dict(jamban, id=f"j{k}", name=f"Jamban {k}") for k in range(3)]}
    plan = load_plan(data)
    result = solve_fast(plan)
    assert result.units() == (12, 12, 12, 0, 0, 0)
    assert explain_module.twins(plan, result.units()) == {1: 0, 2: 0, 4: 3, 5: 3}
    solves = []
    real = backends.HighsEngine.solve

    def counted(engine, *args, **kwargs):
        solves.append(1)
        return real(engine, *args, **kwargs)

    with mock.patch.object(backends.HighsEngine, "solve", counted):
        shared = explain(plan, result, workers=1)
    with_twins = len(solves)
    solves.clear()
    with mock.patch.object(backends.HighsEngine, "solve", counted), \
            mock.patch.object(explain_module, "twins", lambda plan, units: {}):
        alone = explain(plan, result, workers=1)
    assert shared == alone
    # per trio: one "without it" re-solve; for the unfunded, one cheapest plan (it has more
    # impact, so it serves both cases) and the cheaper tie's min-cut MILP (that plan would need
    # a cut above the jamban's own cost)
    assert with_twins == 1 + 2 and len(solves) == 3 * 1 + 3 * 2
    assert {e.loss for e in shared[:3]} == {shared[0].loss} and shared[0].loss > 0
    assert {e.cost_drop for e in shared[3:]} == {shared[3].cost_drop} and shared[3].cost_drop


def test_proposals_alike_but_for_their_package_are_no_twins():
    """Kia is required: without the kia PMT the kader incentive must stand in (loss 0.4);
    without the paud one, another paud activity does (loss 0.2)."""
    alike = {"unit_cost": 50, "max_units": 1, "impact_per_unit": 0.5}
    plan = load_plan({"budget": 100, "rules": {"packages_required": ["kia"]}, "proposals": [
        dict(alike, id="a", name="PMT kia", package="kia"),
        dict(alike, id="b", name="PMT paud", package="paud"),
        {"id": "k", "name": "Insentif kader", "unit_cost": 50, "max_units": 1,
         "impact_per_unit": 0.1, "package": "kia"},
        {"id": "y", "name": "Kelas BKB", "unit_cost": 50, "max_units": 1,
         "impact_per_unit": 0.3, "package": "paud"}]})
    result = solve_fast(plan)
    assert result.units() == (1, 1, 0, 0)
    assert explain_module.twins(plan, result.units()) == {}
    a, b = explain(plan, result, workers=1)[:2]
    assert (a.loss, b.loss) == (Fraction(2, 5), Fraction(1, 5))


def check_explanations(data, plan=None, result=None):
    plan = plan or load_plan(data)
    result = result or solve_fast(plan)
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


@pytest.mark.slow
@SETTINGS
@given(plans(max_n=5))
def test_cost_cuts_from_cheapest_plans_equal_the_min_cut_milps(data):
    """Cost cuts read off min-cost MILPs (where their cheapest plan proves the cut) are those of
    the min-cut MILPs, whether the cheapest plan proves it, is refused (a cap it breaks, a cut
    above the proposal's own cost) or there is none."""
    plan = load_plan(data)
    result = solve_fast(plan)
    assume(result.status == "optimal")
    real = explain_module._cheapest_entries

    def observed(*args):
        answers = real(*args)
        for case, answer in zip(("more impact", "cheaper tie"), answers):
            event(f"{case}: " + ("refused" if answer is None else
                                 "none" if answer == "infeasible" else "proved"))
        return answers

    with mock.patch.object(explain_module, "_cheapest_entries", observed):
        fast = explain(plan, result, workers=1)
    with mock.patch.object(explain_module, "_cheapest_entries", lambda *args: [None, None]):
        milp = explain(plan, result, workers=1)
    assert _contract(fast, data) == _contract(milp, data)


def _contract(explanations, data):
    """The explanations as the contract fixes them: where a proposal's unit cost is 0 every unit
    count costs the same, so which count the cut quotes is a tie either method may break."""
    free_units = {p["id"] for p in data["proposals"] if p["unit_cost"] == 0}
    out = []
    for e in explanations:
        if e.id in free_units:
            messages = tuple(dataclasses.replace(m, params={k: v for k, v in m.params.items() if k != "units"})
                             if m.code == "enter_cost_drop" else m for m in e.messages)
            e = dataclasses.replace(e, cost_drop_units=None, messages=messages)
        out.append(e)
    return tuple(out)


def min_cuts_counted(negative):
    """explain_module._min_cut, recording in `negative` whether each call had to solve again
    with the cut kept at 0 or more (its first optimum had a negative cut)."""
    real = explain_module._min_cut

    def counted(engine, fm, remaining):
        before = engine.stats["solves"]
        out = real(engine, fm, remaining)
        negative.append(engine.stats["solves"] - before > 1)
        return out
    return counted


@SETTINGS
@given(plans(max_n=4))
def test_min_cut_milps_alone_give_the_brute_force_cuts(data):
    """With no cheapest plan to settle them, every cut comes from the min-cut MILPs, which
    first let the cut go below 0 (a real LP bound): the cuts are still exactly the smallest
    that bring each proposal in, including where a negative cut had to be solved again."""
    plan = load_plan(data)
    result = solve_fast(plan)
    assume(result.status == "optimal")
    negative = []
    with mock.patch.object(explain_module, "_cheapest_entries", lambda *args: [None, None]), \
            mock.patch.object(explain_module, "_min_cut", min_cuts_counted(negative)):
        check_explanations(data, plan, result)
    event("a negative cut solved again" if any(negative) else
          "min-cut MILPs" if negative else "no min-cut MILP")


def test_a_cut_below_zero_breaking_the_category_minimum_is_solved_again():
    """Kelas ibu hamil (spesifik, Rp 20, 0,45) with the jamban (Rp 50, 0,5) would beat the
    optimum (jamban + PMT, 0,9 for Rp 100) for Rp 70, but spends only Rp 20 of the Rp 50 the
    spesifik minimum asks. The min-cut MILP, with the cut free below 0, first finds that plan at
    a cut of -30 (a "cut" that raises spesifik spending by 30); the cut must then be solved
    again with D >= 0: all three for Rp 120 need a cut of 20, and with it spesifik spending is
    70 - 20 = 50, just enough."""
    one = {"min_units": 1, "max_units": 1, "fixed_cost": 0, "package": "kia",
           "target_group": "balita", "location": "", "lock": None, "requires": [],
           "excludes": []}
    data = {"budget": 100, "rules": {"category_min_share": {"spesifik": 0.5}}, "proposals": [
        dict(one, id="a", name="Jamban", unit_cost=50, impact_per_unit=0.5,
             category="sensitif"),
        dict(one, id="b", name="PMT", unit_cost=50, impact_per_unit=0.4, category="spesifik"),
        dict(one, id="k", name="Kelas ibu hamil", unit_cost=20, impact_per_unit=0.45,
             category="spesifik")]}
    plan = load_plan(data)
    result = solve_fast(plan)
    assert result.units() == (1, 1, 0)
    negative = []
    with mock.patch.object(explain_module, "_min_cut", min_cuts_counted(negative)):
        explanations = explain(plan, result, workers=1)
    kelas = explanations[2]
    assert (kelas.cost_drop, kelas.cost_drop_units, kelas.cost_at_units) == (20, 1, 20)
    assert negative[0] is True      # strictly more impact: -30 first, then 20
    check_explanations(data, plan, result)


def test_the_cheapest_plan_with_equal_impact_gives_the_cut_for_a_cheaper_tie():
    """Jamban (Rp 50, impact 0.3) with the PMT (Rp 60, 0.6) matches the optimum's impact
    (PMT + kelas BKB, 0.9 for Rp 100) for Rp 110: cut Rp 11 and it costs less (Rp 99). Strictly
    more impact would need all three (Rp 150, a cut of Rp 50). Both cuts come from cheapest
    plans, one min-cost MILP each, without a min-cut MILP."""
    one = {"min_units": 1, "max_units": 1, "fixed_cost": 0, "category": "spesifik",
           "package": "kia", "target_group": "balita", "location": "", "lock": None,
           "requires": [], "excludes": []}
    data = {"budget": 100, "rules": {}, "proposals": [
        dict(one, id="a", name="PMT", unit_cost=60, impact_per_unit=0.6),
        dict(one, id="b", name="Kelas BKB", unit_cost=40, impact_per_unit=0.3),
        dict(one, id="j", name="Jamban", unit_cost=50, impact_per_unit=0.3)]}
    plan = load_plan(data)
    result = solve_fast(plan)
    assert result.units() == (1, 1, 0)
    real = explain_module._cheapest_entries
    seen = []
    solves = []
    real_solve = backends.HighsEngine.solve

    def counted(engine, *args, **kwargs):
        solves.append(engine.objective)
        return real_solve(engine, *args, **kwargs)

    with mock.patch.object(explain_module, "_cheapest_entries",
                           lambda *args: seen.append(real(*args)) or seen[-1]), \
            mock.patch.object(backends.HighsEngine, "solve", counted):
        explanations = explain(plan, result, workers=1)
    assert seen == [[(1, 1, 1), (1, 0, 1)]]
    jamban = explanations[2]
    assert (jamban.cost_drop, jamban.cost_drop_units, jamban.cost_at_units) == (11, 1, 50)
    # two "without it" re-solves, then the jamban's two cheapest plans: no min-cut MILP
    assert len(solves) == 2 + 2
    check_explanations(data, plan, result)


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
