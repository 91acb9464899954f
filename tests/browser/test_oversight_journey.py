"""The kecamatan follows its villages: it lands on its dashboard, sees who needs attention and why, drills
down and leaves a note the village answers from its home page; the dashboard fits a laptop with the
flags beside each name and turns into cards on a phone; the village records a quarter's realisation
and is stopped, at the row, from overspending silently."""
from planner.extensions import db
from planner.models import CommitmentActivity, Plan
from sqlalchemy import select

from ..test_commitment_frozen import _meeting
from .conftest import log_in


def test_kecamatan_lands_on_its_dashboard_drills_down_and_the_village_answers(page, world, app):
    ids = _meeting(app, world)
    log_in(page, world.usernames["kec_a1"])
    assert "/kecamatan/35.17.09/dasbor" in page.url
    page.goto(f"{page.base_url}/kecamatan/35.17.09/dasbor?tahun=2027&per=2027-08-01")
    attention = page.locator("#perhatian")
    assert "Desa A1X" in attention.inner_text() and "Belum lapor" in attention.inner_text()
    table = page.locator("table.dashboard")
    assert "Desa A1X" in table.inner_text() and "Desa A1Y" in table.inner_text()
    page.eval_on_selector("details.filters-box", "el => { el.open = true; }")
    page.select_option("#status", "committed")
    page.click("form.filters button:has-text('Tampilkan')")
    page.wait_for_load_state("networkidle")
    assert "Desa A1Y" not in page.locator("table.dashboard").inner_text()
    assert "Belum siap tahap II" in page.locator("#desa-35\\.17\\.09\\.2001").inner_text()
    page.click("table.dashboard a:has-text('Desa A1X')")
    page.wait_for_url(f"**/rencana/{ids['plan']}")
    assert page.locator("a:has-text('Ubah anggaran dan sasaran')").count() == 0
    page.fill("#body", "Mohon tambahkan kelas untuk remaja putri.")
    page.click("#reviews button:has-text('Kirim catatan')")
    page.wait_for_selector("text=Catatan tinjauan tersimpan")

    page.context.clear_cookies()
    log_in(page, world.usernames["desa_a1"])
    assert "menunggu jawaban desa" in page.locator("main").inner_text()
    thread = page.locator("#catatan article.thread").first
    assert "Mohon tambahkan kelas untuk remaja putri." in thread.inner_text()
    thread.locator("textarea").fill("Sudah kami tambahkan.")
    thread.locator("button:has-text('Kirim jawaban')").click()
    page.wait_for_selector("text=Jawaban tersimpan")
    assert "Sudah kami tambahkan." in page.locator("#catatan").inner_text()


def _many_villages(app, world, count=14):
    """Fill kecamatan A1 with villages so the dashboard has rows to scroll."""
    from planner.models import Region

    with app.app_context():
        kecamatan = db.session.scalar(select(Region).where(Region.code == "35.17.09"))
        for i in range(count):
            desa = Region(code=f"35.17.09.{2100 + i}", name=f"Desa Panjang Namanya Sekali {i}", level="desa",
                          parent=kecamatan)
            db.session.add(desa)
            db.session.add(Plan(desa=desa, year=2027, status="draft", pagu=900_000_000 + i * 10_000_000,
                                earmark_koperasi=0, stunting_budget=50_000_000, ibu_hamil=10, baduta=20, balita=50))
        db.session.commit()


def test_the_dashboard_fits_a_laptop_with_the_flags_beside_the_name(page, world, app):
    _meeting(app, world)
    _many_villages(app, world)
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, world.usernames["kec_a1"])
    page.goto(f"{page.base_url}/kecamatan/35.17.09/dasbor?tahun=2027&per=2027-08-01")
    row = page.locator("#desa-35\\.17\\.09\\.2001")
    flags = row.locator(".flags")
    box = flags.bounding_box()
    assert box and box["x"] + box["width"] <= 1366          # the flags are on screen, beside the name
    heights = page.eval_on_selector_all("table.dashboard tbody tr", "rows => rows.map(r => r.offsetHeight)")
    assert max(heights) <= 110 and len(heights) >= 16, heights
    # The first column stays in place when the table scrolls sideways.
    name = row.locator("td.name")
    before = name.bounding_box()["x"]
    page.eval_on_selector(".dash-wrap", "el => { el.scrollLeft = 400; }")
    assert abs(name.bounding_box()["x"] - before) < 2
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 1366


def test_on_a_phone_each_village_is_a_card_and_nothing_scrolls_sideways(page, world, app):
    _meeting(app, world)
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, world.usernames["kec_a1"])
    page.goto(f"{page.base_url}/kecamatan/35.17.09/dasbor?tahun=2027&per=2027-08-01")
    assert page.eval_on_selector("table.dashboard tbody tr", "tr => getComputedStyle(tr).display") == "block"
    name = page.locator("#desa-35\\.17\\.09\\.2001 td.name")
    assert "Desa A1X" in name.inner_text() and "Belum lapor" in name.inner_text()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390


def test_village_records_realisation_and_must_explain_overspending(page, world, app):
    ids = _meeting(app, world)
    with app.app_context():
        first = db.session.scalars(select(CommitmentActivity).where(CommitmentActivity.plan_id == ids["plan"])
                                   .order_by(CommitmentActivity.id)).first()
        key, cost = first.key, first.cost
    log_in(page, world.usernames["desa_a1"])
    page.goto(f"{page.base_url}/rencana/{ids['plan']}")
    page.click("a:has-text('Realisasi per triwulan')")
    page.click("a:has-text('Triwulan I')")
    page.fill(f"#spent-{key}", f"{cost + 1_000_000:,}".replace(",", "."))
    page.click("button:has-text('Simpan realisasi triwulan I')")
    error = page.locator(f"#err-reason-{key}")
    assert "Tulis alasan" in error.inner_text()
    assert page.locator(f"#spent-{key}").input_value() == f"{cost + 1_000_000:,}".replace(",", ".")
    page.fill(f"#over_reason-{key}", "Harga bahan naik")
    page.click("button:has-text('Simpan realisasi triwulan I')")
    page.wait_for_selector("text=Realisasi triwulan I tersimpan")
    assert "melebihi komitmen" in page.locator(f"#line-{key}").inner_text()


def test_the_plan_form_fills_the_cooperatives_share_when_the_pagu_changes(page, world, app):
    from planner import money_rules
    from planner.models import YearSettings

    with app.app_context():
        db.session.add(YearSettings(kabupaten_id=world.region_ids["kab_a"], year=2027, priority_desa_ids=[],
                                    money_rules=money_rules.DEFAULTS[2026].as_dict()))
        db.session.commit()
    log_in(page, world.usernames["desa_a1"])
    page.goto(f"{page.base_url}/rencana/{world.plans['a1x']}/ubah")
    page.fill("#earmark_koperasi", "")
    page.fill("#pagu", "2.000.000.000")
    page.locator("#pagu").blur()
    from playwright.sync_api import expect

    expect(page.locator("#earmark_koperasi")).to_have_value("1.160.600.000")
    page.fill("#earmark_operasional", "50.000.000")
    page.click("button:has-text('Isi dari aturan')")
    page.wait_for_load_state("networkidle")
    assert "melebihi batas 3,0%" in page.locator("#money").inner_text()
