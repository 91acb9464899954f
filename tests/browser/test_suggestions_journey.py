"""The operator asks for a suggested allocation and reads it on the plan page (htmx swap)."""
from planner.extensions import db
from planner.models import Plan

from .conftest import log_in


def test_compute_suggestion_swaps_in_place(page, world, app):
    with app.app_context():
        db.session.get(Plan, world.plans["a1x"]).rules = {"target_groups_required": []}
        db.session.commit()
    log_in(page, world.usernames["desa_a1"])
    page.goto(f"{page.base_url}/rencana/{world.plans['a1x']}")
    assert "Belum ada usulan alokasi" in page.locator("#suggestion").inner_text()
    url_before = page.url
    page.click("#suggestion button:has-text('Hitung usulan alokasi')")
    page.wait_for_selector("#suggestion .suggestion-table")
    assert page.url == url_before  # swapped by htmx, no page load
    text = page.locator("#suggestion").inner_text()
    assert "Perkiraan kasus stunting tercegah" in text
    assert "Insentif kader posyandu" in text
    assert page.locator("#suggestion svg").count() == 1
    assert "Dibandingkan cara biasa" in text


def test_infeasible_rules_are_shown_in_words(page, world):
    log_in(page, world.usernames["desa_a1"])
    page.goto(f"{page.base_url}/rencana/{world.plans['a1x']}")
    page.click("#suggestion button:has-text('Hitung usulan alokasi')")
    page.wait_for_selector("#suggestion .error-box")
    text = page.locator("#suggestion .error-box").inner_text()
    assert "Tidak ada pembagian yang memenuhi semua aturan" in text
    assert "Ibu hamil" in text


def test_kecamatan_reads_but_cannot_compute(page, world):
    log_in(page, world.usernames["kec_a1"])
    page.goto(f"{page.base_url}/rencana/{world.plans['a1x']}")
    assert page.locator("#suggestion").count() == 1
    assert page.locator("#suggestion button:has-text('Hitung usulan alokasi')").count() == 0


def test_asking_for_the_exact_budget_rise_swaps_the_answer_in(page, world, app):
    with app.app_context():
        plan = db.session.get(Plan, world.plans["a1x"])
        plan.rules = {"target_groups_required": []}
        plan.stunting_budget = 20_000_000
        for p in plan.proposals:   # PMT (Rp 16.500.000) funded; the kader incentive (Rp 6.000.000) not
            if p.name == "PMT lokal balita":
                p.impact_per_unit, p.min_units, p.max_units = 0.001, 1000, 1000
            else:
                p.min_units = p.max_units = 60
        db.session.commit()
    log_in(page, world.usernames["desa_a1"])
    page.goto(f"{page.base_url}/rencana/{world.plans['a1x']}")
    page.click("#suggestion button:has-text('Hitung usulan alokasi')")
    page.wait_for_selector("#suggestion .suggestion-table")
    url_before = page.url
    page.click("#suggestion a:has-text('berapa tambahan anggaran agar masuk')")
    page.wait_for_selector("#suggestion .budget-rise")
    assert page.url == url_before
    assert "naik Rp 2.500.000 (menjadi Rp 22.500.000" in page.locator("#suggestion .budget-rise").inner_text()
