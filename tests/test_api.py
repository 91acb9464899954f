"""The read API: every response matches docs/openapi.json; scoping, tokens and errors as documented."""
import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from sqlalchemy import select

from planner.extensions import db
from planner.models import ApiToken, Commitment, Realisation, User

from .test_commitment_frozen import _meeting

SPEC = json.loads((Path(__file__).resolve().parent.parent / "docs" / "openapi.json").read_text())
REGISTRY = Registry().with_resource("spec", Resource.from_contents(SPEC, default_specification=DRAFT202012))


def _validate(response, schema_name):
    schema = {"$ref": f"spec#/components/schemas/{schema_name}"}
    Draft202012Validator(schema, registry=REGISTRY).validate(response.get_json())


@pytest.fixture
def committed(app, world):
    ids = _meeting(app, world)
    with app.app_context():
        commitment = db.session.get(Commitment, ids["commitment"])
        key = commitment.content["activities"][0]["key"]
        db.session.add(Realisation(plan_id=ids["plan"], activity_key=key, quarter=1, spent=500_000, units_delivered=2,
                                   commitment_version=1))
        db.session.commit()
    return ids


def _token(app, world, who="admin_a", name="uji"):
    from planner.services.api_tokens import create_token

    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == world.usernames[who]))
        record, token = create_token(user, name)
        return record.id, token


def _bearer(token):
    return {"Authorization": f"Bearer {token}"}


# --- Schema and content --------------------------------------------------------------------------------------

def test_village_plan_matches_the_schema_and_holds_the_commitment(committed, login):
    client = login("desa_a1")
    response = client.get("/api/v1/villages/35.17.09.2001/plans/2027")
    assert response.status_code == 200
    _validate(response, "VillagePlan")
    data = response.get_json()
    assert data["village"]["kecamatan"]["code"] == "35.17.09" and data["plan"]["status"] == "committed"
    assert data["commitments"][0]["hash_valid"] is True and data["commitments"][0]["version"] == 1
    realised = [a for a in data["activities"] if a["realisation"]]
    assert realised and realised[0]["realisation"] == [{"quarter": 1, "spent": 500_000, "units_delivered": 2}]
    assert any(p["name"] == "Jamban sehat keluarga" for p in data["proposals"])


def test_kecamatan_summary_matches_the_schema(committed, login):
    client = login("kec_a1")
    response = client.get("/api/v1/kecamatan/35.17.09/summary?year=2027")
    assert response.status_code == 200
    _validate(response, "KecamatanSummary")
    data = response.get_json()
    assert [v["code"] for v in data["villages"]] == ["35.17.09.2001", "35.17.09.2002"]
    assert data["totals"]["committed_villages"] == 1 and data["villages"][0]["status"] == "committed"
    assert data["totals"]["spent"] == 500_000


def test_commitments_list_paginates_and_matches_the_schema(committed, login):
    client = login("admin_a")
    response = client.get("/api/v1/commitments?year=2027")
    assert response.status_code == 200
    _validate(response, "CommitmentList")
    data = response.get_json()
    assert data["total"] == 1 and data["region"]["code"] == "35.17"
    assert data["commitments"][0]["village"]["code"] == "35.17.09.2001"
    assert any(a["apbdes_code"] == "2.4.14" for a in data["commitments"][0]["activities"])
    empty_page = client.get("/api/v1/commitments?year=2027&offset=1&limit=1").get_json()
    assert empty_page["total"] == 1 and empty_page["commitments"] == []
    by_kecamatan = client.get("/api/v1/commitments?year=2027&kecamatan=35.17.10").get_json()
    assert by_kecamatan["total"] == 0


# --- Scoping -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("who, village, summary, commitments", [
    ("admin_a", 200, 200, 200), ("kec_a1", 200, 200, 200), ("desa_a1", 200, 404, 404),
    ("kec_a2", 404, 404, 404), ("desa_a1y", 404, 404, 404), ("admin_b", 404, 404, 404), ("desa_b", 404, 404, 404)])
def test_every_role_sees_only_its_region(committed, login, who, village, summary, commitments):
    client = login(who)
    assert client.get("/api/v1/villages/35.17.09.2001/plans/2027").status_code == village
    assert client.get("/api/v1/kecamatan/35.17.09/summary?year=2027").status_code == summary
    response = client.get("/api/v1/commitments?year=2027&kecamatan=35.17.09")
    assert response.status_code == commitments
    if response.status_code == 404:
        assert response.get_json()["error"]["code"] == "not_found"


def test_unknown_village_or_year_is_404_json(committed, login):
    client = login("admin_a")
    for url in ("/api/v1/villages/35.17.09.2001/plans/2031", "/api/v1/villages/35.17.09.9999/plans/2027"):
        response = client.get(url)
        assert response.status_code == 404 and response.is_json


# --- Authentication ------------------------------------------------------------------------------------------

def test_bearer_token_works_without_a_session(app, world, client, committed):
    _, token = _token(app, world)
    response = client.get("/api/v1/kecamatan/35.17.09/summary?year=2027", headers=_bearer(token))
    assert response.status_code == 200
    _validate(response, "KecamatanSummary")
    with app.app_context():
        assert db.session.scalar(select(ApiToken)).last_used_at is not None


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer pln_salah"}, {"Authorization": "Basic abc"},
                                     {"Authorization": "Bearer "}])
def test_without_a_valid_token_the_answer_is_401_json(client, world, headers):
    response = client.get("/api/v1/kecamatan/35.17.09/summary?year=2027", headers=headers)
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "unauthorized"
    assert "Location" not in response.headers


def test_a_revoked_token_stops_working(app, world, client):
    token_id, token = _token(app, world)
    from planner.services.api_tokens import revoke_token

    with app.app_context():
        revoke_token(db.session.get(ApiToken, token_id))
    assert client.get("/api/v1/commitments?year=2027", headers=_bearer(token)).status_code == 401


def test_a_token_does_not_open_the_html_pages(app, world, client):
    _, token = _token(app, world)
    response = client.get("/kabupaten/35.17/dasbor", headers=_bearer(token))
    assert response.status_code == 303 and "/masuk" in response.headers["Location"]


# --- Parameters ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("url, parameter", [
    ("/api/v1/kecamatan/35.17.09/summary", "year"), ("/api/v1/kecamatan/35.17.09/summary?year=dua", "year"),
    ("/api/v1/commitments?year=2027&limit=0", "limit"), ("/api/v1/commitments?year=2027&limit=9999", "limit"),
    ("/api/v1/commitments?year=2027&offset=-1", "offset"), ("/api/v1/commitments?year=2027&kecamatan=35", "kecamatan"),
    ("/api/v1/commitments", "year")])
def test_bad_parameters_are_named(login, url, parameter):
    client = login("admin_a")
    response = client.get(url)
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"]["parameter"] == parameter
    Draft202012Validator({"$ref": "spec#/components/schemas/Error"}, registry=REGISTRY).validate(body)


def test_a_kecamatan_officer_must_name_the_kecamatan(login, world):
    client = login("kec_a1")
    response = client.get("/api/v1/commitments?year=2027")
    assert response.status_code == 400 and response.get_json()["error"]["parameter"] == "kecamatan"


# --- The token page ----------------------------------------------------------------------------------------------

def test_token_page_shows_a_new_token_once_and_revokes(app, world, login):
    client = login("kec_a1")
    assert client.get("/akun/token").status_code == 200
    empty = client.post("/akun/token", data={"name": " "})
    assert empty.status_code == 422 and "Beri nama token" in empty.text
    made = client.post("/akun/token", data={"name": "Dasbor TPPS"})
    assert made.status_code == 200 and "hanya ditampilkan sekali" in made.text
    token = made.text.split('id="new-token">')[1].split("<")[0]
    assert token.startswith("pln_")
    again = client.get("/akun/token")
    assert token not in again.text and "Dasbor TPPS" in again.text
    with app.app_context():
        record = db.session.scalar(select(ApiToken))
        assert record.token_hash != token and len(record.token_hash) == 64
        token_id = record.id
    assert client.get("/api/v1/kecamatan/35.17.09/summary?year=2027", headers=_bearer(token)).status_code == 200
    assert client.open(f"/akun/token/{token_id}/cabut", method="POST", csrf=False).status_code == 400
    assert client.post(f"/akun/token/{token_id}/cabut").status_code == 303
    client.post("/keluar")
    assert client.get("/api/v1/kecamatan/35.17.09/summary?year=2027", headers=_bearer(token)).status_code == 401


def test_another_users_token_cannot_be_revoked(app, world, login):
    token_id, _ = _token(app, world, who="admin_a")
    client = login("kec_a1")
    assert client.post(f"/akun/token/{token_id}/cabut").status_code == 404
    with app.app_context():
        assert db.session.get(ApiToken, token_id).revoked_at is None


def test_the_spec_lists_every_api_route(app):
    routes = {rule.rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")}
    documented = {"/api/v1" + path.replace("{", "<").replace("}", ">") for path in SPEC["paths"]}
    normalised = {r.replace("<int:year>", "<year>") for r in routes}
    assert normalised == documented


# --- Regions, the kabupaten summary, quarters, the served spec ----------------------------------------------------

def test_the_kabupaten_summary_matches_the_schema_and_adds_up_its_kecamatan(committed, login):
    client = login("admin_a")
    response = client.get("/api/v1/kabupaten/35.17/summary?year=2027")
    assert response.status_code == 200
    _validate(response, "KabupatenSummary")
    data = response.get_json()
    assert [k["code"] for k in data["kecamatan"]] == ["35.17.09", "35.17.10"]
    for name in ("villages", "committed", "spent", "pagu", "stunting_budget", "attention_villages"):
        assert data["totals"][name] == sum(k[name] for k in data["kecamatan"])
    assert [sum(k["quarters"][q] for k in data["kecamatan"]) for q in range(4)] == data["totals"]["quarters"]
    kecamatan = client.get("/api/v1/kecamatan/35.17.09/summary?year=2027").get_json()["totals"]
    assert kecamatan == {k: v for k, v in data["kecamatan"][0].items() if k not in ("code", "name")}
    assert all(v["needs_attention"] for v in data["attention"])


@pytest.mark.parametrize("who, status", [("admin_a", 200), ("kec_a1", 404), ("desa_a1", 404), ("admin_b", 404)])
def test_the_kabupaten_summary_is_for_the_kabupaten_only(committed, login, who, status):
    assert login(who).get("/api/v1/kabupaten/35.17/summary?year=2027").status_code == status


def test_summaries_carry_the_quarters_as_reported(committed, login):
    client = login("kec_a1")
    village = client.get("/api/v1/kecamatan/35.17.09/summary?year=2027").get_json()["villages"][0]
    assert village["quarters"]["spent"] == [500_000, None, None, None]
    assert village["quarters"]["last_reported"] == 1 and len(village["quarters"]["expected_cumulative"]) == 4
    plan = client.get("/api/v1/villages/35.17.09.2001/plans/2027").get_json()
    assert plan["quarters"] == village["quarters"]
    assert plan["plan"]["status"] == village["status"] == "committed"


def test_the_status_is_one_status_everywhere(app, world, login):
    from .test_commitment_frozen import _meeting

    _meeting(app, world, commit=False)           # the rembuk is open: "Rembuk berjalan" everywhere
    client = login("kec_a1")
    plan = client.get("/api/v1/villages/35.17.09.2001/plans/2027").get_json()["plan"]
    summary = client.get("/api/v1/kecamatan/35.17.09/summary?year=2027").get_json()["villages"][0]
    assert plan["status"] == summary["status"] == "session"
    assert plan["status_label"] == summary["status_label"] == "Rembuk berjalan"
    assert "Rembuk berjalan" in client.get(f"/rencana/{world.plans['a1x']}").get_data(as_text=True)


def test_the_region_list_is_scoped_and_paginated(committed, login):
    client = login("admin_a")
    response = client.get("/api/v1/regions")
    assert response.status_code == 200
    _validate(response, "RegionList")
    codes = [r["code"] for r in response.get_json()["regions"]]
    assert codes == ["35.17", "35.17.09", "35.17.09.2001", "35.17.09.2002", "35.17.10", "35.17.10.2001"]
    villages = client.get("/api/v1/regions?parent=35.17.09").get_json()
    assert [r["code"] for r in villages["regions"]] == ["35.17.09.2001", "35.17.09.2002"]
    assert villages["regions"][0]["parent"] == "35.17.09"
    page = client.get("/api/v1/regions?level=desa&limit=2&offset=2").get_json()
    assert page["total"] == 3 and [r["code"] for r in page["regions"]] == ["35.17.10.2001"]
    client.post("/keluar")
    kec = login("kec_a1")
    assert [r["code"] for r in kec.get("/api/v1/regions").get_json()["regions"]] == \
        ["35.17.09", "35.17.09.2001", "35.17.09.2002"]
    assert kec.get("/api/v1/regions?parent=35.17.10").status_code == 404
    for url, parameter in (("/api/v1/regions?level=provinsi", "level"), ("/api/v1/regions?parent=abc", "parent")):
        bad = kec.get(url)
        assert bad.status_code == 400 and bad.get_json()["error"]["parameter"] == parameter


def test_the_spec_is_served_publicly_and_is_the_documented_file(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.is_json
    assert response.get_json() == SPEC
    assert client.get("/api/v1/regions").status_code == 401


def test_the_specs_kecamatan_parameter_is_the_servers():
    import re

    parameter = next(p for p in SPEC["paths"]["/commitments"]["get"]["parameters"] if p["name"] == "kecamatan")
    pattern = re.compile(parameter["schema"]["pattern"])
    from planner.models.region import CODE_PATTERNS

    for code in ("35.17.09", "35", "35.17", "35.17.09.2001", "35.17.9"):
        assert bool(pattern.match(code)) == bool(CODE_PATTERNS["kecamatan"].match(code)), code
    assert "Required for a kecamatan officer" in parameter["description"]
