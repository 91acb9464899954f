"""The operator adds a proposal from the catalogue, edits one inline (with a mistake first) and
watches the totals follow without a page load."""
from playwright.sync_api import expect

from planner.extensions import db
from planner.models import CatalogueItem, Proposal, Region

from .conftest import log_in, settled


def _catalogue_item_id(app, code):
    with app.app_context():
        kabupaten_id = db.session.query(Region.id).filter_by(code="35.17").scalar()
        return db.session.query(CatalogueItem.id).filter_by(region_id=kabupaten_id, code=code).scalar()


def test_add_from_catalogue_prefills_and_saves(page, world, app):
    log_in(page, world.usernames["desa_a1"])
    plan_url = f"{page.base_url}/rencana/{world.plans['a1x']}"
    page.goto(plan_url)
    before = page.locator("#total-requested").inner_text()
    page.click("#add-from-catalogue")
    item_id = _catalogue_item_id(app, "pmt_pemulihan_baduta")
    page.click(f"#catalogue-item-{item_id} a.choose")
    form = page.locator("#proposal-form")
    assert form.locator("[name=name]").input_value() == "PMT pemulihan baduta 90 hari"
    assert form.locator("[name=unit_cost]").input_value() == "17.000"
    assert form.locator("[name=unit]").input_value() == "anak-hari"
    # targeted at undernourished baduta: one course, the village enters how many qualify
    assert form.locator("[name=max_units]").input_value() == "90"
    # the effect comes with its course and why it is nil: 90 days are short of the six months the evidence needs
    expect(form.locator(".impact-hint")).to_contain_text("1 kursus = 90 anak-hari")
    expect(form.locator(".impact-hint")).to_contain_text("lebih pendek dari 180 hari")
    form.locator("[name=location]").fill("Posyandu Melati 1")
    form.locator("[name=max_units]").fill("900")
    form.locator("button.save-button").click()
    page.wait_for_load_state("networkidle")
    assert page.url.startswith(plan_url)
    row = page.locator("tr.proposal-row", has_text="PMT pemulihan baduta 90 hari")
    assert "Rp 15.300.000" in row.inner_text()
    assert "katalog" in row.inner_text()
    assert page.locator("#total-requested").inner_text() != before


def test_inline_edit_shows_error_at_field_then_updates_totals(page, world, app):
    with app.app_context():
        kader = db.session.query(Proposal).filter_by(plan_id=world.plans["a1x"], name="Insentif kader posyandu").one()
        kader_id = kader.id
    log_in(page, world.usernames["desa_a1"])
    page.goto(f"{page.base_url}/rencana/{world.plans['a1x']}")
    url = page.url
    before = page.locator("#total-requested").inner_text()
    page.click(f"#proposal-{kader_id} a.edit-link")
    edit_row = page.locator(f"tr#proposal-{kader_id}.editing")
    edit_row.wait_for()
    settled(page)
    edit_row.locator("[name=unit_cost]").fill("-5.000")
    edit_row.locator("button.save-button").click()
    error = page.locator(f"#p{kader_id}-unit_cost-error")
    error.wait_for()
    settled(page)
    assert "Tidak boleh kurang dari 0" in error.inner_text()
    assert page.locator("#total-requested").inner_text() == before  # nothing saved
    # fix it: Rp 150.000 × 240 kader-months = Rp 36.000.000 instead of Rp 24.000.000
    cost = page.locator(f"tr#proposal-{kader_id}.editing [name=unit_cost]")
    cost.fill("150.000")
    expect(cost).to_have_value("150.000")
    page.locator(f"tr#proposal-{kader_id}.editing button.save-button").click()
    page.locator(f"tr#proposal-{kader_id}.proposal-row:not(.editing)").wait_for()
    assert "Rp 36.000.000" in page.locator(f"tr#proposal-{kader_id}").inner_text()
    # PMT (no impact) asks Rp 44.550.000; with the kader line the total is Rp 80.550.000
    expect(page.locator("#total-requested")).to_contain_text("80.550.000")
    assert page.url == url  # all of it without a page load


def test_delete_asks_and_totals_follow(page, world, app):
    with app.app_context():
        pmt_id = db.session.query(Proposal.id).filter_by(plan_id=world.plans["a1x"], name="PMT lokal balita").scalar()
    log_in(page, world.usernames["desa_a1"])
    page.goto(f"{page.base_url}/rencana/{world.plans['a1x']}")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click(f"#proposal-{pmt_id} a.delete-link")
    page.locator(f"#proposal-{pmt_id}").wait_for(state="detached")
    expect(page.locator("#total-requested")).to_contain_text("24.000.000")


def test_conflicting_edit_keeps_the_typing_and_says_why(page, world, app):
    """Someone saves the proposal while the operator edits it inline: the answer (409) is swapped
    in as the edit row with the message, the typing stays, and nothing is overwritten."""
    from sqlalchemy import text

    with app.app_context():
        kader_id = db.session.query(Proposal.id).filter_by(plan_id=world.plans["a1x"],
                                                           name="Insentif kader posyandu").scalar()
    log_in(page, world.usernames["desa_a1"])
    page.goto(f"{page.base_url}/rencana/{world.plans['a1x']}")
    page.click(f"#proposal-{kader_id} a.edit-link")
    edit_row = page.locator(f"tr#proposal-{kader_id}.editing")
    edit_row.wait_for()
    with app.app_context(), db.engine.begin() as conn:   # another user's save
        conn.execute(text("UPDATE proposal SET version_id = version_id + 1, unit_cost = 120000 WHERE id = :id"),
                     {"id": kader_id})
    edit_row.locator("[name=unit_cost]").fill("175.000")
    edit_row.locator("button.save-button").click()
    message = page.locator(f"tr#proposal-{kader_id}.editing .error-box")
    message.wait_for()
    assert "baru saja diubah pengguna lain" in message.inner_text()
    assert page.locator(f"tr#proposal-{kader_id}.editing [name=unit_cost]").input_value() == "175.000"
    assert page.locator("#htmx-error").is_hidden()
    with app.app_context():
        assert db.session.get(Proposal, kader_id).unit_cost == 120_000
