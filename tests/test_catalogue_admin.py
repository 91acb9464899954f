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
    "effect_kind": "relative_reduction", "effect_low": "2", "effect_value": "5,5", "effect_high": "9",
    "units_per_course": "12", "course_days": "365", "whole_courses": "y",
    "impact_source": "Contoh sumber", "low_source": "", "high_source": "Contoh batas atas", "impact_note": "",
    "evidence_min_days": "", "platform": "", "national_programme": "", "national_note": "",
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
    """The edit form as a browser would send it for `item`, unchanged (unticked boxes are not sent)."""
    percent = item.effect_kind in ("relative_reduction", "sga_reduction")

    def number(value, scale=1):
        return "" if value is None else str(round(value * scale, 9)).replace(".", ",")

    data = {
        "name": item.name, "description": item.description, "category": item.category, "package": item.package,
        "target_group": item.target_group, "unit": item.unit, "apbdes_code": item.apbdes_code,
        "default_unit_cost": "" if item.default_unit_cost is None else str(item.default_unit_cost),
        "cost_source": item.cost_source, "effect_kind": item.effect_kind or "",
        "effect_low": number(item.effect_low, 100 if percent else 1),
        "effect_value": number(item.effect_value, 100 if percent else 1),
        "effect_high": number(item.effect_high, 100 if percent else 1),
        "units_per_course": number(item.units_per_course), "course_days": number(item.course_days),
        "evidence_min_days": number(item.evidence_min_days), "impact_source": item.impact_source,
        "low_source": item.low_source, "high_source": item.high_source, "impact_note": item.impact_note,
        "platform": item.platform, "national_programme": item.national_programme,
        "national_note": item.national_note,
    }
    for box in ("whole_courses", "targeted", "enabling"):
        if getattr(item, box):
            data[box] = "y"
    return data


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
        assert (item.effect_low, item.effect_value, item.effect_high) == pytest.approx((0.02, 0.055, 0.09))
        assert item.units_per_course == 12 and item.course_days == 365 and item.whole_courses and item.active
        assert not item.enabling and not item.targeted
    body = text_of(client.get(response.headers["Location"]))
    assert "Kelas gizi remaja putri ditambahkan" in body and "\u22125,5% (2–9%)" in body and "2.2.90" in body
    # an empty low source reads as the central one
    assert "Contoh sumber" in body and "Contoh batas atas" in body


def test_admin_creates_item_without_cost_or_evidence(login, app):
    data = dict(NEW, default_unit_cost="", cost_source="", effect_kind="", effect_low="", effect_value="",
                effect_high="", impact_source="", high_source="")
    response = login("admin_a").post("/katalog/baru", data=data)
    assert response.status_code == 303
    with app.app_context():
        item = db.session.scalar(select(CatalogueItem).where(CatalogueItem.code == "kelas_gizi_remaja"))
        assert item.default_unit_cost is None and item.effect_kind is None and item.effect_value is None


@pytest.mark.parametrize("kind", ["haz_shift", "haz_smd"])
def test_haz_effects_are_stored_in_sd_units(login, app, kind):
    data = dict(NEW, effect_kind=kind, effect_low="0,1", effect_value="0,25", effect_high="0,3")
    assert login("admin_a").post("/katalog/baru", data=data).status_code == 303
    with app.app_context():
        item = db.session.scalar(select(CatalogueItem).where(CatalogueItem.code == "kelas_gizi_remaja"))
        assert (item.effect_low, item.effect_value, item.effect_high) == pytest.approx((0.1, 0.25, 0.3))


def test_sga_reduction_is_typed_in_percent(login, app):
    data = dict(NEW, effect_kind="sga_reduction", effect_low="11", effect_value="34", effect_high="51")
    assert login("admin_a").post("/katalog/baru", data=data).status_code == 303
    with app.app_context():
        item = db.session.scalar(select(CatalogueItem).where(CatalogueItem.code == "kelas_gizi_remaja"))
        assert (item.effect_low, item.effect_value, item.effect_high) == pytest.approx((0.11, 0.34, 0.51))


def test_admin_creates_an_enabling_item(login, app):
    data = dict(NEW, code="insentif_kader_remaja", effect_kind="", effect_low="", effect_value="", effect_high="",
                impact_source="", high_source="", enabling="y", platform="posyandu", unit="kader-bulan")
    assert login("admin_a").post("/katalog/baru", data=data).status_code == 303
    with app.app_context():
        item = db.session.scalar(select(CatalogueItem).where(CatalogueItem.code == "insentif_kader_remaja"))
        assert item.enabling and item.platform == "posyandu" and not item.has_effect


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
    ("effect_value", "1", "rendah ≤ tengah ≤ tinggi"),
    ("effect_low", "", "Isi nilai rendah dan tinggi"),
    ("effect_high", "", "Isi nilai rendah dan tinggi"),
    ("effect_high", "101", "antara 0 dan 100%"),
    ("effect_kind", "", "Pilih jenis bukti untuk besar efek ini"),
    ("effect_kind", "sihir", "Pilih jenis bukti"),
    ("impact_source", "", "Sebutkan sumber bukti efek"),
    ("units_per_course", "0", "harus lebih dari 0"),
    ("units_per_course", "", "Wajib diisi"),
    ("course_days", "0", "Tidak boleh kurang dari 1"),
    ("course_days", "4000", "antara 1 dan 3650"),
    ("platform", "balai", "Pilih platform"),
    ("national_programme", "bansos", "Pilih program nasional"),
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
            or field in ("category", "package", "target_group", "effect_kind", "platform", "national_programme")
    assert _count(app, world) == before


def test_haz_shift_above_three_is_rejected(login):
    response = login("admin_a").post("/katalog/baru", data=dict(NEW, effect_kind="haz_shift", effect_low="1",
                                                                   effect_value="2", effect_high="3,5"))
    assert response.status_code == 422
    assert "antara 0 dan 3 SD" in text_of(response)


@pytest.mark.parametrize("changes,field,message", [
    (dict(enabling="y", platform="posyandu"), "effect_kind", "Kegiatan pendukung tidak punya efek sendiri"),
    (dict(enabling="y", effect_kind="", effect_low="", effect_value="", effect_high=""), "platform",
     "pilih platform yang dijalankannya"),
    (dict(evidence_min_days="180", course_days=""), "course_days", "butuh kursus paling sedikit 180 hari"),
])
def test_rules_across_fields(login, app, world, changes, field, message):
    before = _count(app, world)
    response = login("admin_a").post("/katalog/baru", data=dict(NEW, **changes))
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert message in body and f'id="{field}-error"' in body
    assert _count(app, world) == before


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
    assert 'value="0,08"' in page.get_data(as_text=True)  # SMD in SD units
    data = dict(_edit_data(_item(app, pk)), course_days="180", units_per_course="180", default_unit_cost="18.000",
                cost_source="Desa contoh 2026")
    response = client.post(f"/katalog/{pk}/ubah", data=data)
    assert response.status_code == 303
    item = _item(app, pk)
    assert item.course_days == 180 and item.default_unit_cost == 18_000 and item.effect_value == pytest.approx(0.08)
    assert item.code == "pmt_pemulihan_baduta"
    # six months of food now meet what the evidence needs: the effect counts
    assert "kursus terlalu pendek" not in text_of(client.get(f"/katalog/{pk}"))


def test_edit_form_shows_reductions_in_percent(login, app, world):
    page = login("admin_a").get(f"/katalog/{item_id(app, world, 'pmt_bumil_kek')}/ubah")
    body = page.get_data(as_text=True)
    assert 'value="34"' in body and 'value="11"' in body and 'value="51"' in body  # SGA 34% (11–51%)


def test_edit_cannot_change_the_code(login, app, world):
    pk = item_id(app, world, "ctps")
    data = dict(_edit_data(_item(app, pk)), code="cuci_tangan")
    assert login("admin_a").post(f"/katalog/{pk}/ubah", data=data).status_code == 303
    assert _item(app, pk).code == "ctps"


def test_edit_with_errors_changes_nothing(login, app, world):
    pk = item_id(app, world, "jamban_sehat")
    before = _item(app, pk)
    data = dict(_edit_data(before), name="Jamban baru", effect_high="150")
    response = login("admin_a").post(f"/katalog/{pk}/ubah", data=data)
    assert response.status_code == 422
    assert 'value="Jamban baru"' in response.get_data(as_text=True)
    after = _item(app, pk)
    assert after.name == before.name and after.effect_high == before.effect_high


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


# --- audit trail --------------------------------------------------------------------------------------

def _events(app, world, prefix):
    from planner.models import AuditEvent

    with app.app_context():
        return [(e.action, e.target, e.details, e.region_id, e.username) for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.action.like(prefix + "%")).order_by(AuditEvent.id))]


def test_catalogue_changes_are_written_to_the_audit_trail(login, app, world):
    client = login("admin_a")
    assert client.post("/katalog/baru", data=NEW).status_code == 303
    pk = item_id(app, world, "jamban_sehat")
    assert client.post(f"/katalog/{pk}/ubah", data=dict(_edit_data(_item(app, pk)),
                                                         default_unit_cost="7.000.000")).status_code == 303
    assert client.post(f"/katalog/{pk}/ubah", data=_edit_data(_item(app, pk))).status_code == 303  # no change
    client.post(f"/katalog/{pk}/nonaktifkan")
    client.post(f"/katalog/{pk}/aktifkan")
    events = _events(app, world, "catalogue.")
    kab = world.region_ids["kab_a"]
    assert [(action, target) for action, target, *_ in events] == [
        ("catalogue.create", "kelas_gizi_remaja"), ("catalogue.update", "jamban_sehat"),
        ("catalogue.deactivate", "jamban_sehat"), ("catalogue.activate", "jamban_sehat")]
    assert all(region == kab and user == world.usernames["admin_a"] for *_, region, user in events)
    assert events[1][2]["fields"] == ["default_unit_cost"]
    page = text_of(client.get("/kabupaten/35.17/audit?kind=katalog"))
    assert "mengubah kegiatan katalog “Jamban sehat rumah tangga” (biaya satuan bawaan)" in page
    assert "menonaktifkan kegiatan katalog" in page


def test_impact_assumption_changes_are_audited_with_before_and_after(login, app, world):
    client = login("admin_a")
    client.post("/katalog/asumsi", data={"baseline_prevalence": "25,1", "baseline_source": "SSGI 2024 (prevalensi "
                                         "stunting nasional 19,8%)", "haz_sd": "1,2"})
    [(action, _, details, region, _user)] = _events(app, world, "impact.")
    assert action == "impact.update" and region == world.region_ids["kab_a"]
    assert details["fields"] == ["baseline_prevalence", "haz_sd"]
    assert details["changes"]["haz_sd"] == [1.1, 1.2]
    assert "mengubah asumsi dampak kabupaten (prevalensi acuan, simpangan baku HAZ)" in text_of(
        client.get("/kabupaten/35.17/audit"))


# --- reviewing changed defaults -------------------------------------------------------------------------

PENDING = {
    "default_unit_cost": {"old": 9_750_000, "new": 6_500_000},
    "effect_high": {"old": None, "new": 0.02},
    "cost_source": {"old": "Rp9.500.000–10.000.000 per unit", "new": "Rp5.000.000–10.000.000 per unit"},
}


def _flag(app, world, code="jamban_sehat", pending=None, **values):
    with app.app_context():
        item = db.session.get(CatalogueItem, item_id(app, world, code))
        for field, value in values.items():
            setattr(item, field, value)
        item.pending_defaults = pending or PENDING
        db.session.commit()
        return item.id


def test_admin_sees_items_to_review_and_what_changed(login, app, world):
    pk = _flag(app, world, default_unit_cost=8_000_000, effect_high=None)
    client = login("admin_a")
    index = text_of(client.get("/katalog/"))
    assert "1 kegiatan perlu ditinjau" in index and "bawaan berubah" in index and "3 isian berubah" in index
    page = client.get(f"/katalog/{pk}/tinjau")
    assert page.status_code == 200
    body = text_of(page)
    # per field: the old default, the new default and the kabupaten's value
    assert "biaya satuan bawaan Rp 9.750.000 Rp 6.500.000 Rp 8.000.000" in body
    assert "efek tinggi – −2% –" in body
    assert "Pakai bawaan baru untuk isian ini" in body and "Tetap pakai isian kabupaten" in body
    # villages and kecamatan see no review
    client.post("/keluar")
    for user in ("desa_a1", "kec_a1"):
        other = login(user)
        assert "perlu ditinjau" not in text_of(other.get("/katalog/"))
        assert other.get(f"/katalog/{pk}/tinjau").status_code == 403
        assert other.post(f"/katalog/{pk}/tinjau/terima").status_code == 403
        other.post("/keluar")


def test_accepting_new_defaults_takes_only_the_fields_under_review(login, app, world):
    pk = _flag(app, world, default_unit_cost=8_000_000, name="Jamban keluarga (kabupaten)")
    response = login("admin_a").post(f"/katalog/{pk}/tinjau/terima")
    assert response.status_code == 303
    item = _item(app, pk)
    assert item.default_unit_cost == 6_500_000 and item.effect_high == 0.02
    assert item.cost_source == "Rp5.000.000–10.000.000 per unit"
    assert item.name == "Jamban keluarga (kabupaten)"  # the admin's own edit stays
    assert item.pending_defaults is None
    [(action, target, details, *_)] = _events(app, world, "catalogue.accept")
    assert target == "jamban_sehat" and details["fields"] == ["cost_source", "default_unit_cost", "effect_high"]


def test_keeping_own_values_closes_the_review(login, app, world):
    pk = _flag(app, world, default_unit_cost=8_000_000)
    client = login("admin_a")
    assert client.post(f"/katalog/{pk}/tinjau/tetap").status_code == 303
    item = _item(app, pk)
    assert item.default_unit_cost == 8_000_000 and item.pending_defaults is None
    assert [a for a, *_ in _events(app, world, "catalogue.")] == ["catalogue.keep_own"]
    # nothing left to review: the review page sends back to the item
    assert client.get(f"/katalog/{pk}/tinjau").status_code == 303
    assert "perlu ditinjau" not in text_of(client.get("/katalog/"))


def test_accepting_defaults_that_no_longer_fit_the_item_changes_nothing(login, app, world):
    # the admin made the item an enabling one; the new defaults bring an effect it cannot have
    pk = _flag(app, world, pending={"effect_value": {"old": 0.02, "new": 0.0}}, enabling=True, platform="posyandu",
               effect_kind=None, effect_value=None, effect_low=None, effect_high=None)
    response = login("admin_a").post(f"/katalog/{pk}/tinjau/terima")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/katalog/{pk}/tinjau")
    item = _item(app, pk)
    assert item.effect_value is None and item.pending_defaults
    assert _events(app, world, "catalogue.") == []


def test_review_posts_need_csrf_and_stay_in_the_kabupaten(login, app, world):
    pk = _flag(app, world)
    client = login("admin_a")
    assert client.post(f"/katalog/{pk}/tinjau/terima", csrf=False).status_code == 400
    client.post("/keluar")
    assert login("admin_b").post(f"/katalog/{pk}/tinjau/tetap").status_code == 404
    assert _item(app, pk).pending_defaults
