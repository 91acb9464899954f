"""A whole rembuk stunting in the browser: open, attendance, decide on the projector, compare two
scenarios, commit, and download the Berita Acara (PDF) and the activities (XLSX)."""
import io
import re

from playwright.sync_api import expect

from planner.extensions import db
from planner.models import Plan

from .. import factories
from .conftest import log_in, settled


def _meeting_plan(app, world):
    with app.app_context():
        plan = db.session.get(Plan, world.plans["a1x"])
        factories.add_meeting_proposals(plan)
        ids = {p.name: p.id for p in plan.proposals}
        db.session.remove()
    return world.plans["a1x"], ids


def _row(page, proposal_id):
    return page.locator(f"#row-u{proposal_id}")


def _decide(page, proposal_id, button, reason="", units=None):
    row = _row(page, proposal_id)
    # The room's controls open on demand under each activity.
    if row.locator("details.decide-box").get_attribute("open") is None:
        row.locator("details.decide-box > summary").click()
    if reason:
        row.locator("input[name=reason]").fill(reason)
    if units is not None:
        row.locator("input[name=units]").fill(units)
    # Mark the row on screen, then wait for the swapped-in board to bring a fresh one: the
    # response arriving is not enough, htmx swaps it in a moment later.
    row.evaluate("element => element.dataset.stale = '1'")
    with page.expect_response(lambda r: r.url.endswith("/keputusan")):
        row.locator(f"button:has-text('{button}')").click()
    page.wait_for_selector(f"#row-u{proposal_id}:not([data-stale])")
    settled(page)


def _save_scenario(page, name):
    page.click("#board details.scenario-box > summary")
    page.fill("#scenario-name", name)
    page.click("#board details.scenario-box button:has-text('Simpan')")


def _add_attendee(page, name, role, sex, signs=False):
    form = page.locator("#attendance form.attendee-form")
    form.locator("input[name=name]").fill(name)
    form.locator("select[name=role]").select_option(role)
    form.locator(f"input[name=sex][value={sex}]").check()
    if signs:
        form.locator("input[name=signs]").check()
    with page.expect_response(lambda r: r.url.endswith("/hadir")):
        form.locator("button:has-text('Tambahkan')").click()
    page.wait_for_selector(f"#attendance td:has-text('{name}')")


def test_a_whole_rembuk_from_opening_to_the_documents(page, world, app):
    plan_id, ids = _meeting_plan(app, world)
    log_in(page, world.usernames["desa_a1"])
    page.goto(f"{page.base_url}/rencana/{plan_id}")

    # Open the session.
    page.click("#rembuk a:has-text('Adakan rembuk stunting')")
    page.fill("#held_on", "2026-08-12")
    page.fill("#chair", "Sutrisno")
    page.fill("#facilitator", "Wati (KPM)")
    page.click("main button:has-text('Buka rembuk')")
    page.wait_for_selector("#attendance")
    assert "Rembuk stunting 12 Agustus 2026" in page.locator("h1").inner_text()

    # Attendance, swapped in place by htmx.
    url = page.url
    _add_attendee(page, "Sutrisno", "kepala_desa", "L")
    _add_attendee(page, "Siti Aminah", "bidan_desa", "P", signs=True)
    _add_attendee(page, "Darmi", "kader_posyandu", "P", signs=True)
    assert page.url == url
    assert "3 hadir, 2 perempuan" in page.locator("#attendance-count").inner_text()

    # The projector: solve, keep the optimizer's answer as a scenario.
    page.click("a:has-text('Buka layar rembuk')")
    page.click("#board button:has-text('Hitung ulang')")
    page.wait_for_selector(".board-row")
    assert page.locator("body.projector").count() == 1
    _save_scenario(page, "Usulan pengoptimal")
    page.wait_for_selector("text=Skenario “Usulan pengoptimal” tersimpan.")

    # Lock one in, one out, and set units: each re-solves and shows what moved.
    latrine, kek, kelas = ids["Jamban sehat keluarga"], ids["PMT ibu hamil KEK"], ids["Kelas ibu hamil"]
    assert "unfunded" in _row(page, latrine).get_attribute("class")
    _decide(page, latrine, "Wajib", reason="Permintaan warga Dusun Krajan")
    expect(_row(page, latrine)).to_have_class(re.compile(r"(^|\s)funded(\s|$)"))
    assert "Yang berubah karena keputusan terakhir" in page.locator(".moves").inner_text()
    _decide(page, kek, "Coret", reason="Sudah ada PMT dari Puskesmas")
    expect(_row(page, kek)).to_have_class(re.compile(r"(^|\s)unfunded(\s|$)"))
    _decide(page, kelas, "Tetapkan unit", units="12", reason="Satu kelas sebulan")
    assert "12 unit" in _row(page, kelas).locator(".lock").inner_text()
    # A wrong number stays at its row with the message, and nothing changes.
    _decide(page, kelas, "Tetapkan unit", units="500")
    assert "antara 4 dan 24" in _row(page, kelas).locator(".error").inner_text()
    assert "12 unit" in _row(page, kelas).locator(".lock").inner_text()
    # Undo the "out", then take it again.
    _row(page, kelas).evaluate("element => element.dataset.stale = '1'")
    with page.expect_response(lambda r: r.url.endswith("/urungkan")):
        page.click("#board button:has-text('Urungkan keputusan terakhir')")
    page.wait_for_selector(f"#row-u{kelas}:not([data-stale])")
    settled(page)
    assert "12 unit" not in _row(page, kelas).locator(".lock").inner_text()
    _decide(page, kelas, "Tetapkan unit", units="12", reason="Satu kelas sebulan")
    _save_scenario(page, "Keputusan rembuk")
    page.wait_for_selector("text=Skenario “Keputusan rembuk” tersimpan.")

    # Compare the two scenarios side by side.
    page.click("a:has-text('Data rembuk, hadir, skenario')")
    page.select_option("#compare-a", label="Usulan pengoptimal")
    page.select_option("#compare-b", label="Keputusan rembuk")
    page.click("button:has-text('Bandingkan')")
    differs = page.locator("table.compare-table").first.inner_text()
    assert "Jamban sehat keluarga" in differs and "PMT ibu hamil KEK" in differs

    # Commit.
    page.go_back()
    page.click("a:has-text('Sahkan kesepakatan')")
    page.check("#confirm")
    page.click("button:has-text('Sahkan komitmen')")
    page.wait_for_url("**/komitmen/*")
    commitment_url = page.url
    assert "Komitmen versi 1 disahkan." in page.content()

    # Download the Berita Acara and the activities, and read them.
    pdf_href = page.locator("a[href$='berita-acara.pdf']").first.get_attribute("href")
    xlsx_href = page.locator("a[href$='kegiatan.xlsx']").first.get_attribute("href")
    pdf = page.request.get(page.base_url + pdf_href)
    assert pdf.ok and pdf.headers["content-type"].startswith("application/pdf")
    from pypdf import PdfReader

    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    flat = " ".join(text.split())
    for expected in ("Desa A1X", "Siti Aminah", "Darmi", "Jamban sehat keluarga", "Kelas ibu hamil",
                     "Permintaan warga Dusun Krajan"):
        assert expected in flat, expected
    with app.app_context():
        from planner.models import Commitment

        commitment = db.session.query(Commitment).one()
        digest, cost = commitment.content_hash, commitment.total_cost
        units = {a["name"]: a["units"] for a in commitment.content["activities"]}
    assert digest in flat.replace(" ", "") or digest[:16] in flat

    xlsx = page.request.get(page.base_url + xlsx_href)
    assert xlsx.ok
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx.body()), data_only=True)
    sheet = book["Kegiatan"]
    rows = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    names = {str(cell) for row in rows for cell in row if cell is not None}
    assert "Jamban sehat keluarga" in names and "Kelas ibu hamil" in names
    assert "PMT ibu hamil KEK" not in names
    numbers = [cell for row in rows for cell in row if isinstance(cell, (int, float))]
    assert cost in numbers or sum(n for n in numbers if n >= 1_000_000) >= cost
    assert units["Kelas ibu hamil"] == 12

    # The plan page now shows the commitment and no way to change it, only a perubahan.
    page.goto(f"{page.base_url}/rencana/{plan_id}")
    assert "Disepakati" in page.locator("h1 ~ .badge, .badge").first.inner_text() or "Disepakati" in page.content()
    assert page.locator(f"#rembuk a[href='{commitment_url.replace(page.base_url, '')}']").count() == 1
    assert page.locator("#suggestion button:has-text('Hitung usulan alokasi')").count() == 0
    assert page.locator("#rembuk a:has-text('Buka perubahan komitmen')").count() == 1
