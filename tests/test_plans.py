"""Creating and editing a yearly plan: validation, scoping, CSRF, optimistic locking."""
import pytest

from planner.extensions import db
from planner.models import Plan

from .conftest import text_of

VALID = {
    "year": "2028", "pagu": "1.250.000.000", "earmark_koperasi": "", "earmark_blt": "150.000.000",
    "earmark_other": "0", "stunting_budget": "Rp 200.000.000", "ibu_hamil": "30", "ibu_nifas": "25",
    "baduta": "80", "balita": "200", "catin": "10", "remaja_putri": "60", "keluarga": "120",
    "balita_measured": "180", "stunted_children": "36", "notes": "",
}


def _plan(app, plan_id):
    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        db.session.expunge(plan)
        return plan


def test_desa_creates_plan_with_indonesian_numbers(login, world, app):
    client = login("desa_a1")
    response = client.post(f"/wilayah/{world.regions['a1x']}/rencana/baru", data=VALID)
    assert response.status_code == 303
    with app.app_context():
        plan = db.session.query(Plan).filter_by(year=2028).one()
        assert plan.pagu == 1_250_000_000
        assert plan.stunting_budget == 200_000_000
        assert plan.earmark_koperasi == 0
        assert plan.measured_prevalence == pytest.approx(0.2)
    page = client.get(response.headers["Location"])
    assert "Rp 1.250.000.000" in text_of(page)
    assert "20,0%" in text_of(page)


def test_plan_page_shows_reference_prevalence_without_measurement(login, world, app):
    client = login("desa_a1")
    data = dict(VALID, balita_measured="0", stunted_children="0")
    response = client.post(f"/wilayah/{world.regions['a1x']}/rencana/baru", data=data)
    page = client.get(response.headers["Location"])
    assert "19,8%" in text_of(page) and "SSGI 2024" in text_of(page)


@pytest.mark.parametrize("field,value,message", [
    ("pagu", "-5", "Tidak boleh kurang dari 0"),
    ("pagu", "satu juta", "Tulis jumlah rupiah dengan angka"),
    ("pagu", "1.250.000,50", "Rupiah harus bilangan bulat"),
    ("pagu", "9.999.999.999.999.999", "Terlalu besar"),
    ("pagu", "", "Wajib diisi"),
    ("stunting_budget", "2.000.000.000", "tidak boleh melebihi pagu"),
    ("earmark_blt", "1.300.000.000", "melebihi pagu"),
    ("balita", "2,5", "Harus bilangan bulat"),
    ("stunted_children", "500", "tidak boleh melebihi jumlah balita yang diukur"),
    ("baduta", "300", "tidak boleh lebih banyak dari balita"),
    ("year", "1900", "Tahun harus antara"),
])
def test_create_plan_rejects_bad_input_at_the_field(login, world, app, field, value, message):
    client = login("desa_a1")
    response = client.post(f"/wilayah/{world.regions['a1x']}/rencana/baru", data=dict(VALID, **{field: value}))
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert message in body
    # the message sits at the field, and what the user typed is kept
    assert f'id="{field}-error"' in body
    assert f'value="{value}"' in body or value == ""
    with app.app_context():
        assert db.session.query(Plan).filter_by(year=2028).count() == 0


def test_second_plan_for_same_year_is_refused(login, world):
    client = login("desa_a1")
    response = client.post(f"/wilayah/{world.regions['a1x']}/rencana/baru", data=dict(VALID, year="2027"))
    assert response.status_code == 422
    assert "sudah punya rencana untuk tahun 2027" in text_of(response)


def test_edit_plan_keeps_saved_values_on_error(login, world, app):
    client = login("desa_a1")
    plan_id = world.plans["a1x"]
    before = _plan(app, plan_id)
    form = dict(VALID, version_id=str(before.version_id), stunting_budget="5.000.000.000")
    response = client.post(f"/rencana/{plan_id}/ubah", data=form)
    assert response.status_code == 422
    after = _plan(app, plan_id)
    assert after.stunting_budget == before.stunting_budget and after.pagu == before.pagu


def test_edit_plan_saves(login, world, app):
    client = login("desa_a1")
    plan_id = world.plans["a1x"]
    version = _plan(app, plan_id).version_id
    response = client.post(f"/rencana/{plan_id}/ubah", data=dict(VALID, version_id=str(version)))
    assert response.status_code == 303
    assert _plan(app, plan_id).stunting_budget == 200_000_000


def test_edit_plan_from_stale_form_is_refused(login, world, app):
    client = login("desa_a1")
    plan_id = world.plans["a1x"]
    version = _plan(app, plan_id).version_id
    assert client.post(f"/rencana/{plan_id}/ubah", data=dict(VALID, version_id=str(version))).status_code == 303
    stale = client.post(f"/rencana/{plan_id}/ubah", data=dict(VALID, version_id=str(version), pagu="1.300.000.000"))
    assert stale.status_code == 422
    assert "baru saja diubah pengguna lain" in text_of(stale)
    assert _plan(app, plan_id).pagu == 1_250_000_000


def test_edit_without_csrf_is_rejected(login, world, app):
    client = login("desa_a1")
    plan_id = world.plans["a1x"]
    response = client.post(f"/rencana/{plan_id}/ubah", data=dict(VALID), csrf=False)
    assert response.status_code == 400
    assert _plan(app, plan_id).pagu == 1_000_000_000


@pytest.mark.parametrize("user,status", [
    ("desa_a1", 200), ("desa_a1y", 404), ("desa_a2", 404), ("desa_b", 404),
    ("kec_a1", 200), ("kec_a2", 404), ("kec_b", 404), ("admin_a", 200), ("admin_b", 404),
])
def test_plan_view_is_scoped(login, world, user, status):
    client = login(user)
    assert client.get(f"/rencana/{world.plans['a1x']}").status_code == status


@pytest.mark.parametrize("user,status", [
    ("desa_a1", 200), ("desa_a1y", 404), ("desa_b", 404), ("kec_a1", 403), ("kec_b", 404),
    ("admin_a", 403), ("admin_b", 404),
])
def test_plan_edit_is_scoped(login, world, user, status):
    client = login(user)
    assert client.get(f"/rencana/{world.plans['a1x']}/ubah").status_code == status
    if status != 200:
        response = client.post(f"/rencana/{world.plans['a1x']}/ubah", data=VALID)
        assert response.status_code == status


@pytest.mark.parametrize("user,status", [
    ("desa_a1", 200), ("desa_a1y", 404), ("kec_a1", 403), ("admin_a", 403), ("admin_b", 404),
])
def test_new_plan_is_scoped(login, world, user, status):
    client = login(user)
    assert client.get(f"/wilayah/{world.regions['a1x']}/rencana/baru").status_code == status


@pytest.mark.parametrize("user,code,status", [
    ("kec_a1", "a1x", 200), ("kec_a1", "a2x", 404), ("kec_a1", "kec_a1", 200), ("kec_a1", "kab_a", 404),
    ("admin_a", "kab_a", 200), ("admin_a", "bx", 404), ("admin_b", "a1x", 404), ("desa_a1", "a1y", 404),
])
def test_region_pages_are_scoped(login, world, user, code, status):
    client = login(user)
    assert client.get(f"/wilayah/{world.regions[code]}").status_code == status


def test_kecamatan_sees_only_its_villages(login, world):
    client = login("kec_a1")
    body = text_of(client.get(f"/wilayah/{world.regions['kec_a1']}?tahun=2027"))
    assert "Desa A1X" in body and "Desa A1Y" in body
    assert "Desa A2X" not in body and "Desa BX" not in body


def test_plan_by_year_redirects_or_404(login, world):
    client = login("desa_a1")
    assert client.get(f"/wilayah/{world.regions['a1x']}/rencana/2027").status_code == 302
    assert client.get(f"/wilayah/{world.regions['a1x']}/rencana/2031").status_code == 404
