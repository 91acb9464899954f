"""Importing an optimizer plan file (JSON v1) through the import page: rows, notes, budget and rules."""
import io
import json
import re
from html import unescape

import pytest
from sqlalchemy import select

from planner.extensions import db
from planner.models import CatalogueItem, Plan, Proposal, ProposalLink
from planner.services.proposal_sheet import SheetFileError, parse_file

from .conftest import text_of

FIELDS = ("name", "category", "package", "target_group", "location", "proposer", "unit", "unit_cost", "fixed_cost",
          "min_units", "max_units", "impact_per_unit", "apbdes_code", "catalogue_item_id", "notes")


def upload(client, plan_id, data, name="rencana.json", **kwargs):
    return client.post(f"/rencana/{plan_id}/impor", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data", **kwargs)


def token_of(response) -> str:
    match = re.search(r'<input[^>]*name="rows"[^>]*value="([^"]+)"', response.get_data(as_text=True))
    assert match, "the preview carries no rows"
    return unescape(match.group(1))


def confirm(client, plan_id, token, use_settings=False):
    data = {"rows": token}
    if use_settings:
        data["use_settings"] = "y"
    return client.post(f"/rencana/{plan_id}/impor/simpan", data=data)


def proposals(app, plan_id):
    with app.app_context():
        rows = db.session.scalars(select(Proposal).where(Proposal.plan_id == plan_id)
                                  .order_by(Proposal.position, Proposal.id)).all()
        return [{f: getattr(p, f) for f in FIELDS} for p in rows]


def plan_settings(app, plan_id):
    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        return plan.stunting_budget, plan.rules


def other_client(app, world, key):
    """A second browser, logged in as another user (the `login` fixture drives the first)."""
    client = app.test_client()
    client.login(world.usernames[key])
    return client


def _enrich(app, world, plan_key, kabupaten_key="kab_a", budget=120_000_000, rules=None):
    """Give a plan a catalogue-linked proposal, a village-estimated one, a requires link and its own rules."""
    with app.app_context():
        plan = db.session.get(Plan, world.plans[plan_key])
        item = db.session.scalar(select(CatalogueItem).where(
            CatalogueItem.region_id == world.region_ids[kabupaten_key], CatalogueItem.code == "konseling_pmba"))
        linked = Proposal(plan=plan, position=5, catalogue_item=item, name="PMT Dusun Barat", category="spesifik",
                          package="konseling_gizi", target_group="balita", location="Dusun Barat",
                          proposer="kader", unit="anak-hari", unit_cost=16_500, fixed_cost=0, min_units=0,
                          max_units=900, impact_per_unit=None, apbdes_code="2.2.02", notes="=SUM(A1)")
        jamban = Proposal(plan=plan, position=6, name="Jamban sehat", category="sensitif", package="air_sanitasi",
                          target_group="keluarga", location="", proposer="", unit="unit", unit_cost=9_500_000,
                          fixed_cost=2_000_000, min_units=2, max_units=12, impact_per_unit=0.00012345678901,
                          apbdes_code="02.04.14", notes="")
        db.session.add_all([linked, jamban])
        db.session.flush()
        db.session.add(ProposalLink(proposal_id=jamban.id, other_id=linked.id, kind="requires"))
        plan.stunting_budget = budget
        plan.rules = rules or {"category_min_share": {"spesifik": 0.4}, "category_max_share": {},
                               "location_max_share": 0.6, "packages_required": ["kia"],
                               "target_groups_required": ["ibu_hamil", "baduta"]}
        db.session.commit()


# --- Round trip and another plan's file ----------------------------------------------------------------

def test_own_plan_file_reimports_to_identical_proposals(login, world, app):
    client = login("desa_a1")
    plan_id = world.plans["a1x"]
    _enrich(app, world, "a1x")
    original = proposals(app, plan_id)
    budget_before = plan_settings(app, plan_id)
    downloaded = client.get(f"/rencana/{plan_id}/rencana.json")
    assert downloaded.status_code == 200
    response = upload(client, plan_id, downloaded.data)
    text = text_of(response)
    assert response.status_code == 200
    assert "Baris siap diimpor 4" in text and "Baris dengan kesalahan 0" in text
    assert "Keterkaitan antarusulan di berkas" in text            # the requires link is not imported: said so
    assert proposals(app, plan_id) == original                    # the preview saved nothing
    assert confirm(client, plan_id, token_of(response)).status_code == 303
    after = proposals(app, plan_id)
    assert after[len(original):] == original
    assert plan_settings(app, plan_id) == budget_before           # box not ticked: budget and rules stay


def test_plan_file_downloaded_from_another_plan(login, world, app):
    """kec_a1 downloads village a1y's plan file; a1x's operator imports it, with its budget and rules."""
    _enrich(app, world, "a1y", budget=90_000_000)
    kecamatan = other_client(app, world, "kec_a1")
    downloaded = kecamatan.get(f"/rencana/{world.plans['a1y']}/rencana.json")
    assert downloaded.status_code == 200
    source = proposals(app, world.plans["a1y"])
    client = login("desa_a1")
    plan_id = world.plans["a1x"]
    before = proposals(app, plan_id)
    response = upload(client, plan_id, downloaded.data, "rencana-a1y.json")
    text = text_of(response)
    assert "Anggaran dan aturan di berkas" in text and "Rp 90.000.000" in text
    assert "Spesifik paling sedikit 40% anggaran" in text and "Satu lokasi paling banyak 60% anggaran" in text
    assert 'name="use_settings"' in response.get_data(as_text=True)
    saved = confirm(client, plan_id, token_of(response), use_settings=True)
    assert saved.status_code == 303
    assert proposals(app, plan_id) == before + source              # same kabupaten: catalogue links kept
    budget, rules = plan_settings(app, plan_id)
    assert budget == 90_000_000
    assert rules["category_min_share"] == {"spesifik": 0.4} and rules["location_max_share"] == 0.6
    assert rules["packages_required"] == ["kia"] and rules["target_groups_required"] == ["ibu_hamil", "baduta"]
    page = text_of(client.get(saved.headers["Location"]))
    assert "4 usulan ditambahkan" in page and "aturan rencana diganti" in page


def test_plan_file_from_another_kabupaten_keeps_figures_without_the_catalogue_link(login, world, app):
    _enrich(app, world, "bx", kabupaten_key="kab_b")
    with app.app_context():   # kabupaten A's catalogue lacks this code, kabupaten B's has it
        db.session.execute(CatalogueItem.__table__.update()
                           .where(CatalogueItem.region_id == world.region_ids["kab_b"],
                                  CatalogueItem.code == "konseling_pmba").values(code="pmt_khusus_b"))
        db.session.commit()
    downloaded = other_client(app, world, "admin_b").get(f"/rencana/{world.plans['bx']}/rencana.json")
    assert downloaded.status_code == 200
    file = json.loads(downloaded.data)
    linked = next(p for p in file["proposals"] if p["name"] == "PMT Dusun Barat")
    assert linked["catalogue_code"] == "pmt_khusus_b" and linked["impact_source"] == "catalogue"
    client = login("desa_a1")
    plan_id = world.plans["a1x"]
    response = upload(client, plan_id, downloaded.data)
    assert "diabaikan: pmt_khusus_b" in text_of(response)
    confirm(client, plan_id, token_of(response))
    added = next(p for p in proposals(app, plan_id) if p["name"] == "PMT Dusun Barat")
    assert added["catalogue_item_id"] is None
    assert added["impact_per_unit"] == pytest.approx(linked["impact_per_unit"]) and added["impact_per_unit"] > 0


# --- Budget and rules -------------------------------------------------------------------------------------

def _plan_file(**top):
    data = {"format": "planner-plan", "version": 1, "budget": 100_000_000, "rules": {}, "proposals": [
        {"id": "p1", "name": "Kelas ibu hamil", "unit_cost": 250_000, "fixed_cost": 0, "min_units": 4,
         "max_units": 12, "impact_per_unit": 0.002, "category": "spesifik", "package": "kia",
         "target_group": "ibu_hamil", "location": "Dusun Krajan", "unit": "pertemuan", "proposer": "bidan_desa",
         "apbdes_code": "2.2.02", "notes": ""},
    ]}
    data.update(top)
    return json.dumps(data).encode()


@pytest.mark.parametrize("top,message", [
    ({"budget": 950_000_000}, "Anggaran stunting melebihi sisa pagu setelah alokasi lain"),
    ({"budget": 2_000_000_000}, "Anggaran stunting tidak boleh melebihi pagu Dana Desa"),
    ({"rules": {"packages_required": ["kia", "tidak_ada"]}}, "Aturan packages_required: Paket layanan tidak dikenal"),
    ({"rules": {"category_min_share": {"penting": 0.5}}}, "kategori penting tidak dikenal"),
    ({"rules": {"category_min_share": {"spesifik": 0.7, "sensitif": 0.6}}}, "melebihi 100%"),
])
def test_budget_or_rules_that_do_not_fit_are_shown_and_never_saved(login, world, app, top, message):
    client = login("desa_a1")
    plan_id = world.plans["a1x"]
    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        plan.earmark_koperasi = 100_000_000
        db.session.commit()
    before, settings_before = proposals(app, plan_id), plan_settings(app, plan_id)
    response = upload(client, plan_id, _plan_file(**top))
    assert response.status_code == 200
    text = text_of(response)
    assert "tidak dapat dipakai untuk rencana ini" in text and message in text, text
    assert 'name="use_settings"' not in response.get_data(as_text=True)
    # A hand-made POST that ticks the box anyway: refused, and the proposals are not saved either.
    refused = confirm(client, plan_id, token_of(response), use_settings=True)
    assert refused.status_code == 303 and refused.headers["Location"].endswith("/impor")
    assert message in text_of(client.get(refused.headers["Location"]))
    assert proposals(app, plan_id) == before and plan_settings(app, plan_id) == settings_before
    # Without the box the proposals go in and the plan's budget and rules stay.
    assert confirm(client, plan_id, token_of(response)).status_code == 303
    assert len(proposals(app, plan_id)) == len(before) + 1 and plan_settings(app, plan_id) == settings_before


def test_budget_checked_again_at_confirmation(login, world, app):
    """The pagu shrank between preview and confirmation: the file's budget no longer fits, nothing is saved."""
    client = login("desa_a1")
    plan_id = world.plans["a1x"]
    response = upload(client, plan_id, _plan_file(budget=400_000_000))
    assert 'name="use_settings"' in response.get_data(as_text=True)
    with app.app_context():
        db.session.get(Plan, plan_id).pagu = 300_000_000
        db.session.commit()
    before, settings_before = proposals(app, plan_id), plan_settings(app, plan_id)
    refused = confirm(client, plan_id, token_of(response), use_settings=True)
    assert refused.headers["Location"].endswith("/impor")
    assert proposals(app, plan_id) == before and plan_settings(app, plan_id) == settings_before


def test_csv_import_ignores_a_use_settings_field(login, world, app):
    client = login("desa_a1")
    plan_id = world.plans["a1x"]
    csv_data = ("nama;kategori;paket;sasaran;satuan;biaya_satuan;unit_maks\r\n"
                "PMT;spesifik;kia;balita;paket;1.000;3\r\n").encode()
    response = upload(client, plan_id, csv_data, "u.csv")
    assert 'name="use_settings"' not in response.get_data(as_text=True)
    settings_before = plan_settings(app, plan_id)
    assert confirm(client, plan_id, token_of(response), use_settings=True).status_code == 303
    assert plan_settings(app, plan_id) == settings_before


# --- Bad files --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("data,message", [
    (b"{not json", "bukan berkas rencana JSON yang sah"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "bukan berkas rencana JSON yang sah"),
    (b"[1, 2]", "Berkas rencana tidak sah"),
    (b'{"format": "planner-plan", "version": 3, "budget": 1, "proposals": []}', "Berkas rencana tidak sah"),
    (b'{"budget": 1, "proposals": [{"id": "a", "unit_cost": -5, "max_units": 1, "impact_per_unit": 0}]}',
     "Berkas rencana tidak sah"),
    (b'{"budget": 1, "proposals": []}', "tidak berisi usulan"),
    (b"", "Berkas kosong"),
])
def test_bad_plan_files_are_errors_at_the_file_field(login, world, app, data, message):
    plan_id = world.plans["a1x"]
    before = proposals(app, plan_id)
    response = upload(login("desa_a1"), plan_id, data)
    assert response.status_code == 422
    assert 'id="file-error"' in response.get_data(as_text=True) and message in text_of(response)
    assert proposals(app, plan_id) == before


def test_plan_file_error_names_the_proposal_in_indonesian():
    data = b'{"budget": 1, "proposals": [{"id": "kelas", "unit_cost": 1.5, "max_units": 1, "impact_per_unit": 0}]}'
    with pytest.raises(SheetFileError) as error:
        parse_file("r.json", data, {}, 1000)
    assert "kelas" in str(error.value) and "unit_cost" in str(error.value)


def test_too_many_proposals_in_a_plan_file(login, world, app):
    many = [{"id": f"p{i}", "name": "A", "unit_cost": 1, "max_units": 1, "impact_per_unit": 0}
            for i in range(4)]
    app.config["IMPORT_MAX_ROWS"] = 3
    try:
        response = upload(login("desa_a1"), world.plans["a1x"], json.dumps({"budget": 1, "proposals": many}).encode())
    finally:
        app.config["IMPORT_MAX_ROWS"] = 1000
    assert response.status_code == 422 and "lebih dari 3 baris" in text_of(response)


def test_plan_file_upload_needs_the_operator_and_csrf(login, world, app):
    plan_id = world.plans["a1x"]
    assert upload(login("kec_a1"), plan_id, _plan_file()).status_code == 403
    assert upload(other_client(app, world, "admin_b"), plan_id, _plan_file()).status_code == 404
    response = upload(other_client(app, world, "desa_a1"), plan_id, _plan_file(), csrf=False)
    assert response.status_code == 400 and "CSRF" in text_of(response)
