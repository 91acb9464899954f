"""Small version-2 plans (hypothesis) and the brute force that checks the optimizer against them."""
import itertools

from hypothesis import strategies as st

from planner.optimizer import load_plan
from planner.optimizer.formulation import build
from planner.optimizer.impact_model import evaluate

EFFECTS = [0.0, 0.05, 0.1, 0.2, 0.35, 0.5, 0.8, 1.0]


@st.composite
def effects(draw):
    values = sorted(draw(st.lists(st.sampled_from(EFFECTS), min_size=3, max_size=3)))
    return {"low": values[0], "central": values[1], "high": values[2]}


@st.composite
def v2_plans(draw, max_proposals=5):
    groups = {}
    for name in draw(st.lists(st.sampled_from(["baduta", "balita", "ibu_hamil"]), min_size=1,
                              max_size=2, unique=True)):
        groups[name] = {"population": draw(st.integers(1, 5)),
                        "baseline_risk": draw(st.sampled_from([0.1, 0.2, 0.35, 0.5, 1.0])),
                        "source": "test"}
    n = draw(st.integers(1, max_proposals))
    proposals = []
    for k in range(n):
        kind = draw(st.sampled_from(["combined", "combined", "combined", "additive", "enabling"]))
        per_course = draw(st.integers(1, 3))
        whole = draw(st.booleans())
        max_units = draw(st.integers(per_course if whole else 1, 6))
        p = {"id": f"p{k + 1}", "name": f"Usulan {k + 1}",
             "unit_cost": draw(st.integers(0, 40)), "fixed_cost": draw(st.sampled_from([0, 0, 10])),
             "min_units": draw(st.integers(0, 2)), "max_units": max_units,
             "units_per_course": per_course, "whole_courses": whole,
             "category": draw(st.sampled_from(["spesifik", "sensitif"])),
             "target_group": draw(st.sampled_from(sorted(groups)))}
        p["min_units"] = min(p["min_units"], max_units)
        if kind == "combined":
            p["effect"] = draw(effects())
            p["impact_per_unit"] = draw(st.sampled_from([0, 0.3]))    # ignored beside an effect
            if draw(st.booleans()):
                p["already_reached"] = draw(st.integers(0, groups[p["target_group"]]["population"]))
        elif kind == "additive":
            p["impact_per_unit"] = draw(st.sampled_from([0, 0.01, 0.2, 0.5]))
        else:
            p["enabling"] = True
        lock = draw(st.sampled_from([None] * 8 + ["in", "out"]))
        if lock:
            p["lock"] = lock
        proposals.append(p)
    enabling = [p["id"] for p in proposals if p.get("enabling")]
    for p in proposals:
        if enabling and not p.get("enabling") and draw(st.booleans()):
            p["requires"] = [draw(st.sampled_from(enabling))]
    rules = {}
    if draw(st.integers(0, 3)) == 0:
        rules["category_min_share"] = {"spesifik": draw(st.sampled_from([0.1, 0.3]))}
    return {"format": "planner-plan", "version": 2, "budget": draw(st.integers(0, 200)),
            "groups": groups, "stunted_children": 3, "rules": rules, "proposals": proposals}


def options(plan, fm, k):
    p = plan.proposals[k]
    out = [0]
    for u in range(max(1, p.min_units), fm.cap[k] + 1):
        if u % p.step == 0:
            out.append(u)
    return out


def brute_force(data):
    """Every feasible plan: [(units tuple, central impact, cost)] checked row by row, exactly."""
    plan = load_plan(data)
    fm = build(plan)
    ids = [p.id for p in plan.proposals]
    plans = []
    for units in itertools.product(*(options(plan, fm, k) for k in range(fm.n))):
        if fm.violated_rows(fm.units_to_x(units)):
            continue
        impact = evaluate(data, dict(zip(ids, units)))["central"]
        plans.append((units, impact, fm.total_cost(units)))
    return plans
