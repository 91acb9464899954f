"""The catalogue pages: reading with derived effects and their ranges, filters, detail derivation, scoping."""
import re

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
    assert "Katalog kegiatan" in body and "PMT lokal balita gizi kurang" in body
    assert response.headers.get("Vary") and "HX-Request" in response.headers["Vary"]


def test_index_shows_each_kabupaten_only_its_own_items(login, app, world):
    with app.app_context():
        item = db.session.get(CatalogueItem, item_id(app, world, "ctps", "kab_b"))
        item.name = "Cuci tangan khusus kabupaten B"
        db.session.commit()
    assert "khusus kabupaten B" not in text_of(login("admin_a").get("/katalog/"))


def test_index_columns_course_cost_evidence_and_effect_ranges(login):
    body = text_of(login("admin_a").get("/katalog/"))
    # grouped by package, category badge, target group, course, cost, APBDes code, evidence
    assert "Konseling gizi" in body and "Air bersih dan sanitasi" in body
    assert "Spesifik" in body and "Sensitif" in body
    assert "1 kursus = 56 anak-hari" in body and "Rp 16.500" in body and "2.2.02" in body
    assert "1 kursus = 120 ibu-hari" in body and "1 blok = 12 kader-bulan" in body
    assert "SMD +0,11 (0,01–0,22)" in body and "RR 0,66 (0,89–0,49)" in body and "HAZ +0,16 (0,13–0,25)" in body
    # each effect names its source
    assert "Panjwani &amp; Heidkamp 2017, J Nutr (tinjauan masukan LiST)" in body and "Thakwalakwa et al. 2010, J Nutr (uji LNS/CSB di Malawi)" in body
    assert "belum ada sumber" in body and "belum ada bukti" in body
    assert "sebagian asumsi" in body  # the WASH high end is a stated assumption
    assert "pendukung" in body and "cek program nasional" in body and "sasaran terpilih" in body
    # the reference baseline and its source are named
    assert "19,8%" in body and "SSGI 2024" in body
    # PMBA education at 19,8%: a 15% (1–28%) lower risk, 2,9 (0,3–5,5) cases per 100 who finish the course
    assert "1–28% (tengah 15%)" in body and "2,9 (0,3–5,5)" in body
    # the 90-day PMT pemulihan is shorter than the six months its evidence needs
    assert "0% (kursus terlalu pendek)" in body
    # never a bare figure with many decimals
    assert not re.search(r"0,000\d", body)


def test_desa_user_sees_effects_at_their_measured_prevalence(login, app, world):
    with app.app_context():
        plan = db.session.get(Plan, world.plans["a1x"])
        plan.balita_measured, plan.stunted_children = 100, 30
        db.session.commit()
    response = login("desa_a1").get("/katalog/")
    body = text_of(response)
    assert "30,0%" in body and "hasil pengukuran posyandu Desa Desa A1X" in body
    # SMD 0,11 at 30%: Φ(Φ⁻¹(0,30) − 0,11) = 26,3%, a 12% lower risk
    assert "tengah 12%" in body
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

def test_detail_smd_moves_the_normal_distribution_without_dividing_by_the_sd(login, app, world):
    body = text_of(login("kec_a1").get(f"/katalog/{item_id(app, world, 'konseling_pmba')}"))
    assert "Risiko dasar: 19,8%" in body and "SSGI 2024" in body
    assert "Panjwani &amp; Heidkamp 2017" in body and "Batas bawah selang kepercayaan 95%" in body
    assert "simpangan baku (SD) 1,1" in body and "tidak dibagi SD lagi" in body
    # z = Φ⁻¹(0,198) = −0,85; the SMD itself is the shift: Φ(−0,96) = 16,9%, a 14,7% lower risk
    assert "z = -0,85" in body and "Φ(-0,96) = 16,9%" in body and "14,7%" in body
    assert "0,11 ÷ 1,1" not in body
    # low and high: Φ(−0,86) = 19,5% (1,4%) and Φ(−1,07) = 14,3% (28,0%)
    assert "19,5%" in body and "1,4%" in body and "28,0%" in body
    assert "Bukti ini berasal dari uji yang berjalan sedikitnya 180 hari" in body
    assert "2,9 (0,3–5,5)" in body
    # the per-unit figure the optimizer uses meanwhile: 0,198 × 0,147 ÷ 12
    assert "0,00243" in body


def test_detail_mean_difference_is_divided_by_the_sd(login, app, world):
    body = text_of(login("kec_a1").get(f"/katalog/{item_id(app, world, 'konseling_pmba_plus')}"))
    assert "SHINE" in body and "0,16 ÷ 1,1 = 0,15" in body and "0,13 ÷ 1,1 = 0,12" in body
    # Φ(−0,85 − 0,145) = 16,0%: a 19,2% lower risk
    assert "16,0%" in body and "19,2%" in body


def test_detail_sga_route_states_its_assumptions(login, app, world):
    body = text_of(login("desa_a1").get(f"/katalog/{item_id(app, world, 'pmt_bumil_kek')}?rencana={world.plans['a1x']}"))
    assert "Imdad &amp; Bhutta 2012" in body and "RR 0,66" in body and "RR 0,89" in body
    assert "Lee et al. 2013" in body and "Christian et al. 2013" in body and "2,43" in body
    # at the plan's 20%: 27% of births SGA with odds ratio 2,43 → risks 31,3% and 15,8%;
    # a 34% cut in SGA averts 0,27 × 0,34 × 15,5 points: a 7,1% lower risk for her child
    assert "31,3% / 15,8%" in body and "7,1%" in body
    assert "1 kursus = 120 ibu-hari" in body and "Jangan membeli dua kali" in body


def test_detail_short_course_has_no_effect(login, app, world):
    body = text_of(login("desa_a1").get(f"/katalog/{item_id(app, world, 'pmt_pemulihan_baduta')}"))
    assert "Kursus 90 hari lebih pendek dari 180 hari yang dibutuhkan bukti" in body
    assert "dihitung 0 di semua nilai" in body and "Penurunan risiko relatif:" not in body


def test_detail_twelve_week_feeding_counts_no_length_gain(login, app, world):
    body = text_of(login("desa_a1").get(f"/katalog/{item_id(app, world, 'pmt_lokal_balita')}"))
    assert "Thakwalakwa et al. 2010" in body and "Grellety et al. 2012" in body
    assert "Penurunan risiko relatif: 0%" in body and "Pada nilai tengah tidak ada kasus yang tercegah" in body
    assert "BOK" in body and "Makan Bergizi Gratis" in body


def test_detail_enabling_item_explains_it_has_no_effect_of_its_own(login, app, world):
    body = text_of(login("desa_a1").get(f"/katalog/{item_id(app, world, 'insentif_kader')}"))
    assert "Kegiatan pendukung tidak punya efek sendiri" in body and "Menjalankan Posyandu" in body
    assert "1 blok = 12 kader-bulan" in body and "hanya dalam blok utuh" in body


def test_detail_without_evidence_or_cost_says_so(login, app, world):
    body = text_of(login("desa_a1").get(f"/katalog/{item_id(app, world, 'kelas_ibu_hamil')}"))
    assert "Belum ada bukti yang dapat diubah menjadi angka penurunan stunting" in body
    assert "belum ada sumber" in body and "Belum ada sumber biaya satuan" in body
    assert "Dampak per unit untuk pengoptimal" not in body


def test_detail_wash_item_has_zero_centre_and_an_assumed_high(login, app, world):
    body = text_of(login("desa_a1").get(f"/katalog/{item_id(app, world, 'jamban_sehat')}"))
    assert "0% (0–2%)" in body and "sebagian asumsi" in body and "Pickering/Humphrey 2019" in body
    assert "Asumsi, bukan hasil uji" in body and "Rp 6.500.000" in body


def test_detail_with_plan_uses_its_measured_prevalence(login, app, world):
    with app.app_context():
        plan = db.session.get(Plan, world.plans["a1x"])
        plan.balita_measured, plan.stunted_children = 200, 50
        db.session.commit()
    url = f"/katalog/{item_id(app, world, 'konseling_pmba')}?rencana={world.plans['a1x']}"
    body = text_of(login("kec_a1").get(url))
    assert "Risiko dasar: 25,0%" in body and "50 anak stunting dari 200 balita" in body
    # Φ(Φ⁻¹(0,25) − 0,11) = Φ(−0,78) = 21,6%: a 13,4% lower risk
    assert "Φ(-0,78) = 21,6%" in body and "13,4%" in body


def test_every_item_detail_renders_for_admin_and_village(login, app, world):
    with app.app_context():
        ids = db.session.scalars(select(CatalogueItem.id).where(
            CatalogueItem.region_id == world.region_ids["kab_a"])).all()
    for user in ("admin_a", "desa_a1"):
        client = login(user)
        for pk in ids:
            assert client.get(f"/katalog/{pk}").status_code == 200, pk
            assert client.get(f"/katalog/{pk}?rencana={world.plans['a1x']}").status_code == 200, pk
        client.post("/keluar")


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

    assert len(CATALOGUE) >= 30
    assert len({entry["code"] for entry in CATALOGUE}) == len(CATALOGUE)
    for entry in CATALOGUE:
        assert check_item_values(entry) == {}, entry["code"]
        if entry["default_unit_cost"] is None:
            assert entry["cost_source"] == NO_COST, entry["code"]
        if entry["effect_kind"] is None:
            assert entry["effect_value"] is None and entry["impact_source"], entry["code"]
        else:
            assert entry["impact_source"] not in ("", NO_EFFECT), entry["code"]
            assert entry["low_source"] and entry["high_source"], entry["code"]
            assert entry["effect_low"] <= entry["effect_value"] <= entry["effect_high"], entry["code"]
            # a course the evidence needs a minimum length for states its own length
            if entry["evidence_min_days"]:
                assert entry["course_days"], entry["code"]
        if entry["enabling"]:
            assert entry["effect_kind"] is None and entry["platform"] and entry["units_per_course"] == 12, entry["code"]
        if entry["national_programme"]:
            assert entry["national_note"], entry["code"]
        # the SD is the kabupaten's setting; a note must not pin another value
        assert "simpangan baku 1,1" not in entry["impact_note"], entry["code"]


def test_seeded_course_lengths_follow_the_juknis(app_ctx):
    from planner.catalogue_defaults import CATALOGUE

    by_code = {e["code"]: e for e in CATALOGUE}
    for code, days in {"pmt_lokal_balita": 56, "pmt_lokal_bb_tidak_naik": 14, "pmt_bumil_kek": 120}.items():
        assert by_code[code]["units_per_course"] == days == by_code[code]["course_days"], code
        assert by_code[code]["targeted"] and by_code[code]["national_programme"] == "pmt_lokal", code
    # feeding shorter than the six months the food-provision trials ran earns nothing
    assert by_code["pmt_pemulihan_baduta"]["course_days"] < by_code["pmt_pemulihan_baduta"]["evidence_min_days"]
    assert by_code["protein_hewani_baduta"]["course_days"] >= by_code["protein_hewani_baduta"]["evidence_min_days"]
    # the twelve-week evidence: weight gain, no length gain
    assert (by_code["pmt_lokal_balita"]["effect_low"], by_code["pmt_lokal_balita"]["effect_high"]) == (0, 0)


def test_seeded_items_cover_the_missing_services_and_platforms(app_ctx):
    from planner.catalogue_defaults import CATALOGUE, RETIRED

    by_code = {e["code"]: e for e in CATALOGUE}
    for code in ("insentif_kpm", "operasional_kpm", "rumah_desa_sehat", "transport_tpk", "posyandu_remaja",
                 "pemeriksaan_catin", "protein_hewani_baduta", "kunjungan_nifas", "pendampingan_mms"):
        assert code in by_code, code
    assert by_code["kunjungan_nifas"]["target_group"] == "ibu_nifas"
    enabling = {code for code, e in by_code.items() if e["enabling"]}
    assert {"insentif_kader", "operasional_posyandu", "insentif_kpm", "operasional_kpm"} <= enabling
    # services delivered through a posyandu say so, for the platform link
    for code in ("pmt_lokal_balita", "konseling_pmba", "konseling_pmba_plus", "kelas_ibu_hamil"):
        assert by_code[code]["platform"] == "posyandu" and not by_code[code]["enabling"], code
    # MMS tablets are free from Kemenkes: the village item is support to take them
    assert "mmn_ibu_hamil" in RETIRED and "mmn_ibu_hamil" not in by_code
    assert by_code["pendampingan_mms"]["national_programme"] == "mms"
    assert by_code["alat_antropometri"]["national_programme"] == "antropometri"
    assert by_code["akta_kelahiran"]["apbdes_code"] == "1.3.01"


def test_seeded_sensitive_effects_centre_on_zero_with_an_assumed_high(app_ctx):
    from planner.catalogue_defaults import CATALOGUE

    wash = [e for e in CATALOGUE if e["package"] == "air_sanitasi" and e["effect_kind"] is not None]
    assert len(wash) == 3
    for entry in wash:
        assert entry["effect_kind"] == "relative_reduction"
        assert entry["effect_low"] == entry["effect_value"] == 0 and 0 < entry["effect_high"] <= 0.05
        assert entry["high_source"].startswith("Asumsi") and "Pickering/Humphrey 2019" in entry["impact_source"]


def test_seeded_costs_match_the_domain_sources(app_ctx):
    from planner.catalogue_defaults import CATALOGUE

    by_code = {e["code"]: e for e in CATALOGUE}
    expected = {  # domain notes: single local examples or the middle of a stated range
        "pmt_lokal_balita": (16_500, "Banjarmasin"), "pmt_lokal_bb_tidak_naik": (16_500, "Banjarmasin"),
        "pmt_pemulihan_baduta": (17_000, "Banyumas"), "insentif_kader": (100_000, "Sukabumi"),
        "operasional_posyandu": (300_000, "Labuhanbatu"), "jamban_sehat": (6_500_000, "Buleleng"),
        "sambungan_air": (2_250_000, "Purworejo"), "alat_antropometri": (8_000_000, "Jepara"),
    }
    for code, (cost, place) in expected.items():
        assert by_code[code]["default_unit_cost"] == cost and place in by_code[code]["cost_source"]
    assert by_code["pmt_bumil_kek"]["default_unit_cost"] is None
    with_cost = {code for code, e in by_code.items() if e["default_unit_cost"] is not None}
    assert with_cost == set(expected)


def test_the_migration_ships_exactly_these_defaults(app_ctx):
    """Migration 0005 carries a frozen copy of the defaults; a change here needs a migration of its own."""
    import json

    from planner.catalogue_defaults import CATALOGUE, RETIRED
    from planner.config import BASE_DIR

    snapshot = json.loads((BASE_DIR / "migrations" / "data" / "0005_catalogue.json").read_text(encoding="utf-8"))
    shipped = {code: values for code, values in snapshot["new"].items() if code not in snapshot["retired"]}
    current = {e["code"]: dict({k: v for k, v in e.items() if k != "code"}, active=True) for e in CATALOGUE}
    assert shipped == current, "the shipped catalogue changed: add a data migration (see 0005_catalogue_evidence)"
    assert sorted(snapshot["retired"]) == sorted(RETIRED)


def test_plan_file_fields_carry_the_per_person_effect_for_plan_file_v2(app_ctx, world):
    from planner.services.unit_impact import assumptions_for, plan_file_fields

    plan = db.session.get(Plan, world.plans["a1x"])   # measured 20%
    items = {item.code: item for item in db.session.scalars(select(CatalogueItem).where(
        CatalogueItem.region_id == world.region_ids["kab_a"]))}
    assumptions = assumptions_for(plan.desa)
    pmba = plan_file_fields(items["konseling_pmba"], plan, assumptions)
    assert pmba["units_per_course"] == 12 and pmba["whole_courses"] and not pmba["enabling"]
    effect = pmba["effect"]
    assert 0 <= effect["low"] <= effect["central"] <= effect["high"] <= 1
    assert effect["central"] == pytest.approx(0.1468, abs=1e-4)
    assert plan_file_fields(items["pmt_pemulihan_baduta"], plan, assumptions)["effect"] == {
        "low": 0.0, "central": 0.0, "high": 0.0}                       # shorter than the evidence needs
    kader = plan_file_fields(items["insentif_kader"], plan, assumptions)
    assert kader == {"units_per_course": 12, "whole_courses": True, "enabling": True}
    assert plan_file_fields(None, plan, assumptions) == {}
