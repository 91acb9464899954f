"""The catalogue pages: reading with derived impacts, filters, detail derivation, scoping."""
import pytest
from sqlalchemy import select

from planner.extensions import db
from planner.models import CatalogueItem, Plan

from .conftest import text_of


def item_id(app, world, code, kab="kab_a"):
    with app.app_context():
        return db.session.scalar(select(CatalogueItem.id).where(
            CatalogueItem.region_id == world.region_ids[kab], CatalogueItem.code == code))


# --- index --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("user", ["admin_a", "kec_a1", "desa_a1", "admin_b", "desa_b"])
def test_everyone_reads_their_kabupaten_catalogue(login, user):
    response = login(user).get("/katalog/")
    assert response.status_code == 200
    body = text_of(response)
    assert "Katalog kegiatan" in body and "PMT lokal balita berisiko" in body
    assert response.headers.get("Vary") and "HX-Request" in response.headers["Vary"]


def test_index_shows_each_kabupaten_only_its_own_items(login, app, world):
    with app.app_context():
        item = db.session.get(CatalogueItem, item_id(app, world, "ctps", "kab_b"))
        item.name = "Cuci tangan khusus kabupaten B"
        db.session.commit()
    assert "khusus kabupaten B" not in text_of(login("admin_a").get("/katalog/"))


def test_index_columns_cost_effect_and_reference_impact(login):
    body = text_of(login("admin_a").get("/katalog/"))
    # grouped by package, category badge, target group, unit, cost, APBDes code, effect
    assert "Konseling gizi" in body and "Air bersih dan sanitasi" in body
    assert "Spesifik" in body and "Sensitif" in body
    assert "anak-hari" in body and "Rp 16.500" in body and "2.2.02" in body
    assert "HAZ +0,41" in body and "\u221212%" in body
    assert "belum ada sumber" in body and "belum ada bukti" in body
    assert "asumsi" in body  # WASH defaults are labelled
    # the reference baseline and its source are named
    assert "19,8%" in body and "SSGI 2024" in body
    # PMT pemulihan: 0,198 × 0,12 ÷ 90 = 0,000264 per child-day
    assert "0,000264" in body


def test_desa_user_sees_impacts_at_their_measured_prevalence(login, app, world):
    with app.app_context():
        plan = db.session.get(Plan, world.plans["a1x"])
        plan.balita_measured, plan.stunted_children = 100, 30
        db.session.commit()
    response = login("desa_a1").get("/katalog/")
    body = text_of(response)
    assert "30,0%" in body and "hasil pengukuran posyandu Desa Desa A1X" in body
    # 0,30 × 0,12 ÷ 90 = 0,0004
    assert "0,0004" in body
    # the detail links carry the plan so the derivation uses the same baseline
    assert f"rencana={world.plans['a1x']}" in response.get_data(as_text=True)


def test_desa_without_measurement_is_told_the_reference_is_used(login, app, world):
    with app.app_context():
        plan = db.session.get(Plan, world.plans["a1x"])
        plan.balita_measured, plan.stunted_children = 0, 0
        db.session.commit()
    body = text_of(login("desa_a1").get("/katalog/"))
    assert "belum punya hasil pengukuran" in body and "19,8%" in body


@pytest.mark.parametrize("query,present,absent", [
    ("paket=air_sanitasi", "Jamban sehat", "PMT lokal balita"),
    ("kategori=sensitif", "Jamban sehat", "Insentif kader"),
    ("paket=kia&kategori=spesifik", "Insentif kader", "Jamban sehat"),
    ("paket=tidak_ada", "Jamban sehat", None),  # unknown values mean "all"
])
def test_filter_by_package_and_category(login, query, present, absent):
    body = text_of(login("desa_a1").get(f"/katalog/?{query}"))
    assert present in body
    if absent:
        assert absent not in body


def test_filter_with_no_match_says_so(login, app, world):
    with app.app_context():
        for item in db.session.scalars(select(CatalogueItem).where(
                CatalogueItem.region_id == world.region_ids["kab_a"], CatalogueItem.package == "paud")):
            item.active = False
        db.session.commit()
    body = text_of(login("desa_a1").get("/katalog/?paket=paud"))
    assert "Tidak ada kegiatan yang cocok" in body


def test_htmx_filter_gets_only_the_results_fragment(login):
    response = login("desa_a1").htmx("GET", "/katalog/?paket=air_sanitasi")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="catalogue-results"' in html and "<html" not in html
    assert "Jamban sehat" in html and "PMT lokal" not in html
    assert "HX-Request" in response.headers["Vary"]


def test_inactive_items_hidden_from_villages_but_shown_to_admin(login, app, world):
    with app.app_context():
        item = db.session.get(CatalogueItem, item_id(app, world, "mck_umum"))
        item.active = False
        db.session.commit()
    assert "Pembangunan MCK umum" not in text_of(login("desa_a1").get("/katalog/"))


def test_admin_sees_inactive_items_marked(client, world, app):
    with app.app_context():
        item = db.session.get(CatalogueItem, item_id(app, world, "mck_umum"))
        item.active = False
        db.session.commit()
    client.login(world.usernames["admin_a"])
    body = text_of(client.get("/katalog/?paket=air_sanitasi"))
    assert "Pembangunan MCK umum" in body and "nonaktif" in body


def test_admin_sees_edit_links_others_do_not(login, client):
    assert "Tambah kegiatan" in text_of(login("admin_a").get("/katalog/"))


@pytest.mark.parametrize("user", ["kec_a1", "desa_a1"])
def test_non_admins_see_no_edit_links(login, user):
    body = text_of(login(user).get("/katalog/"))
    assert "Tambah kegiatan" not in body and "Ubah asumsi" not in body


# --- detail -------------------------------------------------------------------------------------------

def test_detail_haz_shift_shows_normal_conversion(login, app, world):
    body = text_of(login("kec_a1").get(f"/katalog/{item_id(app, world, 'pmt_lokal_balita')}"))
    assert "Risiko dasar: 19,8%" in body and "SSGI 2024" in body
    assert "Bhutta et al., Lancet 2008" in body
    assert "simpangan baku (SD) 1,1" in body
    # z = Φ⁻¹(0,198) = −0,85; shift 0,41/1,1 = 0,37; after Φ(−1,22) = 11,1%; reduction 44,0%
    assert "z = -0,85" in body and "0,41 ÷ 1,1 = 0,37" in body
    assert "Φ(-1,22) = 11,1%" in body and "44,0%" in body
    assert "Satu unit = 1/90 dari satu program" in body
    # 0,198 × 0,4396 = 0,0870 per course; ÷ 90 = 0,000967 per unit
    assert "0,0871" in body and "0,0009673" in body
    assert "Rp 16.500" in body and "Dinkes Kota Banjarmasin 2025" in body
    # per Rp 1 juta: 60,6 units × 0,000967 = 0,0586
    assert "60,6 unit; × 0,0009673 = 0,0586" in body
    assert "Biaya per kasus dicegah: sekitar Rp 17.058.000" in body


def test_detail_relative_reduction(login, app, world):
    body = text_of(login("desa_a1").get(f"/katalog/{item_id(app, world, 'pmt_pemulihan_baduta')}"))
    assert "Dewey et al. 2021" in body
    assert "risiko stunting turun 12,0% (rasio prevalensi 0,88)" in body
    assert "Φ(" not in body


def test_detail_without_evidence_or_cost_says_so(login, app, world):
    body = text_of(login("desa_a1").get(f"/katalog/{item_id(app, world, 'pmt_bumil_kek')}"))
    assert "Belum ada bukti yang dapat diubah menjadi angka penurunan stunting" in body
    assert "Imdad" in body  # the indirect evidence is still named
    assert "belum ada sumber" in body and "Belum ada sumber biaya satuan" in body
    assert "Dampak per unit:" not in body


def test_detail_wash_item_is_labelled_assumption(login, app, world):
    body = text_of(login("desa_a1").get(f"/katalog/{item_id(app, world, 'jamban_sehat')}"))
    assert "asumsi" in body and "bukan hasil uji" in body and "Pickering/Humphrey 2019" in body


def test_detail_with_plan_uses_its_measured_prevalence(login, app, world):
    with app.app_context():
        plan = db.session.get(Plan, world.plans["a1x"])
        plan.balita_measured, plan.stunted_children = 200, 50
        db.session.commit()
    url = f"/katalog/{item_id(app, world, 'pmt_pemulihan_baduta')}?rencana={world.plans['a1x']}"
    body = text_of(login("kec_a1").get(url))
    assert "Risiko dasar: 25,0%" in body and "50 anak stunting dari 200 balita" in body
    # 0,25 × 0,12 ÷ 90 = 0,000333
    assert "0,000333" in body


@pytest.mark.parametrize("user,plan,status", [
    ("desa_a1", "a1x", 200), ("desa_a1", "a1y", 404), ("kec_a1", "a2x", 404), ("admin_a", "bx", 404),
    ("admin_a", "a2x", 200),
])
def test_detail_plan_parameter_is_scoped(login, app, world, user, plan, status):
    url = f"/katalog/{item_id(app, world, 'pmt_lokal_balita')}?rencana={world.plans[plan]}"
    assert login(user).get(url).status_code == status


@pytest.mark.parametrize("user,status", [("admin_a", 200), ("desa_a1", 200), ("admin_b", 404), ("desa_b", 404)])
def test_detail_of_another_kabupatens_item_is_404(login, app, world, user, status):
    assert login(user).get(f"/katalog/{item_id(app, world, 'ctps', 'kab_a')}").status_code == status


def test_detail_of_missing_item_is_404(login):
    assert login("admin_a").get("/katalog/999999").status_code == 404


def test_catalogue_needs_login(client, world):
    assert client.get("/katalog/").status_code == 303


# --- the seeded defaults ------------------------------------------------------------------------------

def test_seeded_defaults_are_valid_and_sourced(app_ctx):
    from planner.catalogue_defaults import CATALOGUE, NO_COST, NO_EFFECT
    from planner.services.catalogue import check_item_values

    assert len(CATALOGUE) >= 20
    assert len({entry["code"] for entry in CATALOGUE}) == len(CATALOGUE)
    for entry in CATALOGUE:
        assert check_item_values(entry) == {}, entry["code"]
        if entry["default_unit_cost"] is None:
            assert entry["cost_source"] == NO_COST, entry["code"]
        if entry["effect_kind"] is None:
            assert entry["effect_value"] is None and entry["impact_source"], entry["code"]
        else:
            assert entry["impact_source"] not in ("", NO_EFFECT), entry["code"]
        if entry["effect_kind"] == "haz_shift":
            # the SD is the kabupaten's setting; a note must not pin another value
            assert "simpangan baku 1,1" not in entry["impact_note"], entry["code"]


def test_seeded_sensitive_effects_are_low_and_labelled_assumptions(app_ctx):
    from planner.catalogue_defaults import CATALOGUE

    wash = [e for e in CATALOGUE if e["package"] == "air_sanitasi" and e["effect_kind"] is not None]
    assert wash
    for entry in wash:
        assert entry["effect_kind"] == "relative_reduction" and entry["effect_value"] <= 0.05
        assert entry["impact_source"].startswith("Asumsi") and "asumsi" in entry["impact_note"]


def test_seeded_costs_match_the_domain_sources(app_ctx):
    from planner.catalogue_defaults import CATALOGUE

    by_code = {e["code"]: e for e in CATALOGUE}
    expected = {  # domain notes: single local examples or the middle of a stated range
        "pmt_lokal_balita": (16_500, "Banjarmasin"), "pmt_pemulihan_baduta": (17_000, "Banyumas"),
        "insentif_kader": (100_000, "Sukabumi"), "operasional_posyandu": (300_000, "Labuhanbatu"),
        "jamban_sehat": (9_750_000, "Purworejo"), "sambungan_air": (2_250_000, "Purworejo"),
        "alat_antropometri": (8_000_000, "Jepara"),
    }
    for code, (cost, place) in expected.items():
        assert by_code[code]["default_unit_cost"] == cost and place in by_code[code]["cost_source"]
    assert by_code["pmt_bumil_kek"]["default_unit_cost"] is None
    with_cost = {code for code, e in by_code.items() if e["default_unit_cost"] is not None}
    assert with_cost == set(expected)
