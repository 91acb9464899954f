"""A village operator logs in, finds the village's plan and switches language."""
from .conftest import log_in


def test_operator_logs_in_and_opens_the_plan(page, world):
    page.goto(page.base_url + "/")
    assert "/masuk" in page.url
    page.fill("#username", world.usernames["desa_a1"])
    page.fill("#password", "salah")
    page.click("main button[type=submit]")
    assert page.locator(".error").inner_text().strip() == "Nama pengguna atau kata sandi salah."

    log_in(page, world.usernames["desa_a1"])
    assert page.locator("h1").inner_text() == "Desa Desa A1X"
    page.click("text=Rencana 2027")
    assert "Rencana pencegahan stunting 2027" in page.locator("h1").inner_text()
    assert "Rp 150.000.000" in page.content()


def test_language_switch_shows_english(page, world):
    log_in(page, world.usernames["desa_a1"])
    page.click("button:has-text('English')")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    page.click("button:has-text('Bahasa Indonesia')")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "id"
