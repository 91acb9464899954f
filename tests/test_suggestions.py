"""The optimizer on the plan page: computing a suggestion, its rules, and the plan file."""
import json

import pytest

from planner.extensions import db
from planner.models import Plan, Proposal, Suggestion

from .conftest import text_of


def _no_rules(app, plan_id):
    """The factory plan has no proposal for pregnant women or baduta, which the default rules
    require; tests of a feasible suggestion switch those rules off."""
    with app.app_context():
        db.session.get(Plan, plan_id).rules = {"target_groups_required": []}
        db.session.commit()


def _plan_state(app, plan_id):
    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        return (plan.version_id, plan.stunting_budget,
                [(p.id, p.version_id, p.max_units) for p in plan.proposals])


def test_compute_shows_suggestion_fragment_and_keeps_plan(login, world, app):
    client = login("desa_a1")
    plan_id = world.plans["a1x"]
    _no_rules(app, plan_id)
    before = _plan_state(app, plan_id)
    response = client.htmx("POST", f"/rencana/{plan_id}/hitung")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<section class="card" id="suggestion">')
    assert "<html" not in body
    text = text_of(response)
    assert "Perkiraan kasus stunting tercegah" in text
    assert "Tidak didanai (" in text and "Dibandingkan cara biasa" in text
    assert "<svg" in body and "Jika anggaran berubah" in text
    assert "HX-Request" in response.headers.get("Vary", "")
    assert _plan_state(app, plan_id) == before
    with app.app_context():
        suggestion = db.session.query(Suggestion).filter_by(plan_id=plan_id).one()
        assert suggestion.status == "optimal"
        assert suggestion.total_cost <= 150_000_000


def test_compute_without_htmx_redirects_to_suggestion_page(login, world, app):
    client = login("desa_a1")
    plan_id = world.plans["a1x"]
    _no_rules(app, plan_id)
    response = client.post(f"/rencana/{plan_id}/hitung")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/rencana/{plan_id}/usulan-alokasi")
    page = client.get(response.headers["Location"])
    assert page.status_code == 200 and "Tidak didanai (" in text_of(page)
    # and the plan page shows the latest suggestion too
    assert "Tidak didanai (" in text_of(client.get(f"/rencana/{plan_id}"))


def test_suggestion_funds_what_fits_the_budget(login, world, app):
    client = login("desa_a1")
    plan_id = world.plans["a1x"]
    _no_rules(app, plan_id)
    client.post(f"/rencana/{plan_id}/hitung")
    with app.app_context():
        s = db.session.query(Suggestion).filter_by(plan_id=plan_id).one()
        allocations = {a["id"]: a for a in s.result["result"]["allocations"]}
        proposals = {p.name: p for p in db.session.query(Proposal).filter_by(plan_id=plan_id)}
    # the kader incentive has an impact and fits: funded in full
    kader = proposals["Insentif kader posyandu"]
    assert allocations[f"u{kader.id}"]["units"] == kader.max_units
    # PMT has no impact given (custom, no catalogue evidence): never funded for nothing
    pmt = proposals["PMT lokal balita"]
    assert allocations[f"u{pmt.id}"]["units"] == 0


def test_suggestion_marks_itself_stale_when_the_plan_changes(login, world, app):
    client = login("desa_a1")
    plan_id = world.plans["a1x"]
    _no_rules(app, plan_id)
    client.post(f"/rencana/{plan_id}/hitung")
    assert "sudah berubah sejak perhitungan" not in text_of(client.get(f"/rencana/{plan_id}/usulan-alokasi"))
    with app.app_context():
        db.session.get(Plan, plan_id).stunting_budget = 90_000_000
        db.session.commit()
    assert "sudah berubah sejak perhitungan" in text_of(client.get(f"/rencana/{plan_id}/usulan-alokasi"))


def test_infeasible_rules_are_explained_in_words(login, world, app):
    client = login("desa_a1")
    plan_id = world.plans["a1x"]
    # the factory plan has no proposal for pregnant women or baduta, which the default rules require
    response = client.htmx("POST", f"/rencana/{plan_id}/hitung")
    text = text_of(response)
    assert "Tidak ada pembagian yang memenuhi semua aturan" in text
    assert "Ibu hamil" in text and "ibu_hamil" not in text
    response = client.post(f"/rencana/{plan_id}/aturan", data={"target_groups_required": ["balita"]})
    assert response.status_code == 303
    text = text_of(client.htmx("POST", f"/rencana/{plan_id}/hitung"))
    assert "Tidak ada pembagian yang memenuhi semua aturan" not in text
    assert "Tidak didanai (" in text


def test_plan_without_proposals_gets_a_clear_message(login, world, app):
    client = login("desa_a1")
    plan_id = world.plans["a1x"]
    with app.app_context():
        for p in db.session.query(Proposal).filter_by(plan_id=plan_id):
            db.session.delete(p)
        db.session.commit()
    response = client.htmx("POST", f"/rencana/{plan_id}/hitung")
    assert response.status_code == 422
    assert "Belum ada usulan kegiatan untuk dihitung" in text_of(response)


@pytest.mark.parametrize("user,status", [
    ("desa_a1", 303), ("desa_a1y", 404), ("desa_b", 404), ("kec_a1", 403), ("kec_b", 404),
    ("admin_a", 403), ("admin_b", 404),
])
def test_compute_is_scoped(login, world, user, status):
    client = login(user)
    assert client.post(f"/rencana/{world.plans['a1x']}/hitung").status_code == status


@pytest.mark.parametrize("user,status", [
    ("desa_a1", 200), ("desa_a1y", 404), ("kec_a1", 200), ("kec_b", 404), ("admin_a", 200), ("admin_b", 404),
])
def test_reading_suggestion_rules_and_plan_file_is_scoped(login, world, user, status):
    client = login(user)
    plan_id = world.plans["a1x"]
    for url in (f"/rencana/{plan_id}/usulan-alokasi", f"/rencana/{plan_id}/aturan", f"/rencana/{plan_id}/rencana.json"):
        assert client.get(url).status_code == status, url


@pytest.mark.parametrize("user,status", [("kec_a1", 403), ("admin_a", 403), ("desa_a1y", 404)])
def test_only_the_village_saves_rules(login, world, user, status):
    client = login(user)
    response = client.post(f"/rencana/{world.plans['a1x']}/aturan", data={"min_spesifik": "50"})
    assert response.status_code == status


def test_compute_and_rules_need_csrf(login, world, app):
    client = login("desa_a1")
    plan_id = world.plans["a1x"]
    assert client.post(f"/rencana/{plan_id}/hitung", csrf=False).status_code == 400
    assert client.post(f"/rencana/{plan_id}/aturan", data={"min_spesifik": "50"}, csrf=False).status_code == 400
    with app.app_context():
        assert db.session.query(Suggestion).count() == 0
        assert db.session.get(Plan, plan_id).rules is None


def test_rules_form_shows_defaults(login, world):
    client = login("desa_a1")
    body = client.get(f"/rencana/{world.plans['a1x']}/aturan").get_data(as_text=True)
    assert 'value="ibu_hamil" checked' in body.replace('checked id', 'checked') or 'checked' in body
    assert "fokus 1.000 hari pertama" in body


def test_rules_are_saved_as_shares(login, world, app):
    client = login("desa_a1")
    plan_id = world.plans["a1x"]
    response = client.post(f"/rencana/{plan_id}/aturan", data={
        "min_spesifik": "30", "max_sensitif": "70", "location_max_share": "50,5",
        "packages_required": ["kia"], "target_groups_required": ["ibu_hamil"]})
    assert response.status_code == 303
    with app.app_context():
        rules = db.session.get(Plan, plan_id).rules
    assert rules == {"category_min_share": {"spesifik": 0.3}, "category_max_share": {"sensitif": 0.7},
                     "location_max_share": 0.505, "packages_required": ["kia"],
                     "target_groups_required": ["ibu_hamil"]}


@pytest.mark.parametrize("data,field,message", [
    ({"min_spesifik": "120"}, "min_spesifik", "Terlalu besar"),
    ({"min_spesifik": "-1"}, "min_spesifik", "Tidak boleh kurang dari 0"),
    ({"min_spesifik": "tiga puluh"}, "min_spesifik", "Tulis angka desimal"),
    ({"min_spesifik": "60", "max_spesifik": "40"}, "min_spesifik", "Batas bawah tidak boleh lebih besar"),
    ({"min_spesifik": "70", "min_sensitif": "40"}, "min_spesifik", "melebihi 100%"),
    ({"location_max_share": "0"}, "location_max_share", "lebih dari 0"),
    ({"packages_required": ["bukan_paket"]}, "packages_required", "Paket layanan tidak dikenal"),
    ({"target_groups_required": ["lansia"]}, "target_groups_required", "Kelompok sasaran tidak dikenal"),
])
def test_rules_validation_at_the_field(login, world, app, data, field, message):
    client = login("desa_a1")
    plan_id = world.plans["a1x"]
    response = client.post(f"/rencana/{plan_id}/aturan", data=data)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert message in body and f'id="{field}-error"' in body
    with app.app_context():
        assert db.session.get(Plan, plan_id).rules is None


def test_plan_file_download_solves_to_the_stored_suggestion(login, world, app):
    from planner.optimizer import solve_plan_file

    client = login("desa_a1")
    plan_id = world.plans["a1x"]
    _no_rules(app, plan_id)
    client.post(f"/rencana/{plan_id}/hitung")
    response = client.get(f"/rencana/{plan_id}/rencana.json")
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["format"] == "planner-plan" and data["version"] == 2
    assert data["budget"] == 150_000_000 and len(data["proposals"]) == 2
    assert data["rules"]["target_groups_required"] == []
    answer = solve_plan_file(data)
    with app.app_context():
        stored = db.session.query(Suggestion).filter_by(plan_id=plan_id).one().result["result"]
    assert answer["result"]["allocations"] == stored["allocations"]


def _kader_plan(app, plan_id):
    """PMT (Rp 16.500.000) funded in Rp 20.000.000; the kader incentive (Rp 6.000.000) left out.
    Returns the kader incentive's plan-file key."""
    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        plan.stunting_budget = 20_000_000
        key = None
        for p in plan.proposals:
            if p.name == "PMT lokal balita":
                p.impact_per_unit = 0.001
                p.min_units = 1000
                p.max_units = 1000
            else:
                p.min_units = p.max_units = 60
            if p.name == "Insentif kader posyandu":
                key = f"u{p.id}"
        db.session.commit()
    return key


def test_unfunded_proposal_says_at_which_budget_it_enters(login, world, app):
    client = login("desa_a1")
    plan_id = world.plans["a1x"]
    _no_rules(app, plan_id)
    # the kader incentive enters at the first swept budget of at least Rp 22.500.000 (steps of 5%)
    _kader_plan(app, plan_id)
    text = text_of(client.htmx("POST", f"/rencana/{plan_id}/hitung"))
    assert "mulai didanai bila anggaran stunting naik menjadi Rp 23.000.000" in text


def test_a_level_the_time_limit_stopped_is_neither_drawn_nor_read_as_an_entry_budget(login, world, app):
    """A sweep level stopped by the time limit ("feasible") may hold a plan far below the best
    one: the chart leaves it out and says so, and "starts to be funded at" skips it."""
    client = login("desa_a1")
    plan_id = world.plans["a1x"]
    _no_rules(app, plan_id)
    _kader_plan(app, plan_id)
    client.post(f"/rencana/{plan_id}/hitung")
    with app.app_context():
        suggestion = db.session.get(Suggestion, _suggestion_id(app, plan_id))
        stored = json.loads(json.dumps(suggestion.result))
        points = stored["sensitivity"]["points"]
        cut = next(p for p in points if p["budget"] == 23_000_000)
        cut["status"] = "feasible"          # as if the time limit had stopped this level
        suggestion.result = stored
        db.session.commit()
        drawn = sum(1 for p in points if p["status"] == "optimal")
    response = client.get(f"/rencana/{plan_id}/usulan-alokasi")
    page, text = response.get_data(as_text=True), text_of(response)
    assert "naik menjadi Rp 23.000.000" not in text
    assert "mulai didanai bila anggaran stunting naik menjadi Rp 24.000.000" in text
    assert ("Pada anggaran Rp 23.000.000 perhitungan berhenti di batas waktu sebelum terbukti "
            "terbaik, jadi titiknya tidak digambar.") in text
    assert page.count("<circle") == drawn and "<title>Rp 23.000.000:" not in page


def _suggestion_id(app, plan_id):
    with app.app_context():
        return db.session.query(Suggestion).filter_by(plan_id=plan_id).order_by(Suggestion.id.desc()).first().id


def test_the_exact_budget_rise_is_computed_on_request_and_kept(login, world, app):
    client = login("desa_a1")
    plan_id = world.plans["a1x"]
    _no_rules(app, plan_id)
    key = _kader_plan(app, plan_id)
    page = client.htmx("POST", f"/rencana/{plan_id}/hitung").get_data(as_text=True)
    sid = _suggestion_id(app, plan_id)
    url = f"/rencana/{plan_id}/usulan-alokasi/{sid}/anggaran/{key}"
    assert f'hx-get="{url}"' in page and f'href="{url}"' in page
    response = client.htmx("GET", url)
    assert response.status_code == 200 and "<html" not in response.get_data(as_text=True)
    # 16.500.000 + 6.000.000: exactly Rp 2.500.000 more, not the sweep's next 5% step
    assert ("masuk rencana terbaik bila anggaran stunting naik Rp 2.500.000 (menjadi Rp 22.500.000"
            in text_of(response))
    with app.app_context():
        kept = db.session.get(Suggestion, sid).result["budget_rises"][key]
    assert kept["status"] == "enters" and kept["rise"] == 2_500_000 and kept["budget"] == 22_500_000
    # the suggestion now shows the answer in place of the link
    shown = text_of(client.get(f"/rencana/{plan_id}/usulan-alokasi"))
    assert "naik Rp 2.500.000 (menjadi Rp 22.500.000" in shown
    assert "Hitung tepat" not in shown
    # a plain request (no htmx) gets a page of its own
    plain = client.get(url)
    assert plain.status_code == 200 and "<html" in plain.get_data(as_text=True)
    assert "naik Rp 2.500.000" in text_of(plain)


def test_twins_share_one_budget_rise(login, world, app, monkeypatch):
    """Two posyandu propose the same kader incentive at the same cost and impact: each is in a best
    plan once the budget covers one of them (Rp 22.500.000; which one is funded there is a tie),
    and each answer is kept with the suggestion."""
    from planner import optimizer
    from tests import factories
    client = login("desa_a1")
    plan_id = world.plans["a1x"]
    _no_rules(app, plan_id)
    key = _kader_plan(app, plan_id)
    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        kader = next(p for p in plan.proposals if f"u{p.id}" == key)
        twin = factories.proposal(plan, name=kader.name, category=kader.category, package=kader.package,
                                  target_group=kader.target_group, location="Posyandu Melati 2",
                                  unit=kader.unit, unit_cost=kader.unit_cost, min_units=kader.min_units,
                                  max_units=kader.max_units, impact_per_unit=kader.impact_per_unit,
                                  position=kader.position + 1)
        db.session.commit()
        twin_key = f"u{twin.id}"
    client.post(f"/rencana/{plan_id}/hitung")
    sid = _suggestion_id(app, plan_id)
    searches = []
    real = optimizer.budget_rises
    monkeypatch.setattr(optimizer, "budget_rises", lambda *a, **k: searches.append(1) or real(*a, **k))
    first = text_of(client.htmx("GET", f"/rencana/{plan_id}/usulan-alokasi/{sid}/anggaran/{key}"))
    second = text_of(client.htmx("GET", f"/rencana/{plan_id}/usulan-alokasi/{sid}/anggaran/{twin_key}"))
    assert "naik Rp 2.500.000 (menjadi Rp 22.500.000" in first
    assert "naik Rp 2.500.000 (menjadi Rp 22.500.000" in second
    assert 1 <= len(searches) <= 2
    with app.app_context():
        kept = db.session.get(Suggestion, sid).result["budget_rises"]
    assert kept[key]["budget"] == kept[twin_key]["budget"] == 22_500_000
    assert kept[twin_key]["id"] == twin_key


def test_budget_rise_refuses_funded_proposals_and_foreign_suggestions(login, world, app):
    client = login("desa_a1")
    plan_id = world.plans["a1x"]
    _no_rules(app, plan_id)
    _kader_plan(app, plan_id)
    client.post(f"/rencana/{plan_id}/hitung")
    sid = _suggestion_id(app, plan_id)
    with app.app_context():
        funded = next(a["id"] for a in db.session.get(Suggestion, sid).result["result"]["allocations"]
                      if a["units"])
    response = client.htmx("GET", f"/rencana/{plan_id}/usulan-alokasi/{sid}/anggaran/{funded}")
    assert response.status_code == 422 and "sudah didanai" in text_of(response)
    assert client.get(f"/rencana/{plan_id}/usulan-alokasi/{sid}/anggaran/nope").status_code == 404
    other = world.plans["a1y"]
    assert client.get(f"/rencana/{other}/usulan-alokasi/{sid}/anggaran/{funded}").status_code == 404


@pytest.mark.parametrize("user,status", [
    ("desa_a1", 200), ("desa_a1y", 404), ("kec_a1", 200), ("kec_b", 404), ("admin_a", 200), ("admin_b", 404),
])
def test_budget_rise_is_scoped(login, world, app, user, status):
    plan_id = world.plans["a1x"]
    _no_rules(app, plan_id)
    key = _kader_plan(app, plan_id)
    village = login("desa_a1")
    village.post(f"/rencana/{plan_id}/hitung")
    village.post("/keluar")
    sid = _suggestion_id(app, plan_id)
    client = login(user)
    assert client.get(f"/rencana/{plan_id}/usulan-alokasi/{sid}/anggaran/{key}").status_code == status
