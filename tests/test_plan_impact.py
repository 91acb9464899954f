"""Properties of what the pages show (services.plan_impact, pure on plan-file dicts): the range
holds the central figure, the parts add up, nobody is reached twice, and the plausibility guard
names activities that carry at least the excess."""
from hypothesis import given
from hypothesis import strategies as st

from planner.services.plan_impact import plan_impact, units_of

GROUPS = ("baduta", "ibu_hamil", "keluarga")


@st.composite
def plan_files(draw):
    groups = {g: {"population": draw(st.integers(1, 300)), "baseline_risk": draw(st.floats(0.01, 0.6)),
                  "source": "measured"} for g in draw(st.lists(st.sampled_from(GROUPS), unique=True, max_size=3))}
    proposals, units = [], {}
    for i in range(draw(st.integers(1, 8))):
        pid = f"u{i}"
        entry = {"id": pid, "name": f"K{i}", "target_group": draw(st.sampled_from(GROUPS)), "unit_cost": 1,
                 "fixed_cost": 0, "min_units": 0, "max_units": 1000}
        if draw(st.booleans()):
            low = draw(st.floats(0, 0.5))
            central = draw(st.floats(low, 0.7))
            high = draw(st.floats(central, 0.9))
            entry.update(effect={"low": low, "central": central, "high": high},
                         units_per_course=draw(st.sampled_from([1, 12, 56, 180])),
                         already_reached=draw(st.integers(0, 50)), impact_per_unit=0.001)
        else:
            entry.update(impact_per_unit=draw(st.floats(0, 0.01)),
                         impact_source=draw(st.sampled_from(["manual", "catalogue", "missing"])))
        proposals.append(entry)
        units[pid] = draw(st.integers(0, 1000))
    stunted = draw(st.one_of(st.none(), st.floats(1, 100)))
    data = {"groups": groups, "proposals": proposals}
    if stunted is not None:
        data["stunted_children"] = stunted
    return data, units, draw(st.floats(0.01, 0.5))


@given(plan_files())
def test_range_parts_people_and_carriers(case):
    data, units, bound = case
    found = plan_impact(data, units, bound)
    assert found.low <= found.central + 1e-9 <= found.high + 2e-9
    assert abs(sum(found.by_proposal.values()) - found.central) <= 1e-6 * max(1.0, found.central)
    by_id = {p["id"]: p for p in data["proposals"]}
    for pid, people in found.people.items():
        group = data["groups"][by_id[pid]["target_group"]]
        assert 0 <= people <= max(0, group["population"] - by_id[pid]["already_reached"]) + 1e-9
    for key, group in data["groups"].items():      # a group never has more cases averted than it has at risk
        in_group = sum(found.by_proposal[p["id"]] for p in data["proposals"]
                       if p["id"] in found.people and p["target_group"] == key)
        assert in_group <= group["population"] * group["baseline_risk"] + 1e-9
    assert {p["id"] for p in data["proposals"] if p.get("impact_source") == "manual" and "effect" not in p} \
        == found.own_estimate
    if found.exceeds:
        excess = found.central - bound * found.stunted
        assert sum(found.by_proposal[pid] for pid in found.carriers) >= excess - 1e-9
    else:
        assert found.carriers == []
        assert found.share is None or found.share <= bound


def test_units_of_reads_an_answer():
    assert units_of({"allocations": [{"id": "u1", "units": 3}, {"id": "u2", "units": 0}]}) == {"u1": 3, "u2": 0}
    assert units_of({}) == {}
