"""The KPM's quarter on a phone: the village operator opens the scorecard from the village home, types a
quarter with one slip (more received than due), is stopped at that field with what was typed kept,
corrects it and sees the tingkat konvergensi; the kecamatan then sees the village's quarter on its
dashboard, and the rembuk page lists the service that lags."""
from ..test_commitment_frozen import _meeting
from .conftest import log_in


def test_the_operator_enters_a_quarter_on_a_phone_and_the_kecamatan_sees_it(page, world, app):
    ids = _meeting(app, world, commit=False)
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, world.usernames["desa_a1"])
    page.goto(f"{page.base_url}/wilayah/35.17.09.2001")
    page.click("#konvergensi a:has-text('Scorecard per triwulan')")
    page.goto(f"{page.base_url}/wilayah/35.17.09.2001/konvergensi?tahun=2026")
    page.click("a:has-text('Isi triwulan II')")
    page.fill("#f-ibu_hamil", "10")
    page.fill("#f-anak_0_23", "20")
    page.fill("#f-should-bumil_anc4", "10")
    page.fill("#f-received-bumil_anc4", "12")
    page.fill("#f-should-baduta_timbang", "20")
    page.fill("#f-received-baduta_timbang", "8")
    page.click("button:has-text('Simpan scorecard triwulan II')")
    page.wait_for_load_state("networkidle")
    error = page.locator("#e-received-bumil_anc4")
    assert "tidak boleh lebih dari yang seharusnya" in error.inner_text()
    assert page.input_value("#f-received-baduta_timbang") == "8"          # nothing typed is lost
    assert page.evaluate("document.documentElement.scrollWidth") <= 390     # no sideways scrolling
    page.fill("#f-received-bumil_anc4", "9")
    page.click("button:has-text('Simpan scorecard triwulan II')")
    page.wait_for_url("**/konvergensi?tahun=2026")
    card = page.locator("#triwulan-2")
    assert "57%" in card.inner_text()                                     # (9 + 8) ÷ (10 + 20)
    page.goto(f"{page.base_url}/rembuk/{ids['session']}")
    assert "baru 40% baduta ditimbang tiap bulan (8 dari 20)" in page.locator("#konvergensi").inner_text()

    page.context.clear_cookies()
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, world.usernames["kec_a1"])
    page.goto(f"{page.base_url}/kecamatan/35.17.09/dasbor?tahun=2026")
    section = page.locator("section#konvergensi")
    assert "Desa A1X" in section.inner_text() and "57%" in section.inner_text()
    assert section.locator("svg.spark").count() == 3
