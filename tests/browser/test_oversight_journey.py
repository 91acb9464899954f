"""The kecamatan follows its villages: dashboard, filter, drill-down, a review comment the village reads;
the village records a quarter's realisation and is stopped, at the row, from overspending silently."""
from planner.extensions import db
from planner.models import CommitmentActivity
from sqlalchemy import select

from ..test_commitment_frozen import _meeting
from .conftest import log_in


def test_kecamatan_drills_down_and_comments(page, world, app):
    ids = _meeting(app, world)
    log_in(page, world.usernames["kec_a1"])
    page.goto(f"{page.base_url}/kecamatan/35.17.09/dasbor?tahun=2027&per=2027-08-01")
    table = page.locator("table.dashboard")
    assert "Desa A1X" in table.inner_text() and "Desa A1Y" in table.inner_text()
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
    page.goto(f"{page.base_url}/rencana/{ids['plan']}")
    assert "Mohon tambahkan kelas untuk remaja putri." in page.locator("#reviews").inner_text()


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
