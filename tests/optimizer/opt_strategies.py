"""Hypothesis strategies: small, valid plan-file dicts with rules, locks and links."""
from hypothesis import strategies as st

IMPACTS = [0, 0.001, 0.1, 0.25, 0.3, 0.5, 1, 1.5]


@st.composite
def proposals(draw, n):
    out = []
    for k in range(n):
        max_units = draw(st.integers(1, 3))
        min_units = draw(st.integers(0, max_units))
        low = max(1, min_units)
        lock = draw(st.sampled_from([None] * 6 + ["in", "out", "units"]))
        if lock == "units":
            lock = {"units": draw(st.integers(low, max_units))}
        out.append({
            "id": f"p{k + 1}",
            "name": f"Usulan {k + 1}",
            "unit_cost": draw(st.integers(0, 60)),
            "fixed_cost": draw(st.sampled_from([0, 0, 5, 20])),
            "min_units": min_units,
            "max_units": max_units,
            "impact_per_unit": draw(st.sampled_from(IMPACTS)),
            "category": draw(st.sampled_from(["spesifik", "sensitif"])),
            "package": draw(st.sampled_from(["kia", "paud", "air_sanitasi"])),
            "target_group": draw(st.sampled_from(["balita", "ibu_hamil"])),
            "location": draw(st.sampled_from(["Krajan", "Lor", ""])),
            "lock": lock,
            "requires": [],
            "excludes": [],
        })
    ids = [p["id"] for p in out]
    if n >= 2:
        for _ in range(draw(st.integers(0, 2))):
            a, b = draw(st.permutations(ids))[:2]
            kind = draw(st.sampled_from(["requires", "excludes"]))
            out[ids.index(a)][kind].append(b)
    return out


@st.composite
def plans(draw, max_n=5, rules=True, locks=True, category_min=True):
    n = draw(st.integers(1, max_n))
    props = draw(proposals(n))
    if not locks:
        for p in props:
            p["lock"] = None
    rule_set = {}
    if rules:
        if category_min and draw(st.booleans()):
            rule_set["category_min_share"] = {"spesifik": draw(st.sampled_from([0.1, 0.3, 0.5]))}
        if draw(st.booleans()):
            rule_set["category_max_share"] = {"sensitif": draw(st.sampled_from([0.2, 0.5, 0.7]))}
        if draw(st.booleans()):
            rule_set["location_max_share"] = draw(st.sampled_from([0.4, 0.6]))
        if draw(st.booleans()):
            rule_set["packages_required"] = draw(st.lists(
                st.sampled_from(["kia", "paud"]), max_size=2, unique=True))
        if draw(st.booleans()):
            rule_set["target_groups_required"] = ["ibu_hamil"]
    return {"budget": draw(st.integers(0, 250)), "rules": rule_set, "proposals": props}
