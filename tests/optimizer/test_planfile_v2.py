"""Plan file version 2: groups, courses, effects, enabling items; errors name the field (id + en)."""
import copy
import json

import pytest

from planner.optimizer import PlanError, dump_plan, load_plan

V2 = {
    "format": "planner-plan", "version": 2, "budget": 10_000_000,
    "groups": {"baduta": {"population": 40, "baseline_risk": 0.22, "source": "SSGI 2024"}},
    "stunted_children": 30,
    "proposals": [
        {"id": "pmt", "name": "PMT lokal baduta", "unit_cost": 15_000, "max_units": 56 * 40,
         "units_per_course": 56, "whole_courses": True, "target_group": "baduta",
         "effect": {"low": 0.02, "central": 0.1, "high": 0.2}, "already_reached": 5,
         "requires": ["kader"], "impact_per_unit": 0.001},
        {"id": "kader", "name": "Insentif kader", "unit_cost": 100_000, "max_units": 12,
         "units_per_course": 12, "whole_courses": True, "enabling": True},
        {"id": "own", "name": "Kegiatan desa", "unit_cost": 50_000, "max_units": 10,
         "impact_per_unit": 0.01},
    ],
}


def broken(mutate):
    data = copy.deepcopy(V2)
    mutate(data)
    with pytest.raises(PlanError) as info:
        load_plan(data)
    return info.value


def test_version_2_reads_and_round_trips():
    plan = load_plan(copy.deepcopy(V2))
    assert plan.version == 2 and plan.groups["baduta"]["population"] == 40
    pmt, kader, own = plan.proposals
    assert (pmt.units_per_course, pmt.whole_courses, pmt.already_reached) == (56, True, 5)
    assert pmt.effect == {"low": 0.02, "central": 0.1, "high": 0.2}
    assert kader.enabling and kader.step == 12 and own.effect is None and own.step == 1
    out = dump_plan(plan)
    assert out["version"] == 2 and out["groups"] == V2["groups"] and out["stunted_children"] == 30
    assert load_plan(json.loads(json.dumps(out))) == plan


def test_version_1_keeps_version_2_fields_as_extra():
    data = copy.deepcopy(V2)
    data["version"] = 1
    data["proposals"][1]["impact_per_unit"] = 0
    data["proposals"][0]["impact_per_unit"] = 0.001
    plan = load_plan(data)
    assert plan.version == 1 and plan.groups == {}
    assert plan.proposals[0].effect is None and plan.proposals[0].extra["effect"]["central"] == 0.1
    assert dump_plan(plan)["version"] == 1


def test_groups_without_version_mean_version_2():
    data = copy.deepcopy(V2)
    del data["version"]
    assert load_plan(data).version == 2


def setp(k, **fields):
    return lambda d: d["proposals"][k].update(fields)


@pytest.mark.parametrize("mutate, code, field", [
    (lambda d: d["groups"]["baduta"].pop("population"), "missing", "population"),
    (lambda d: d["groups"]["baduta"].update(baseline_risk=1.5), "share_range", "baseline_risk"),
    (lambda d: d["groups"]["baduta"].update(population=-1), "negative", "population"),
    (lambda d: d.update(groups=[1]), "not_object", "groups"),
    (lambda d: d.update(stunted_children="banyak"), "not_number", "stunted_children"),
    (setp(0, units_per_course=0), "below_minimum", "units_per_course"),
    (setp(0, units_per_course=1.5), "not_integer", "units_per_course"),
    (setp(0, whole_courses="ya"), "not_boolean", "whole_courses"),
    (setp(1, enabling=1), "not_boolean", "enabling"),
    (setp(0, effect={"low": 0.3, "central": 0.1, "high": 0.2}), "effect_order", "effect"),
    (setp(0, effect={"low": 0.1, "central": 0.1, "high": 1.2}), "share_range", "effect.high"),
    (setp(0, effect={"low": 0.1, "central": 0.1}), "missing", "effect.high"),
    (setp(0, effect={"low": 0.1, "central": 0.1, "high": 0.1, "max": 1}), "unknown_effect_level",
     "effect.max"),
    (setp(0, effect=0.1), "not_object", "effect"),
    (setp(0, target_group="balita"), "effect_unknown_group", "target_group"),
    (setp(0, already_reached=41), "reached_beyond_population", "already_reached"),
    (setp(1, effect={"low": 0.1, "central": 0.1, "high": 0.1}, target_group="baduta"),
     "enabling_with_effect", "effect"),
    (setp(1, impact_per_unit=0.2), "enabling_with_effect", "impact_per_unit"),
    (setp(0, lock={"units": 100}), "lock_not_whole", "lock"),
    (setp(1, max_units=6), "max_below_course", "max_units"),
])
def test_version_2_errors_name_the_field(mutate, code, field):
    error = broken(mutate)
    assert error.code == code and error.field == field
    assert error.message("id") != error.message("en")
    assert "{" not in error.message("id") and "{" not in error.message("en")
