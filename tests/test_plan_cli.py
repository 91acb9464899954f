"""`flask --app planner plan solve PLAN.json` prints the result and says what is wrong with bad files."""
import json

import pytest

PLAN = {
    "budget": 150_000_000,
    "rules": {"category_min_share": {"spesifik": 0.3}, "category_max_share": {"sensitif": 0.7},
              "location_max_share": 0.5, "packages_required": ["kia"], "target_groups_required": ["ibu_hamil"]},
    "proposals": [
        {"id": "p1", "name": "PMT lokal balita", "unit_cost": 15000, "fixed_cost": 0, "min_units": 1,
         "max_units": 2700, "impact_per_unit": 0.002, "category": "spesifik", "package": "konseling_gizi",
         "target_group": "balita", "location": "Dusun Krajan", "lock": None, "requires": [], "excludes": [],
         "apbdes_code": "2.2.02"},
        {"id": "p2", "name": "Kelas ibu hamil", "unit_cost": 50000, "fixed_cost": 1_000_000, "min_units": 10,
         "max_units": 200, "impact_per_unit": 0.001, "category": "spesifik", "package": "kia",
         "target_group": "ibu_hamil", "location": "Dusun Kidul", "lock": None, "requires": [], "excludes": []},
    ],
}


@pytest.fixture
def solve(app, tmp_path):
    runner = app.test_cli_runner()

    def _solve(plan, *options):
        path = tmp_path / "plan.json"
        path.write_text(json.dumps(plan) if not isinstance(plan, str) else plan, encoding="utf-8")
        return runner.invoke(args=["plan", "solve", str(path), *options])
    return _solve


def test_solve_prints_the_result(solve):
    result = solve(PLAN)
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["status"] == "optimal"
    assert out["total_cost"] == 51_500_000
    assert out["total_impact"] == pytest.approx(5.6)
    assert [a["id"] for a in out["allocations"]] == ["p1", "p2"]
    assert out["conflicts"] == []


def test_solve_with_explanations_and_sensitivity(solve):
    out = json.loads(solve(PLAN, "--explain", "--sensitivity", "--compare").output)
    assert len(out["explanations"]) == 2
    assert len(out["sensitivity"]["points"]) >= 21
    assert out["comparison"]["ratio"] is not None


def test_infeasible_plan_names_the_conflict(solve):
    plan = json.loads(json.dumps(PLAN))
    plan["proposals"][0]["lock"] = {"units": 2700}
    plan["proposals"][1]["lock"] = "in"
    plan["budget"] = 40_000_000
    plan["rules"] = {}
    result = solve(plan)
    assert result.exit_code == 1
    out = json.loads(result.output)
    assert out["status"] == "infeasible"
    assert out["conflicts"]
    assert any("Rp 40.000.000" in c["text"]["id"] for c in out["conflicts"])


@pytest.mark.parametrize("change,words", [
    (lambda p: p["proposals"][1].update(min_units=500), ["p2", "min_units"]),
    (lambda p: p["proposals"][0].update(unit_cost=-5), ["p1", "unit_cost"]),
    (lambda p: p.update(budget="banyak"), ["budget"]),
    (lambda p: p["proposals"][1].update(requires=["p9"]), ["p2", "requires"]),
])
def test_invalid_plan_exits_2_naming_field_and_proposal(solve, change, words):
    plan = json.loads(json.dumps(PLAN))
    change(plan)
    result = solve(plan)
    assert result.exit_code == 2
    for word in words:
        assert word in result.output


def test_not_json_exits_2(solve):
    result = solve("{not json")
    assert result.exit_code == 2


def test_a_committed_plan_file_solves_to_the_commitment(app, world, solve):
    """The plan file of a commitment, solved again with its locks kept, gives the committed allocation."""
    from planner.extensions import db
    from planner.models import Commitment
    from planner.services import commitments

    from .test_commitment_frozen import _meeting

    ids = _meeting(app, world)
    with app.app_context():
        commitment = db.session.get(Commitment, ids["commitment"])
        data = commitments.committed_plan_file(commitment)
        agreed = {a["key"]: a["units"] for a in commitment.content["activities"]}
        total = commitment.total_cost
    result = solve(data)
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["status"] == "optimal" and out["total_cost"] == total
    assert {a["id"]: a["units"] for a in out["allocations"] if a["units"]} == agreed
    assert agreed   # the meeting funded something; the latrine the room locked in among it


def test_budget_rise_with_explanations(solve):
    plan = {"budget": 20, "proposals": [
        {"id": "a", "unit_cost": 1, "min_units": 16, "max_units": 16, "impact_per_unit": 1},
        {"id": "b", "unit_cost": 1, "min_units": 6, "max_units": 6, "impact_per_unit": 0.5}]}
    result = solve(plan, "--explain", "--budget-rise")
    assert result.exit_code == 0, result.output
    explanations = {e["id"]: e for e in json.loads(result.output)["explanations"]}
    assert explanations["a"]["budget_rise"] is None
    rise = explanations["b"]["budget_rise"]
    assert rise["status"] == "enters" and rise["rise"] == 2 and rise["budget"] == 22
    assert "naik Rp 2 (menjadi Rp 22" in explanations["b"]["text"]["id"]
    # without the flag the explanations stay as they were
    plain = json.loads(solve(plan, "--explain").output)["explanations"]
    assert plain[1]["budget_rise"] is None and "Rp 22" not in plain[1]["text"]["id"]


PLAN_V2 = {
    "format": "planner-plan", "version": 2, "budget": 20_000_000,
    "groups": {"baduta": {"population": 30, "baseline_risk": 0.2, "source": "SSGI"}},
    "stunted_children": 25,
    "proposals": [
        {"id": "pmt", "name": "PMT lokal baduta", "unit_cost": 15_000, "max_units": 56 * 30,
         "units_per_course": 56, "whole_courses": True, "target_group": "baduta",
         "effect": {"low": 0.02, "central": 0.08, "high": 0.15}, "requires": ["kader"]},
        {"id": "pmba", "name": "Konseling PMBA", "unit_cost": 30_000, "max_units": 6 * 30,
         "units_per_course": 6, "whole_courses": True, "target_group": "baduta",
         "effect": {"low": 0.01, "central": 0.05, "high": 0.1}, "requires": ["kader"]},
        {"id": "kader", "name": "Insentif kader", "unit_cost": 150_000, "max_units": 24,
         "units_per_course": 12, "whole_courses": True, "enabling": True},
    ],
}


def test_solve_reads_version_2(solve):
    result = solve(PLAN_V2, "--explain", "--sensitivity", "--compare")
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["status"] == "optimal" and out["gap"] <= 1e-6
    units = {a["id"]: a["units"] for a in out["allocations"]}
    assert units["pmt"] % 56 == 0 and units["pmba"] % 6 == 0 and units["kader"] % 12 == 0
    assert units["kader"] == 12                # the platform stays with its services, once
    assert out["impact_range"]["low"] < out["total_impact"] < out["impact_range"]["high"]
    assert len(out["explanations"]) == 3 and out["comparison"]["ratio"] is not None


def test_solve_accepts_a_byte_order_mark(app, tmp_path):
    path = tmp_path / "plan.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(PLAN).encode())
    result = app.test_cli_runner().invoke(args=["plan", "solve", str(path)])
    assert result.exit_code == 0, result.output


def test_a_deeply_nested_file_exits_2_with_a_message(solve):
    result = solve("[" * 100_000 + "]" * 100_000)
    assert result.exit_code == 2
    assert "terlalu bertingkat" in result.output
