"""Issue 20 in the browser: two activities that differ only in place are told apart on the Berita Acara and
the realisation sheet; a perubahan keeps the earlier rembuk's wajib decision; the projector's type is large
enough at 1920×1080 (computed sizes); no page scrolls sideways on a 390 px phone; the suggestion marks
itself out of date right after an inline edit."""
import io
from datetime import date

from playwright.sync_api import expect

from planner.extensions import db
from planner.models import Plan, Proposal

from .. import factories
from ..test_commitment_frozen import _user
from .conftest import log_in, settled

PHONE = {"width": 390, "height": 844}
PROJECTOR = {"width": 1920, "height": 1080}


def _committed_with_twins(app, world, commit=True):
    """A1X committed (unless `commit` is False) with posyandu operations in two posyandu (the same
    activity in different places), the latrines decided wajib. Returns ids."""
    from planner.services import commitments, rembuk

    with app.test_request_context():
        plan = db.session.get(Plan, world.plans["a1x"])
        factories.add_meeting_proposals(plan)
        for place in ("Posyandu Melati", "Posyandu Mawar"):
            factories.proposal(plan, name="Operasional posyandu", package="kia", target_group="balita",
                               location=place, unit="posyandu-bulan", unit_cost=300_000, min_units=12, max_units=12,
                               impact_per_unit=0.004, implementer="Kasi Kesejahteraan + Kader Posyandu")
        db.session.commit()
        user = _user(world.usernames["desa_a1"])
        session = rembuk.open_meeting(plan, user, dict(held_on=date(2026, 8, 12), place="Balai Desa A1X",
                                                       chair="Sutrisno"))
        rembuk.add_attendee(session, user, dict(name="Sutrisno", role="kepala_desa", sex="L"))
        rembuk.add_attendee(session, user, dict(name="Siti Aminah", role="bidan_desa", sex="P", signs=True))
        rembuk.resolve(session, user)
        latrine = next(p for p in plan.proposals if p.name == "Jamban sehat keluarga")
        rembuk.decide(session, user, latrine, "in", reason="Permintaan warga Dusun Krajan")
        for p in plan.proposals:
            if p.name == "Operasional posyandu":
                rembuk.decide(session, user, p, "in", reason="Posyandu harus tetap buka")
        ids = {"plan": plan.id, "session": session.id, "latrine": latrine.id}
        if commit:
            ids["commitment"] = commitments.commit_meeting(session, user).id
        db.session.remove()
    return ids


def _context(browser, live_server, world, viewport, who="desa_a1"):
    context = browser.new_context(viewport=viewport, locale="id-ID")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.base_url = live_server
    log_in(page, world.usernames[who])
    return context, page


def _no_sideways_scroll(page, path):
    page.goto(page.base_url + path)
    page.wait_for_load_state("networkidle")
    wide = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert wide <= 0, f"{path} scrolls sideways by {wide}px"


def test_twins_are_told_apart_and_no_page_scrolls_sideways_on_a_phone(browser, live_server, world, app):
    ids = _committed_with_twins(app, world)
    context, page = _context(browser, live_server, world, PHONE)
    try:
        for path in (f"/rencana/{ids['plan']}", f"/rembuk/{ids['session']}/layar", f"/komitmen/{ids['commitment']}",
                     f"/rencana/{ids['plan']}/realisasi", f"/komitmen/{ids['commitment']}/berita-acara",
                     f"/wilayah/{world.regions['a1x']}"):
            _no_sideways_scroll(page, path)
        # The realisation sheet as cards: each activity's name and place beside its own inputs.
        page.goto(f"{page.base_url}/rencana/{ids['plan']}/realisasi")
        for place in ("Posyandu Melati", "Posyandu Mawar"):
            card = page.locator("table.realisation tr", has_text=f"Operasional posyandu · {place}")
            expect(card).to_have_count(1)
            box = card.locator("input[name^=spent-]").bounding_box()
            name = card.locator("td.activity").bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
            assert name["y"] < box["y"] < name["y"] + 400        # the name sits right above its inputs
            assert card.locator("label", has_text="Belanja triwulan ini (Rp)").is_visible()
        page.goto(f"{page.base_url}/komitmen/{ids['commitment']}/berita-acara")
        document = page.locator("article.berita-acara").inner_text()
        assert "Operasional posyandu · Posyandu Melati" in document
        assert "Operasional posyandu · Posyandu Mawar" in document
        pdf = page.request.get(f"{page.base_url}/komitmen/{ids['commitment']}/berita-acara.pdf")
        from pypdf import PdfReader

        text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf.body())).pages)
        assert "Operasional posyandu · Posyandu Melati" in text and "Operasional posyandu · Posyandu Mawar" in text
    finally:
        context.close()


def test_an_open_rembuk_page_fits_a_phone(browser, live_server, world, app):
    """The meeting's own page while it runs, with its forms (the scenario's long button wraps)."""
    ids = _committed_with_twins(app, world, commit=False)
    context, page = _context(browser, live_server, world, PHONE)
    try:
        _no_sideways_scroll(page, f"/rembuk/{ids['session']}")
        expect(page.locator("button", has_text="Simpan alokasi sekarang sebagai skenario")).to_be_visible()
    finally:
        context.close()


def test_a_perubahan_keeps_the_wajib_decision(page, world, app):
    ids = _committed_with_twins(app, world)
    log_in(page, world.usernames["desa_a1"])
    page.goto(f"{page.base_url}/rencana/{ids['plan']}")
    page.click("#rembuk a:has-text('Buka perubahan komitmen')")
    page.fill("#reason", "Harga telur naik")
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.click("#rembuk a:has-text('Adakan rembuk stunting')")
    page.fill("#held_on", "2026-10-01")
    page.fill("#chair", "Sutrisno")
    page.click("main button:has-text('Buka rembuk')")
    page.wait_for_selector("#attendance")
    assert "2 peserta dibawa dari rembuk versi sebelumnya" in page.locator("#attendance").inner_text()
    for _ in range(2):
        with page.expect_response(lambda r: r.url.endswith("/konfirmasi")):
            page.locator("#attendance button:has-text('Hadir')").first.click()
        settled(page)
    assert "2 hadir, 1 perempuan" in page.locator("#attendance-count").inner_text()
    decisions = page.locator("#decisions").inner_text()
    assert "Jamban sehat keluarga · Dusun Krajan” wajib didanai" in decisions and "dari rembuk versi sebelumnya" in decisions

    page.click("a:has-text('Buka layar rembuk')")
    page.click("#board button:has-text('Hitung ulang')")
    row = page.locator(f"#row-u{ids['latrine']}")
    row.wait_for()
    expect(row).to_have_class(__import__("re").compile(r"(^|\s)funded(\s|$)"))
    assert "Wajib" in row.locator(".lock").inner_text()
    # Striking it without a reason is refused at its row; nothing changes.
    row.locator("details.decide-box > summary").click()
    with page.expect_response(lambda r: r.url.endswith("/keputusan")):
        row.locator("button:has-text('Coret')").click()
    error = page.locator(f"#row-u{ids['latrine']} .error")
    error.wait_for()
    assert "Rembuk versi sebelumnya memutuskan kegiatan ini wajib" in error.inner_text()
    assert "Wajib" in page.locator(f"#row-u{ids['latrine']} .lock").inner_text()

    page.click("a:has-text('Sahkan')")
    page.check("#confirm")
    page.click("button:has-text('Sahkan komitmen')")
    page.wait_for_url("**/komitmen/*")
    assert "Komitmen versi 2 disahkan." in page.content()
    agreed = page.locator("table.activities-table").inner_text()
    assert "Jamban sehat keluarga · Dusun Krajan" in agreed


def test_the_projector_is_readable_from_the_back_of_the_hall(browser, live_server, world, app):
    ids = _committed_with_twins(app, world, commit=False)
    context, page = _context(browser, live_server, world, PROJECTOR)
    try:
        page.goto(f"{page.base_url}/rembuk/{ids['session']}/layar")
        page.wait_for_load_state("networkidle")
        assert page.locator(".topbar").count() == 0          # no application menu
        sizes = page.evaluate("""() => {
            const px = sel => [...document.querySelectorAll(sel)].map(e => parseFloat(getComputedStyle(e).fontSize));
            return {body: px('body'), labels: px('.stat .label'), figures: px('.stat .value'), names: px('.board-row h3'),
                    lines: px('.row-figures span'), why: px('.why-text'), badges: px('.badge'), heads: px('#board h2'),
                    muted: px('#board .muted'), summaries: px('#board summary')};
        }""")
        assert sizes["body"] == [24.0]
        assert sizes["figures"] and min(sizes["figures"]) >= 32, sizes["figures"]
        for name in ("labels", "names", "lines", "why", "badges", "heads", "muted", "summaries"):
            assert sizes[name] and min(sizes[name]) >= 24, (name, sizes[name])
        # Funded first, and the totals stay in view while the list scrolls.
        order = page.evaluate("() => [...document.querySelectorAll('.board-row')].map(e => e.classList.contains('funded'))")
        assert order == sorted(order, reverse=True)
        # The room's controls are hidden until asked for, then just as large.
        first = page.locator(".board-row").first
        assert not first.locator("input[name=reason]").is_visible()
        first.locator("details.decide-box > summary").click()
        controls = first.evaluate("""e => [...e.querySelectorAll('form.decide input, form.decide button:not(.sr-only)')]
            .map(c => parseFloat(getComputedStyle(c).fontSize))""")
        assert controls and min(controls) >= 24, controls
        page.mouse.wheel(0, 3000)
        page.wait_for_timeout(200)
        top = page.locator(".board-totals").bounding_box()["y"]
        assert 0 <= top < 100, top
    finally:
        context.close()


def test_the_suggestion_is_marked_out_of_date_right_after_an_inline_edit(page, world, app):
    with app.app_context():
        plan = db.session.get(Plan, world.plans["a1x"])
        plan.rules = {"target_groups_required": []}
        db.session.commit()
        kader = db.session.query(Proposal).filter_by(plan_id=plan.id, name="Insentif kader posyandu").one().id
    log_in(page, world.usernames["desa_a1"])
    page.goto(f"{page.base_url}/rencana/{world.plans['a1x']}")
    page.click("#suggestion button:has-text('Hitung usulan alokasi')")
    page.wait_for_selector("#suggestion .funded-list")
    settled(page)
    assert page.locator("#suggestion-stale").inner_text().strip() == ""
    url = page.url
    page.click(f"#proposal-{kader} a.edit-link")
    edit_row = page.locator(f"tr#proposal-{kader}.editing")
    edit_row.wait_for()
    settled(page)
    edit_row.locator("[name=unit_cost]").fill("150.000")
    edit_row.locator("button.save-button").click()
    page.wait_for_selector(f"tr#proposal-{kader}:not(.editing)")
    settled(page)
    expect(page.locator("#suggestion-stale")).to_contain_text("saran ini sudah usang")
    assert page.url == url                                  # no reload
