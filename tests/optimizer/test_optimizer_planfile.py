"""Plan file v1: validation messages name field and proposal, in both languages; round trip."""
import copy
import json
import subprocess
import sys

import pytest

from planner.optimizer import (PlanError, dump_plan, format_rupiah, load_plan, result_to_dict,
                               solve, solve_plan_file)

BASE = {
    "budget": 150000000,
    "rules": {"category_min_share": {"spesifik": 0.3}, "category_max_share": {"sensitif": 0.7},
              "location_max_share": 0.5, "packages_required": ["kia"],
              "target_groups_required": ["ibu_hamil"]},
    "proposals": [
        {"id": "p1", "name": "PMT lokal balita", "unit_cost": 15000, "fixed_cost": 0,
         "min_units": 1, "max_units": 2700, "impact_per_unit": 0.002, "category": "spesifik",
         "package": "konseling_gizi", "target_group": "balita", "location": "Dusun Krajan",
         "lock": None, "requires": [], "excludes": [], "unit": "anak-hari",
         "apbdes_code": "2.2.02"},
        {"id": "p2", "name": "Jamban sehat", "unit_cost": 9500000, "max_units": 10,
         "impact_per_unit": 0.01, "category": "sensitif", "package": "air_sanitasi",
         "target_group": "balita", "location": "Dusun Lor"},
        {"id": "p3", "name": "Kelas ibu hamil", "unit_cost": 250000, "fixed_cost": 2000000,
         "min_units": 4, "max_units": 12, "impact_per_unit": 0.03, "category": "spesifik",
         "package": "kia", "target_group": "ibu_hamil", "location": "Dusun Lor"},
        {"id": "p4", "name": "Posyandu", "unit_cost": 300000, "min_units": 1,
         "max_units": 12, "impact_per_unit": 0.005, "category": "spesifik", "package": "kia",
         "target_group": "balita", "location": "Dusun Krajan"},
    ],
    "proposer": "TPPS Desa", "notes": "rembuk 2025",
}


def broken(mutate):
    data = copy.deepcopy(BASE)
    mutate(data)
    with pytest.raises(PlanError) as info:
        load_plan(data)
    return info.value


def setp(k, **fields):
    def mutate(data):
        data["proposals"][k].update(fields)
    return mutate


@pytest.mark.parametrize("mutate, code, field, pid, english_part", [
    (setp(3, min_units=10, max_units=5), "min_gt_max", "min_units", "p4",
     'proposals[3] (id "p4"): min_units (10) is greater than max_units (5)'),
    (setp(1, id="p1"), "duplicate_id", "id", "p1", 'already used by proposals[0]'),
    (setp(1, id=""), "empty", "id", None, "proposals[1]: id must not be empty"),
    (setp(2, unit_cost=-5), "negative", "unit_cost", "p3", "unit_cost must not be negative"),
    (setp(2, unit_cost=1.5), "not_integer", "unit_cost", "p3", "must be a whole number"),
    (setp(2, max_units=2.5), "not_integer", "max_units", "p3", "max_units must be a whole"),
    (setp(2, max_units=0, min_units=0), "max_units_zero", "max_units", "p3", "at least 1"),
    (setp(2, impact_per_unit="high"), "not_number", "impact_per_unit", "p3", "must be a number"),
    (setp(2, impact_per_unit=-0.1), "negative", "impact_per_unit", "p3", "must not be negative"),
    (setp(2, lock="maybe"), "bad_lock", "lock", "p3", 'lock must be null, "in", "out"'),
    (setp(2, lock={"units": 2}), "lock_units_range", "lock", "p3", "lock units (2)"),
    (setp(2, lock={"units": 13}), "lock_units_range", "lock", "p3", "lock units (13)"),
    (setp(2, lock={"amount": 4}), "bad_lock", "lock", "p3", "lock must be"),
    (setp(0, requires=["p9"]), "unknown_reference", "requires", "p1", 'names id "p9"'),
    (setp(0, excludes=["p1"]), "self_reference", "excludes", "p1", "must not name"),
    (setp(0, excludes="p2"), "not_list", "excludes", "p1", "excludes must be a list"),
    (setp(0, category=5), "not_string", "category", "p1", "category must be text"),
])
def test_proposal_errors_name_field_and_proposal(mutate, code, field, pid, english_part):
    error = broken(mutate)
    assert error.code == code
    assert error.field == field
    assert error.proposal_id == pid
    assert english_part in error.message("en")
    assert english_part in str(error)
    assert error.message("id") != error.message("en")
    if pid:
        assert f'(id "{pid}")' in error.message("id")


@pytest.mark.parametrize("mutate, code, where", [
    (lambda d: d.update(budget=-1), "negative", "budget"),
    (lambda d: d.update(budget="banyak"), "not_integer", "budget"),
    (lambda d: d.pop("budget"), "missing", "plan"),
    (lambda d: d.update(proposals={}), "not_list", "plan"),
    (lambda d: d.update(format="other"), "wrong_format", "format"),
    (lambda d: d.update(version=3), "unsupported_version", "version"),
    (lambda d: d["rules"].update(location_max_share=1.5), "share_range",
     "rules.location_max_share"),
    (lambda d: d["rules"]["category_min_share"].update(spesifik=-0.1), "share_range",
     "rules.category_min_share.spesifik"),
    (lambda d: d["rules"].update(category_max_shares={}), "unknown_rule", "rules"),
    (lambda d: d["rules"].update(packages_required="kia"), "not_list", "rules"),
])
def test_plan_level_errors(mutate, code, where):
    error = broken(mutate)
    assert error.code == code
    assert error.params["where"] == where
    assert error.message("en").startswith(where)


def test_indonesian_message_example():
    error = broken(setp(3, min_units=10, max_units=5))
    assert error.message("id") == (
        'proposals[3] (id "p4"): min_units (10) lebih besar dari max_units (5)')


def test_round_trip_keeps_extra_fields_and_adds_format():
    plan = load_plan(copy.deepcopy(BASE))
    out = dump_plan(plan)
    assert out["format"] == "planner-plan" and out["version"] == 1
    assert out["proposer"] == "TPPS Desa" and out["notes"] == "rembuk 2025"
    assert out["proposals"][0]["unit"] == "anak-hari"
    assert out["proposals"][0]["apbdes_code"] == "2.2.02"
    assert load_plan(json.loads(json.dumps(out))) == plan
    assert dump_plan(load_plan(out)) == out


def test_dump_with_result_and_lock_units():
    data = copy.deepcopy(BASE)
    data["proposals"][3]["lock"] = {"units": 6}
    plan = load_plan(data)
    result = solve(plan)
    out = dump_plan(plan, result)
    assert out["proposals"][3]["lock"] == {"units": 6}
    assert out["result"]["status"] == "optimal"
    assert [a["id"] for a in out["result"]["allocations"]] == ["p1", "p2", "p3", "p4"]
    assert out["result"]["allocations"][3]["units"] == 6
    assert isinstance(out["result"]["total_cost"], int)
    json.dumps(out)  # JSON-ready
    # a stale result on input is ignored, not carried as an extra field
    assert "result" not in load_plan(out).extra


def test_rupiah_format():
    assert format_rupiah(1250000) == "Rp 1.250.000"
    assert format_rupiah(0) == "Rp 0"
    assert format_rupiah(1_000_000_000_000) == "Rp 1.000.000.000.000"


def test_solve_plan_file_shape():
    out = solve_plan_file(copy.deepcopy(BASE), explain=True, sensitivity=True, compare=True)
    result = out["result"]
    assert set(result) >= {"status", "total_cost", "total_impact", "allocations", "conflicts",
                           "solver", "solve_seconds", "message"}
    assert result["status"] == "optimal"
    assert len(out["explanations"]) == 4
    assert len(out["sensitivity"]["points"]) == 21
    assert out["comparison"]["spreadsheet"]["method"] == "spreadsheet"
    json.dumps(out)


def test_infeasible_locks_over_budget_sentence():
    data = copy.deepcopy(BASE)
    data["rules"] = {}
    data["proposals"][1]["lock"] = {"units": 10}      # Rp 95.000.000
    data["proposals"][0]["lock"] = {"units": 2700}    # Rp 40.500.000
    data["proposals"][2]["lock"] = "in"               # 4 units: Rp 3.000.000
    data["budget"] = 100000000
    result = result_to_dict(solve(load_plan(data)))
    assert result["status"] == "infeasible"
    assert {tuple(c["group"]) for c in result["conflicts"]} == {
        ("budget",), ("lock", "p1"), ("lock", "p2")}
    assert result["message"]["text"]["en"] == (
        "locked-in proposals cost Rp 135.500.000 but the budget is Rp 100.000.000")
    assert result["message"]["text"]["id"] == (
        "usulan yang dikunci masuk butuh Rp 135.500.000, padahal anggaran Rp 100.000.000")
    assert len(result["fewest_to_drop"]) == 1


def run_cli(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "planner.optimizer", *args], input=stdin,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.slow
def test_cli_solves_and_rejects(tmp_path):
    good = tmp_path / "plan.json"
    good.write_text(json.dumps(BASE))
    done = run_cli("solve", str(good))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["result"]["status"] == "optimal"
    bad = copy.deepcopy(BASE)
    bad["proposals"][3].update(min_units=10, max_units=5)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    done = run_cli("solve", str(path), "--lang", "en")
    assert done.returncode == 2
    assert 'proposals[3] (id "p4"): min_units (10) is greater than max_units (5)' in done.stderr
    path.write_text("{not json")
    assert run_cli("solve", str(path)).returncode == 2
