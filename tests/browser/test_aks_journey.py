"""The kecamatan enters an AKS recommendation naming a catalogue item; the village sees it on its plan,
adds a proposal from it (pre-filled from the catalogue, linked), switches the AKS rule on; the kecamatan
dashboard then counts it answered."""
from playwright.sync_api import expect

from planner.extensions import db
from planner.models import CatalogueItem, Proposal, Region

from .conftest import log_in

A1X = "35.17.09.2001"


def _item_id(app, code):
    with app.app_context():
        kabupaten_id = db.session.query(Region.id).filter_by(code="35.17").scalar()
        return db.session.query(CatalogueItem.id).filter_by(region_id=kabupaten_id, code=code).scalar()


def _log_out(page):
    page.locator("form[action='/keluar'] button").click()
    page.wait_for_load_state("networkidle")


def test_recommendation_to_linked_proposal_to_dashboard(page, world, app):
    log_in(page, world.usernames["kec_a1"])
    page.goto(f"{page.base_url}/wilayah/{A1X}/aks")
    form = page.locator(f"form[action='/wilayah/{A1X}/aks/rekomendasi']")
    form.locator("[name=year]").fill("2026")
    form.locator("[name=semester]").select_option("2")
    form.locator("[name=intervention]").fill("PMT pemulihan baduta tidak naik berat badan")
    form.locator("[name=catalogue_item]").select_option(str(_item_id(app, "pmt_pemulihan_baduta")))
    form.locator("[name=target_group]").select_option("baduta")
    form.locator("[name=count]").fill("4")
    form.locator("[name=responsible]").fill("Kader posyandu + TPK")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("#rekomendasi")).to_contain_text("4 orang")
    expect(page.locator("#rekomendasi")).to_contain_text("belum ada usulan")
    _log_out(page)

    log_in(page, world.usernames["desa_a1"])
    plan_url = f"{page.base_url}/rencana/{world.plans['a1x']}"
    page.goto(plan_url)
    panel = page.locator("#aks")
    expect(panel).to_contain_text("0 dari 1 rekomendasi sudah dijawab usulan")
    panel.get_by_text("Tambah usulan dari rekomendasi ini").click()
    page.wait_for_load_state("networkidle")
    proposal = page.locator("#proposal-form")
    assert proposal.locator("[name=name]").input_value() == "PMT pemulihan baduta 90 hari"
    assert proposal.locator("[name=unit_cost]").input_value() == "17.000"
    assert proposal.locator("[name=max_units]").input_value() == "360"        # 4 children × 90 days
    assert proposal.locator("[name=implementer]").input_value() == "Kader posyandu + TPK"
    expect(proposal.locator("[name=aks_recommendation] option:checked")).to_contain_text("PMT pemulihan baduta")
    proposal.locator("[name=location]").fill("Posyandu remaja")
    proposal.locator("button.save-button").click()
    page.wait_for_load_state("networkidle")
    panel = page.locator("#aks")
    expect(panel).to_contain_text("1 dari 1 rekomendasi sudah dijawab usulan")
    expect(panel).to_contain_text("diusulkan")
    panel.get_by_role("button", name="Dahulukan usulan yang menjawab rekomendasi AKS").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("#aks")).to_contain_text("Aturan AKS aktif")
    with app.app_context():
        linked = db.session.query(Proposal).filter(Proposal.aks_recommendation_id.isnot(None)).one()
        assert (linked.location, linked.max_units) == ("Posyandu remaja", 360)
    _log_out(page)

    log_in(page, world.usernames["kec_a1"])
    page.goto(f"{page.base_url}/kecamatan/35.17.09/dasbor?tahun=2027")
    row = page.locator("#aks tr", has_text="Desa A1X")
    expect(row).to_contain_text("1")
    cells = row.locator("td.num").all_inner_texts()
    assert cells[:4] == ["1", "1", "0", "0"]
