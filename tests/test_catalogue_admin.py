"""Admins edit their kabupaten's catalogue and impact assumptions; nobody else may."""
import pytest
from sqlalchemy import func, select

from planner.extensions import db
from planner.models import CatalogueItem, ImpactSetting

from .conftest import text_of
from .test_catalogue import item_id

NEW = {
    "code": "kelas_gizi_remaja", "name": "Kelas gizi remaja putri", "description": "Pertemuan bulanan.",
    "category": "spesifik", "package": "konseling_gizi", "target_group": "remaja_putri", "unit": "peserta-pertemuan",
    "apbdes_code": "2.2.90", "default_unit_cost": "25.000", "cost_source": "SSH Kabupaten 2026",
    "effect_kind": "relative_reduction", "effect_value": "5,5", "units_per_course": "12",
    "impact_source": "Contoh sumber", "impact_note": "",
}


def _item(app, item_pk):
    with app.app_context():
        item = db.session.get(CatalogueItem, item_pk)
        db.session.expunge(item)
        return item


def _count(app, world, kab="kab_a"):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(CatalogueItem).where(
            CatalogueItem.region_id == world.region_ids[kab]))


def _edit_data(item):
    """The edit form as a browser would send it for `item`, unchanged."""
    reduction = item.effect_kind == "relative_reduction"
    value = "" if item.effect_value is None else str(item.effect_value * 100 if reduction else item.effect_value)
    return {
        "name": item.name, "description": item.description, "category": item.category, "package": item.package,
        "target_group": item.target_group, "unit": item.unit, "apbdes_code": item.apbdes_code,
        "default_unit_cost": "" if item.default_unit_cost is None else str(item.default_unit_cost),
        "cost_source": item.cost_source, "effect_kind": item.effect_kind or "", "effect_value": value,
        "units_per_course": str(item.units_per_course), "impact_source": item.impact_source,
        "impact_note": item.impact_note,
    }


# --- create -------------------------------------------------------------------------------------------

def test_admin_creates_item_with_percent_and_indonesian_numbers(login, app, world):
    client = login("admin_a")
    assert client.get("/katalog/baru").status_code == 200
    response = client.post("/katalog/baru", data=NEW)
    assert response.status_code == 303
    with app.app_context():
        item = db.session.scalar(select(CatalogueItem).where(CatalogueItem.code == "kelas_gizi_remaja"))
        assert item.region_id == world.region_ids["kab_a"]
        assert item.default_unit_cost == 25_000
        assert item.effect_value == pytest.approx(0.055)
        assert item.units_per_course == 12 and item.active
    body = text_of(client.get(response.headers["Location"]))
    assert "Kelas gizi remaja putri ditambahkan" in body and "\u22125,5%" in body and "2.2.90" in body


def test_admin_creates_item_without_cost_or_evidence(login, app):
    data = dict(NEW, default_unit_cost="", cost_source="", effect_kind="", effect_value="", impact_source="")
    response = login("admin_a").post("/katalog/baru", data=data)
    assert response.status_code == 303
    with app.app_context():
        item = db.session.scalar(select(CatalogueItem).where(CatalogueItem.code == "kelas_gizi_remaja"))
        assert item.default_unit_cost is None and item.effect_kind is None and item.effect_value is None


def test_haz_shift_is_stored_in_sd_units(login, app):
    data = dict(NEW, effect_kind="haz_shift", effect_value="0,25")
    assert login("admin_a").post("/katalog/baru", data=data).status_code == 303
    with app.app_context():
        item = db.session.scalar(select(CatalogueItem).where(CatalogueItem.code == "kelas_gizi_remaja"))
        assert item.effect_value == pytest.approx(0.25)


@pytest.mark.parametrize("field,value,message", [
    ("code", "pmt_lokal_balita", "sudah dipakai"),
    ("code", "Kode Baru", "huruf kecil"),
    ("code", "", "huruf kecil"),
    ("name", "", "Isi nama kegiatan"),
    ("unit", "", "Isi satuan"),
    ("category", "lainnya", "Pilih kategori"),
    ("package", "", "Pilih paket layanan"),
    ("target_group", "bayi", "Pilih kelompok sasaran"),
    ("apbdes_code", "2-2-02", "Tulis kode kegiatan APBDes"),
    ("apbdes_code", "2.2.2", "Tulis kode kegiatan APBDes"),
    ("apbdes_code", "9.2.02", "Tulis kode kegiatan APBDes"),
    ("apbdes_code", "2.2.00", "tidak boleh 00"),
    ("default_unit_cost", "-5", "Tidak boleh kurang dari 0"),
    ("default_unit_cost", "dua puluh ribu", "Tulis jumlah rupiah dengan angka"),
    ("default_unit_cost", "25.000,50", "Rupiah harus bilangan bulat"),
    ("cost_source", "", "Sebutkan sumber biaya satuan"),
    ("effect_value", "120", "antara 0 dan 100%"),
    ("effect_value", "-3", "Tidak boleh kurang dari 0"),
    ("effect_value", "", "Isi besar efek"),
    ("effect_value", "lima", "Tulis angka desimal"),
    ("effect_kind", "", "Pilih jenis bukti untuk besar efek ini"),
    ("impact_source", "", "Sebutkan sumber bukti efek"),
    ("units_per_course", "0", "harus lebih dari 0"),
    ("units_per_course", "", "Wajib diisi"),
])
def test_create_rejects_bad_input_at_the_field(login, app, world, field, value, message):
    before = _count(app, world)
    response = login("admin_a").post("/katalog/baru", data=dict(NEW, **{field: value}))
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert message in body
    assert f'id="{field}-error"' in body
    if value:
        assert f'value="{value}"' in body or f">{value}</textarea>" in body or f'value="{value}" selected' in body \
            or field in ("category", "package", "target_group", "effect_kind")
    assert _count(app, world) == before


def test_haz_shift_above_three_is_rejected(login):
    response = login("admin_a").post("/katalog/baru", data=dict(NEW, effect_kind="haz_shift", effect_value="3,5"))
    assert response.status_code == 422
    assert "antara 0 dan 3 SD" in text_of(response)


@pytest.mark.parametrize("code", ["2.2.02", "02.02.02", "2.2.90", "4.2.03", "1.4.01", ""])
def test_valid_apbdes_codes(login, app, code):
    response = login("admin_a").post("/katalog/baru", data=dict(NEW, apbdes_code=code))
    assert response.status_code == 303


def test_same_code_is_allowed_in_another_kabupaten(login, app, world):
    client = login("admin_b")
    assert client.post("/katalog/baru", data=NEW).status_code == 303
    client.post("/keluar")
    assert login("admin_a").post("/katalog/baru", data=NEW).status_code == 303
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CatalogueItem).where(
            CatalogueItem.code == "kelas_gizi_remaja")) == 2


# --- edit ---------------------------------------------------------------------------------------------

def test_admin_edits_item_and_form_shows_percent(login, app, world):
    client = login("admin_a")
    pk = item_id(app, world, "pmt_pemulihan_baduta")
    page = client.get(f"/katalog/{pk}/ubah")
    assert page.status_code == 200
    assert 'value="12"' in page.get_data(as_text=True)  # 0.12 shown as 12 (%)
    data = dict(_edit_data(_item(app, pk)), effect_value="10", default_unit_cost="18.000",
                cost_source="Desa contoh 2026")
    response = client.post(f"/katalog/{pk}/ubah", data=data)
    assert response.status_code == 303
    item = _item(app, pk)
    assert item.effect_value == pytest.approx(0.10) and item.default_unit_cost == 18_000
    assert item.code == "pmt_pemulihan_baduta"


def test_edit_cannot_change_the_code(login, app, world):
    pk = item_id(app, world, "ctps")
    data = dict(_edit_data(_item(app, pk)), code="cuci_tangan")
    assert login("admin_a").post(f"/katalog/{pk}/ubah", data=data).status_code == 303
    assert _item(app, pk).code == "ctps"


def test_edit_with_errors_changes_nothing(login, app, world):
    pk = item_id(app, world, "jamban_sehat")
    before = _item(app, pk)
    data = dict(_edit_data(before), name="Jamban baru", effect_value="150")
    response = login("admin_a").post(f"/katalog/{pk}/ubah", data=data)
    assert response.status_code == 422
    assert 'value="Jamban baru"' in response.get_data(as_text=True)
    after = _item(app, pk)
    assert after.name == before.name and after.effect_value == before.effect_value


def test_edit_removing_cost_keeps_item_without_source(login, app, world):
    pk = item_id(app, world, "alat_antropometri")
    data = dict(_edit_data(_item(app, pk)), default_unit_cost="", cost_source="")
    assert login("admin_a").post(f"/katalog/{pk}/ubah", data=data).status_code == 303
    assert _item(app, pk).default_unit_cost is None


# --- activation ---------------------------------------------------------------------------------------

def test_deactivate_and_reactivate(login, app, world):
    client = login("admin_a")
    pk = item_id(app, world, "mck_umum")
    response = client.post(f"/katalog/{pk}/nonaktifkan")
    assert response.status_code == 303
    assert _item(app, pk).active is False
    assert "dinonaktifkan" in text_of(client.get(response.headers["Location"]))
    assert client.post(f"/katalog/{pk}/aktifkan").status_code == 303
    assert _item(app, pk).active is True


def test_deactivate_needs_post(login, app, world):
    assert login("admin_a").get(f"/katalog/{item_id(app, world, 'mck_umum')}/nonaktifkan").status_code == 405


# --- permissions --------------------------------------------------------------------------------------

@pytest.mark.parametrize("user,status", [("admin_a", 200), ("kec_a1", 403), ("desa_a1", 403)])
def test_new_item_page_is_admin_only(login, user, status):
    client = login(user)
    assert client.get("/katalog/baru").status_code == status
    if status == 403:
        assert client.post("/katalog/baru", data=NEW).status_code == 403


@pytest.mark.parametrize("user,status", [
    ("admin_a", 200), ("kec_a1", 403), ("desa_a1", 403), ("admin_b", 404), ("desa_b", 404),
])
def test_edit_page_is_admin_only_and_scoped(login, app, world, user, status):
    pk = item_id(app, world, "ctps", "kab_a")
    client = login(user)
    assert client.get(f"/katalog/{pk}/ubah").status_code == status
    if status != 200:
        before = _item(app, pk)
        assert client.post(f"/katalog/{pk}/ubah", data=dict(_edit_data(before), name="X")).status_code == status
        assert client.post(f"/katalog/{pk}/nonaktifkan").status_code == status
        assert client.post(f"/katalog/{pk}/aktifkan").status_code == status
        after = _item(app, pk)
        assert after.name == before.name and after.active


@pytest.mark.parametrize("user,status", [("admin_a", 200), ("kec_a1", 403), ("desa_a1", 403)])
def test_assumptions_page_is_admin_only(login, user, status):
    client = login(user)
    assert client.get("/katalog/asumsi").status_code == status
    if status == 403:
        data = {"baseline_prevalence": "25", "baseline_source": "x", "haz_sd": "1"}
        assert client.post("/katalog/asumsi", data=data).status_code == 403


def test_detail_shows_admin_actions_only_to_admin(login, app, world):
    pk = item_id(app, world, "ctps")
    assert "Nonaktifkan" in text_of(login("admin_a").get(f"/katalog/{pk}"))


def test_detail_hides_admin_actions_from_village(login, app, world):
    pk = item_id(app, world, "ctps")
    body = text_of(login("desa_a1").get(f"/katalog/{pk}"))
    assert "Nonaktifkan" not in body and "Ubah kegiatan" not in body


# --- CSRF ---------------------------------------------------------------------------------------------

def test_posts_without_csrf_are_rejected(login, app, world):
    client = login("admin_a")
    pk = item_id(app, world, "ctps")
    before = _count(app, world)
    assert client.post("/katalog/baru", data=NEW, csrf=False).status_code == 400
    assert client.post(f"/katalog/{pk}/ubah", data=dict(_edit_data(_item(app, pk)), name="X"), csrf=False).status_code == 400
    assert client.post(f"/katalog/{pk}/nonaktifkan", csrf=False).status_code == 400
    assert client.post("/katalog/asumsi", data={"baseline_prevalence": "25", "baseline_source": "x", "haz_sd": "1"},
                       csrf=False).status_code == 400
    assert _count(app, world) == before and _item(app, pk).active and _item(app, pk).name != "X"


# --- assumptions --------------------------------------------------------------------------------------

def _setting(app, world, kab="kab_a"):
    with app.app_context():
        setting = db.session.scalar(select(ImpactSetting).where(ImpactSetting.region_id == world.region_ids[kab]))
        db.session.expunge(setting)
        return setting


def test_assumptions_form_shows_percent_and_saves(login, app, world):
    client = login("admin_a")
    page = client.get("/katalog/asumsi")
    assert 'value="19,8"' in page.get_data(as_text=True)
    response = client.post("/katalog/asumsi", data={
        "baseline_prevalence": "25,1", "baseline_source": "Kayong Utara 2022", "haz_sd": "1,2"})
    assert response.status_code == 303
    setting = _setting(app, world)
    assert setting.baseline_prevalence == pytest.approx(0.251) and setting.haz_sd == pytest.approx(1.2)
    assert setting.baseline_source == "Kayong Utara 2022"
    assert _setting(app, world, "kab_b").baseline_prevalence == pytest.approx(0.198)
    # the catalogue now computes with them
    body = text_of(client.get("/katalog/"))
    assert "25,1%" in body and "Kayong Utara 2022" in body


@pytest.mark.parametrize("field,value,message", [
    ("baseline_prevalence", "0", "lebih dari 0% dan kurang dari 100%"),
    ("baseline_prevalence", "100", "lebih dari 0% dan kurang dari 100%"),
    ("baseline_prevalence", "", "Wajib diisi"),
    ("baseline_prevalence", "sembilan", "Tulis angka desimal"),
    ("baseline_source", "", "Sebutkan sumber prevalensi acuan"),
    ("haz_sd", "0", "lebih dari 0"),
    ("haz_sd", "4", "paling besar 3"),
])
def test_assumptions_reject_bad_input_at_the_field(login, app, world, field, value, message):
    data = dict({"baseline_prevalence": "21,5", "baseline_source": "SKI 2023", "haz_sd": "1,1"}, **{field: value})
    response = login("admin_a").post("/katalog/asumsi", data=data)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert message in body and f'id="{field}-error"' in body
    if value:
        assert f'value="{value}"' in body
    assert _setting(app, world).baseline_source.startswith("SSGI 2024")
