"""The core method (Lagrangian reduced-cost tightening) gives the same optimum as a full MILP."""
import json
import os
import sys

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.optimizer import explain, load_plan, sensitivity
from planner.optimizer import backends
from planner.optimizer.backends import HighsEngine
from planner.optimizer.core import lagrangian
from planner.optimizer.formulation import INF, build
from planner.optimizer.solve import lexicographic, solve_fast

from opt_reference import all_points, brute, violations
from opt_strategies import plans

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "bench"))
from optimize import random_plan  # noqa: E402

SETTINGS = settings(max_examples=80, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def engines(plan):
    return HighsEngine(build(plan), core=True), HighsEngine(build(plan), core=False)


def _objective_draw(draws, n):
    """A random objective on the unit and funded columns, and its sense."""
    coefs = {c: draws.draw(st.integers(-5, 9)) for c in range(2 * n)}
    return coefs, draws.draw(st.sampled_from(["max", "min"]))


@SETTINGS
@given(plans(max_n=5))
def test_core_lexicographic_optimum_equals_brute_force(data):
    plan = load_plan(data)
    core, _ = engines(plan)
    lexi = lexicographic(core)
    best = brute(data)
    if best is None:
        assert lexi.status == "infeasible"
        return
    assert lexi.status == "optimal"
    fm = core.fm
    impact = sum(fm.impact_int[k] * u for k, u in enumerate(lexi.units))
    assert impact / fm.impact_scale == best[0]
    assert fm.total_cost(lexi.units) == best[1]
    # and the tie-break among the optima (phase 3, solved within phase 2's bounds)
    n = len(plan.proposals)
    lean = lambda units: sum((n - k) * u for k, u in enumerate(units))  # noqa: E731
    assert lean(lexi.units) == max(lean(w) for w in best[2])


@SETTINGS
@given(plans(max_n=5), st.data())
def test_core_and_full_milp_agree_on_every_objective_and_bound(data, draws):
    """Random objectives (either sense) and random fixed columns: same optimal value."""
    plan = load_plan(data)
    core, full = engines(plan)
    n = len(plan.proposals)
    for _ in range(3):
        coefs, sense = _objective_draw(draws, n)
        fixed = draws.draw(st.lists(st.integers(0, n - 1), max_size=2, unique=True))
        for eng in (core, full):
            eng.set_objective(coefs, sense)
            for k in fixed:
                eng.set_col_bounds(eng.fm.y(k), 0, 0)
                eng.set_col_bounds(eng.fm.u(k), 0, 0)
        a, b = core.solve(), full.solve()
        assert a.status == b.status
        if a.status == "optimal":
            assert round(a.objective) == round(b.objective)
            x = [round(v) for v in a.values]
            assert not core.fm.violated_rows(x)
        for eng in (core, full):
            for k in fixed:
                eng.set_col_bounds(eng.fm.y(k), 0, 1)
                eng.set_col_bounds(eng.fm.u(k), 0, eng.fm.plan.proposals[k].max_units)


@SETTINGS
@given(plans(max_n=5))
def test_lagrangian_bound_and_tightened_bounds_keep_the_optimum(data):
    plan = load_plan(data)
    best = brute(data)
    if best is None:
        return
    fm = build(plan)
    eng = HighsEngine(fm, core=True)
    eng.set_objective(fm.impact_objective(), "max")
    eng.lp.run()
    lag = lagrangian(fm, eng.objective, "max", list(eng.lp.getSolution().row_dual))
    assert lag is not None and lag.integral
    z = best[0] * fm.impact_scale
    assert lag.bound >= z - 1e-6
    bounds = lag.tightened(fm, z)
    assert bounds is not None
    for units in best[2]:
        x = fm.units_to_x(units)
        for c, (lb, ub) in bounds.items():
            assert lb <= x[c] <= ub, "every optimum must survive the tightening"


def test_core_engine_matches_full_milp_on_a_bench_plan(monkeypatch):
    """40 proposals shaped like a village's: explanations and the budget sweep, both ways."""
    plan = load_plan(random_plan(40, 7))
    result = solve_fast(plan)
    assert result.status == "optimal"
    monkeypatch.setattr(backends, "CORE", True)
    with_core = (explain(plan, result, workers=1),
                 sensitivity(plan, result=result, workers=1))
    monkeypatch.setattr(backends, "CORE", False)
    without = (explain(plan, result, workers=1),
               sensitivity(plan, result=result, workers=1))
    for a, b in zip(with_core[0], without[0]):
        assert (a.loss, a.cost_drop, a.never, a.required_by, a.blocked_by) == \
            (b.loss, b.cost_drop, b.never, b.required_by, b.blocked_by), a.id
    assert [(p.total_impact, p.total_cost, p.funded) for p in with_core[1].points] == \
        [(p.total_impact, p.total_cost, p.funded) for p in without[1].points]
    assert with_core[1].marginal_impact == without[1].marginal_impact


def test_hint_meeting_the_bound_skips_the_milp():
    """A plan whose LP optimum is integral: the hint is proved optimal by the bound alone."""
    data = {"budget": 100, "rules": {}, "proposals": [
        {"id": "a", "name": "A", "unit_cost": 10, "fixed_cost": 0, "min_units": 1,
         "max_units": 5, "impact_per_unit": 1, "category": "spesifik", "package": "kia",
         "target_group": "balita", "location": "", "lock": None, "requires": [],
         "excludes": []}]}
    plan = load_plan(data)
    eng = HighsEngine(build(plan), core=True)
    fm = eng.fm
    eng.set_objective(fm.impact_objective(), "max")
    out = eng.solve(hint=fm.units_to_x((5,)))
    assert out.status == "optimal" and round(out.objective) == 5 * fm.impact_int[0]
    assert eng.stats["proved_by_bound"] == 1 and eng.stats["rounds"] == 0
    assert fm.col_ub[fm.u(0)] == 5 and fm.row_ub[fm.row("budget")] == 100 < INF


def test_bounds_reach_highs_as_given_and_a_round_puts_the_model_back():
    """Column bounds go to both HiGHS models in one call, infinite ones included, and a core
    round's narrowed bounds are undone on the MILP model afterwards."""
    plan = load_plan({"budget": 100, "proposals": [
        {"id": p, "unit_cost": 10, "max_units": 5, "impact_per_unit": 1} for p in "abc"]})
    eng = HighsEngine(build(plan), core=True)
    fm = eng.fm
    u0, y0, u1 = fm.u(0), fm.y(0), fm.u(1)
    eng.set_cols_bounds({u0: (2.0, INF), y0: (1.0, 1.0), u1: (0.0, 3.0)})
    for h in (eng.h, eng.lp):
        lp = h.getLp()
        assert [(lp.col_lower_[c], lp.col_upper_[c]) for c in (u0, y0, u1)] == \
            [(2.0, INF), (1.0, 1.0), (0.0, 3.0)]
    assert (fm.col_lb[u0], fm.col_ub[u0]) == (2.0, INF)
    before = eng.h.getLp()
    before = (list(before.col_lower_), list(before.col_upper_))
    eng.set_objective(fm.impact_objective(), "max")
    out = eng._run_within({u1: (1.0, 2.0), fm.u(2): (0.0, 0.0), fm.y(2): (0.0, 0.0)}, None)
    assert out.status == "optimal" and 1 <= round(out.values[u1]) <= 2
    after = eng.h.getLp()
    assert (list(after.col_lower_), list(after.col_upper_)) == before


def test_a_proposal_that_can_never_enter_is_said_so_promptly():
    """Regression: a forced-in proposal's own unit range is not a 'tightening', so the target
    loop must still reach the whole MILP (it used to spin until the time limit)."""
    def proposal(pid, unit_cost, fixed, min_units, impact, cat, pkg, group, loc, lock, req):
        return {"id": pid, "name": pid, "unit_cost": unit_cost, "fixed_cost": fixed,
                "min_units": min_units, "max_units": 1, "impact_per_unit": impact,
                "category": cat, "package": pkg, "target_group": group, "location": loc,
                "lock": lock, "requires": req, "excludes": []}
    data = {"budget": 201,
            "rules": {"category_min_share": {"spesifik": 0.1}, "location_max_share": 0.4},
            "proposals": [
                proposal("p1", 15, 0, 0, 0, "sensitif", "kia", "balita", "Krajan", None, ["p3"]),
                proposal("p2", 19, 0, 0, 0, "sensitif", "kia", "balita", "Lor", None, []),
                proposal("p3", 50, 0, 1, 0.3, "spesifik", "kia", "ibu_hamil", "Krajan", None,
                         ["p1"]),
                proposal("p4", 33, 5, 1, 0.5, "spesifik", "air_sanitasi", "balita", "Krajan",
                         "in", [])]}
    plan = load_plan(data)
    result = solve_fast(plan)
    by_id = {e.id: e for e in explain(plan, result, workers=1, time_limit=20)}
    assert by_id["p2"].never
    assert by_id["p3"].cost_drop == 23


def test_the_default_engine_agrees_with_cbc_on_a_demo_village_plan():
    """Jabon's 2026 demo plan at 95% of its budget: when its impacts were read exactly (~1e11
    per unit), HiGHS on a reduced core took a worse input-order tie-break for the optimum. The
    engine used for explanations and the sweep must give CBC's answer."""
    with open(os.path.join(os.path.dirname(__file__), "data", "demo-jabon-2026.json")) as f:
        plan = load_plan(json.load(f))
    answers = []
    for engine in (backends.fast_engine(build(plan)), backends.PulpEngine(build(plan), "cbc")):
        engine.fm.set_budget(94_050_000)
        engine.sync_budget()
        lexi = lexicographic(engine)
        answers.append((lexi.status, lexi.impact, lexi.cost, lexi.units))
    assert answers[0] == answers[1]
    assert answers[0][0] == "optimal"


@SETTINGS
@given(plans(max_n=5), st.data())
def test_a_cutoff_keeps_every_plan_that_reaches_it_and_only_those(data, draws):
    """A core round hands HiGHS its target as a cutoff (objective_bound). At the optimum V the
    round must still return V, for either sense and either sign of the objective (a wrong
    sign in the cutoff would cut the optimum off); at V + 1 it must not pass off any plan as
    reaching it. The loop reads "optimal, value below the cutoff" or "infeasible" as "no plan
    reaches the target"."""
    plan = load_plan(data)
    core, full = engines(plan)
    n = len(plan.proposals)
    coefs, sense = _objective_draw(draws, n)
    for eng in (core, full):
        eng.set_objective(coefs, sense)
    best = full.solve()
    if best.status != "optimal":
        return
    sign = 1 if sense == "max" else -1
    value = round(sign * best.objective)            # max-normalised, as the loop sees it
    at = core._run_within({}, None, cutoff=value)
    assert at.status == "optimal" and round(sign * at.objective) == value
    above = core._run_within({}, None, cutoff=value + 1)
    assert above.status == "infeasible" or round(sign * above.objective) <= value
    after = core._run_within({}, None)              # the cutoff is gone after the round
    assert after.status == "optimal" and round(sign * after.objective) == value


def test_rounds_that_miss_their_target_still_end_at_the_whole_milps_optimum():
    """On the bench's 100-proposal plan the first target of a "without it" re-solve is often
    above the optimum: those rounds end as "no plan reaches it" and the loop goes on to the
    optimum the whole MILP finds."""
    plan = load_plan(random_plan(100, 2125))
    result = solve_fast(plan)
    core, full = engines(plan)
    fm = core.fm
    misses = 0
    for k, a in enumerate(result.allocations[:40]):
        if not a.units:
            continue
        answers = []
        for eng in (core, full):
            eng.set_objective(fm.impact_objective(), "max")
            eng.set_col_bounds(fm.y(k), 0, 0)
            eng.set_col_bounds(fm.u(k), 0, 0)
            before = eng.stats["rounds"]
            answers.append(eng.solve())
            eng.set_col_bounds(fm.y(k), 0, 1)
            eng.set_col_bounds(fm.u(k), 0, plan.proposals[k].max_units)
        misses += max(0, core.stats["rounds"] - before - 1)
        assert answers[0].status == answers[1].status, k   # infeasible: k is required
        if answers[0].status == "optimal":
            assert round(answers[0].objective) == round(answers[1].objective), k
    assert misses > 0


def test_a_round_stopped_by_the_time_limit_keeps_the_better_plan_known_before_it(monkeypatch):
    """Under a cutoff HiGHS stopped by the time limit may hold only a poor plan: the solve then
    answers "feasible" with the better plan it was given (or found in an earlier round)."""
    plan = load_plan(random_plan(40, 7))
    result = solve_fast(plan)
    eng = HighsEngine(build(plan), core=True)
    fm = eng.fm
    eng.set_objective(fm.impact_objective(), "max")
    units = list(result.units())
    for k, u in enumerate(units):      # the optimum less one proposal: a plan below the bound
        known = units[:k] + [0] + units[k + 1:]
        if u and not fm.violated_rows(fm.units_to_x(known)):
            break
    hint = fm.units_to_x(known)
    poor = [0.0] * len(fm.col_name)
    monkeypatch.setattr(HighsEngine, "_run",
                        lambda self, time_limit=None, hint=None: backends.Outcome(
                            "feasible", list(poor), 0.0))
    out = eng.solve(hint=hint)
    assert eng.stats["rounds"] >= 1 and not eng.stats["proved_by_bound"]
    assert out.status == "feasible"
    assert out.values == hint and round(out.objective) == fm.scaled_impact(known)


def _feasible_points(data, fm):
    """Every plan of `data` that keeps every rule, as formulation points."""
    return [fm.units_to_x(units) for units in all_points(data) if not violations(data, units)]


@SETTINGS
@given(plans(max_n=4), st.data())
def test_bounds_learnt_by_a_solve_keep_every_plan_reaching_the_value(data, draws):
    """`reaching(v)` after a solve: the column bounds a later lexicographic phase solves
    within. Every plan whose objective reaches v must keep them - at the optimum and below
    it - or the later phase could miss its optimum."""
    plan = load_plan(data)
    core, _ = engines(plan)
    fm = core.fm
    coefs, sense = _objective_draw(draws, len(plan.proposals))
    core.set_objective(coefs, sense)
    out = core.solve()
    if out.status != "optimal":
        return
    sign = 1 if sense == "max" else -1
    best = round(sign * out.objective)
    below = draws.draw(st.integers(0, 20))
    for value in (best, best - below):
        bounds = core.reaching(value)
        for x in _feasible_points(data, fm):
            if sign * sum(v * x[c] for c, v in coefs.items()) >= value:
                for c, (lb, ub) in bounds.items():
                    assert lb <= x[c] <= ub, (value, c)


@SETTINGS
@given(plans(max_n=4), st.data())
def test_a_hint_said_to_be_best_gives_the_optimum_whether_or_not_it_is(data, draws):
    """hint_best: the engine first asks only whether anything beats the hint; a miss proves
    the hint optimal. With the optimum or any other plan as the hint the answer is the
    whole MILP's optimum."""
    plan = load_plan(data)
    core, full = engines(plan)
    fm = core.fm
    points = _feasible_points(data, fm)
    if not points:
        return
    coefs, sense = _objective_draw(draws, len(plan.proposals))
    for eng in (core, full):
        eng.set_objective(coefs, sense)
    best = full.solve()
    assert best.status == "optimal"
    hints = [[round(v) for v in best.values], draws.draw(st.sampled_from(points))]
    for hint in hints:
        out = core.solve(hint=[float(v) for v in hint], hint_best=True)
        assert out.status == "optimal"
        assert round(out.objective) == round(best.objective)
        assert not fm.violated_rows([round(v) for v in out.values])


def test_a_missed_round_proves_the_known_plan_only_when_it_is_one_below_the_target():
    """After a round misses target T, the best known plan is optimal only if its value is
    at least T - 1 (values are whole numbers). Here the LP bound is 105, the optimum 101 (two
    A, one B, one C) and the hint 100 (two A, one B): a round aimed at 102 misses, and the
    loop must go on to 101 rather than stop at the hint - whatever gap it starts from."""
    def proposal(pid, unit_cost, max_units):
        return {"id": pid, "name": pid, "unit_cost": unit_cost, "fixed_cost": 0,
                "min_units": 1, "max_units": max_units, "impact_per_unit": 1,
                "category": "spesifik", "package": "kia", "target_group": "balita",
                "location": "", "lock": None, "requires": [], "excludes": []}
    plan = load_plan({"budget": 105, "rules": {}, "proposals": [
        proposal("a", 30, 3), proposal("b", 40, 2), proposal("c", 5, 5)]})
    objective = {0: 30, 1: 40, 2: 1}            # on the unit columns u_a, u_b, u_c
    for remembered in [0.4 * i for i in range(16)]:
        eng = HighsEngine(build(plan), core=True)
        eng.set_objective(objective, "max")
        eng._last_gap[("max", hash(tuple(sorted(objective.items()))))] = remembered
        out = eng.solve(hint=eng.fm.units_to_x((2, 1, 0)))
        assert out.status == "optimal" and round(out.objective) == 101, remembered
