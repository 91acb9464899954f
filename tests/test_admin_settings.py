"""Kabupaten settings: who may open them, the year's rule set and desa lokus, locking, copying,
and villages starting from the kabupaten's rules."""
from datetime import date

import pytest
from sqlalchemy import func, select

from planner.extensions import db
from planner.models import AuditEvent, Plan, YearSettings
from planner.services.rules import DEFAULT_RULES, effective_rules

from .conftest import text_of

ADMIN_PAGES = ["/kabupaten/35.17/pengaturan", "/kabupaten/35.17/pengaturan/2027", "/kabupaten/35.17/wilayah",
               "/kabupaten/35.17/wilayah/impor", "/kabupaten/35.17/pengguna", "/kabupaten/35.17/pengguna/baru"]


def form_data(world, **overrides):
    """The settings form as a browser sends it: percent with a decimal comma, a date, checked villages."""
    data = {
        "version_id": "0",
        "legal_basis": "PMK 7/2026, Permendes PDT 16/2025",
        "stunting_share_floor": "12,5",
        "first_tranche_share": "40",
        "commitment_deadline": "30/09/2026",
        "min_spesifik": "50", "max_spesifik": "", "min_sensitif": "", "max_sensitif": "80",
        "location_max_share": "60",
        "packages_required": ["kia", "konseling_gizi"],
        "target_groups_required": ["ibu_hamil", "baduta"],
        "priority_desa_ids": [str(world.region_ids["a1x"]), str(world.region_ids["a2x"])],
    }
    data.update(overrides)
    return data


def stored(app, world, year=2027, kab="kab_a"):
    with app.app_context():
        settings = db.session.scalar(select(YearSettings).where(
            YearSettings.kabupaten_id == world.region_ids[kab], YearSettings.year == year))
        if settings is None:
            return None
        return {"rules": settings.rules, "floor": settings.stunting_share_floor,
                "deadline": settings.commitment_deadline, "tranche": settings.first_tranche_share,
                "legal_basis": settings.legal_basis, "priority": settings.priority_desa_ids,
                "version": settings.version_id}


def add_settings(app, world, year, kab="kab_a", **values):
    with app.app_context():
        settings = YearSettings(kabupaten_id=world.region_ids[kab], year=year,
                                priority_desa_ids=values.pop("priority_desa_ids", []), **values)
        db.session.add(settings)
        db.session.commit()
        return settings.id


def events(app, action):
    with app.app_context():
        return [(e.region_id, e.plan_id, e.target, e.details) for e in
                db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))]


# --- Who may open the settings ------------------------------------------------------------------------------

def test_anonymous_is_sent_to_log_in(client, world):
    for url in ADMIN_PAGES:
        response = client.get(url)
        assert response.status_code == 303 and "/masuk" in response.headers["Location"], url


@pytest.mark.parametrize("who", ["kec_a1", "desa_a1"])
def test_kecamatan_and_village_users_are_refused(login, world, who):
    client = login(who)
    for url in ADMIN_PAGES:
        assert client.get(url).status_code == 403, url
    assert client.post("/kabupaten/35.17/pengaturan/2027", data=form_data(world)).status_code == 403


def test_admin_of_another_kabupaten_gets_404(login, world, app):
    client = login("admin_b")
    for url in ADMIN_PAGES:
        assert client.get(url).status_code == 404, url
    assert client.post("/kabupaten/35.17/pengaturan/2027", data=form_data(world)).status_code == 404
    assert stored(app, world) is None
    # Its own kabupaten opens; a kecamatan code is not a kabupaten.
    assert client.get("/kabupaten/35.18/pengaturan").status_code == 200


def test_a_kecamatan_code_is_not_a_kabupaten(login, world):
    assert login("admin_a").get("/kabupaten/35.17.09/pengaturan").status_code == 404


def test_year_out_of_range_is_404(login, world):
    assert login("admin_a").get("/kabupaten/35.17/pengaturan/1999").status_code == 404


def test_nav_link_only_for_admins(login, world):
    body = login("admin_a").get("/katalog/").get_data(as_text=True)
    assert "/kabupaten/35.17/pengaturan" in body and "Pengaturan kabupaten" in body


def test_nav_link_hidden_from_village(login, world):
    assert "Pengaturan kabupaten" not in text_of(login("desa_a1").get("/katalog/"))


def test_index_links_to_regions_users_and_catalogue(login, world, app):
    add_settings(app, world, 2026, legal_basis="PMK 108/2024")
    response = login("admin_a").get("/kabupaten/35.17/pengaturan")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    for link in ("/kabupaten/35.17/wilayah", "/kabupaten/35.17/pengguna", "/katalog/", "/katalog/asumsi",
                 "/kabupaten/35.17/pengaturan/2026"):
        assert f'href="{link}"' in body, link
    assert "PMK 108/2024" in text_of(response)


def test_index_year_box_opens_that_year(login, world):
    client = login("admin_a")
    response = client.get("/kabupaten/35.17/pengaturan?tahun=2029")
    assert response.status_code == 303 and response.headers["Location"].endswith("/kabupaten/35.17/pengaturan/2029")
    assert "Tahun tidak dikenali" in text_of(client.get("/kabupaten/35.17/pengaturan?tahun=abc"))


# --- The year's settings ------------------------------------------------------------------------------------

def test_new_year_shows_the_default_rules_and_tranche(login, world):
    response = login("admin_a").get("/kabupaten/35.17/pengaturan/2027")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "belum diatur" in text_of(response)
    assert 'name="first_tranche_share" type="text" value="40"' in body or 'value="40"' in body
    assert 'name="target_groups_required" type="checkbox" value="ibu_hamil"' in body
    assert 'checked id="target_groups_required-0"' in body or 'checked' in body.split('value="ibu_hamil"')[0][-120:]
    # Villages grouped by kecamatan, each a checkbox.
    text = text_of(response)
    assert text.index("Kecamatan A1") < text.index("Desa A1X") < text.index("Kecamatan A2") < text.index("Desa A2X")
    assert f'value="{world.region_ids["a1x"]}"' in body and "Desa BX" not in text


def test_admin_saves_the_year_settings(login, world, app):
    client = login("admin_a")
    response = client.post("/kabupaten/35.17/pengaturan/2027", data=form_data(world))
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/kabupaten/35.17/pengaturan/2027")
    saved = stored(app, world)
    assert saved["rules"] == {"category_min_share": {"spesifik": 0.5}, "category_max_share": {"sensitif": 0.8},
                              "location_max_share": 0.6, "packages_required": ["kia", "konseling_gizi"],
                              "target_groups_required": ["ibu_hamil", "baduta"]}
    assert saved["floor"] == pytest.approx(0.125)
    assert saved["tranche"] == pytest.approx(0.4)
    assert saved["deadline"] == date(2026, 9, 30)
    assert saved["legal_basis"] == "PMK 7/2026, Permendes PDT 16/2025"
    assert sorted(saved["priority"]) == sorted([world.region_ids["a1x"], world.region_ids["a2x"]])
    page = client.get("/kabupaten/35.17/pengaturan/2027")
    body = page.get_data(as_text=True)
    assert "tersimpan" in text_of(page) and 'value="12,5"' in body and 'value="2026-09-30"' in body
    assert f'value="{world.region_ids["a1x"]}" id="lokus-{world.region_ids["a1x"]}" checked' in body
    assert f'value="{world.region_ids["a1y"]}" id="lokus-{world.region_ids["a1y"]}">' in body
    # The change is in the audit trail, at the kabupaten, and reads as a sentence on the index.
    recorded = events(app, "settings.save")
    assert len(recorded) == 1 and recorded[0][0] == world.region_ids["kab_a"] and recorded[0][1] is None
    assert recorded[0][3]["year"] == 2027
    assert "menyimpan pengaturan kabupaten tahun 2027" in text_of(client.get("/kabupaten/35.17/pengaturan"))


def test_saving_again_changes_and_keeps_one_row(login, world, app):
    client = login("admin_a")
    client.post("/kabupaten/35.17/pengaturan/2027", data=form_data(world))
    response = client.post("/kabupaten/35.17/pengaturan/2027", data=form_data(
        world, version_id="1", stunting_share_floor="", commitment_deadline="", priority_desa_ids=[],
        first_tranche_share="50"))
    assert response.status_code == 303
    saved = stored(app, world)
    assert saved["floor"] is None and saved["deadline"] is None and saved["priority"] == []
    assert saved["tranche"] == pytest.approx(0.5) and saved["version"] == 2
    changed = events(app, "settings.save")[-1][3]
    assert set(changed["fields"]) == {"stunting_share_floor", "commitment_deadline", "first_tranche_share",
                                      "priority_desa_ids"}
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(YearSettings)) == 1


@pytest.mark.parametrize("field, value, message", [
    ("min_spesifik", "90", "Batas bawah tidak boleh lebih besar"),     # with max 80? no: min > max of its own
    ("stunting_share_floor", "150", "paling banyak 100"),
    ("stunting_share_floor", "dua puluh", "Tulis angka desimal"),
    ("first_tranche_share", "", "Wajib diisi"),
    ("first_tranche_share", "0", "lebih dari 0"),
    ("commitment_deadline", "31/02/2026", "Tanggal tidak dikenali"),
    ("commitment_deadline", "01/01/2030", "harus jatuh pada tahun 2026 atau 2027"),
    ("location_max_share", "0", "lebih dari 0"),
    ("packages_required", ["kia", "sulap"], "Paket layanan tidak dikenal"),
    ("priority_desa_ids", ["abc"], "Pilihan tidak sah"),
])
def test_errors_at_the_field_and_nothing_saved(login, world, app, field, value, message):
    data = form_data(world, **{field: value})
    if field == "min_spesifik":
        data["max_spesifik"] = "40"
    response = login("admin_a").post("/kabupaten/35.17/pengaturan/2027", data=data)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    error = body.split(f'id="{field}-error"', 1)
    assert len(error) == 2, f"no error at {field}"
    assert message in text_of(response)
    assert message in error[1][:400]
    assert stored(app, world) is None
    assert events(app, "settings.save") == []


def test_the_typed_text_is_kept_on_error(login, world):
    response = login("admin_a").post("/kabupaten/35.17/pengaturan/2027",
                                     data=form_data(world, stunting_share_floor="150", legal_basis="Perbup 9/2026"))
    body = response.get_data(as_text=True)
    assert 'value="150"' in body and "Perbup 9/2026" in body


def test_village_of_another_kabupaten_cannot_be_desa_lokus(login, world, app):
    response = login("admin_a").post("/kabupaten/35.17/pengaturan/2027", data=form_data(
        world, priority_desa_ids=[str(world.region_ids["bx"])]))
    assert response.status_code == 422
    assert 'id="priority_desa_ids-error"' in response.get_data(as_text=True)
    assert "Pilih desa lokus dari daftar desa kabupaten ini" in text_of(response)
    assert stored(app, world) is None


def test_kecamatan_is_not_a_village(login, world, app):
    response = login("admin_a").post("/kabupaten/35.17/pengaturan/2027", data=form_data(
        world, priority_desa_ids=[str(world.region_ids["kec_a1"])]))
    assert response.status_code == 422 and stored(app, world) is None


def test_post_without_csrf_is_refused(login, world, app):
    response = login("admin_a").post("/kabupaten/35.17/pengaturan/2027", data=form_data(world), csrf=False)
    assert response.status_code == 400 and "CSRF" in text_of(response)
    assert stored(app, world) is None


def test_stale_version_is_refused_and_nothing_overwritten(login, world, app):
    client = login("admin_a")
    assert client.post("/kabupaten/35.17/pengaturan/2027", data=form_data(world)).status_code == 303
    before = stored(app, world)
    # A second form, opened before the first save, still says "there were no settings" (version 0).
    response = client.post("/kabupaten/35.17/pengaturan/2027", data=form_data(world, legal_basis="Lain",
                                                                              version_id="0"))
    assert response.status_code == 422
    assert "baru saja disimpan pengguna lain" in text_of(response)
    assert stored(app, world) == before
    # A form built from version 1 after someone saved version 2.
    client.post("/kabupaten/35.17/pengaturan/2027", data=form_data(world, version_id="1", legal_basis="Kedua"))
    response = client.post("/kabupaten/35.17/pengaturan/2027", data=form_data(world, version_id="1",
                                                                              legal_basis="Ketiga"))
    assert response.status_code == 422 and stored(app, world)["legal_basis"] == "Kedua"


# --- Copy from the previous year ----------------------------------------------------------------------------

def test_copy_button_only_when_previous_year_has_settings(login, world, app):
    client = login("admin_a")
    assert "Salin dari tahun" not in text_of(client.get("/kabupaten/35.17/pengaturan/2027"))
    response = client.post("/kabupaten/35.17/pengaturan/2027/salin", data={"version_id": "0"})
    assert response.status_code == 303
    assert "belum punya pengaturan untuk disalin" in text_of(client.get(response.headers["Location"]))
    assert stored(app, world) is None


def test_copy_from_previous_year(login, world, app):
    rules = {"category_min_share": {"spesifik": 0.6}, "category_max_share": {}, "location_max_share": None,
             "packages_required": ["paud"], "target_groups_required": ["baduta"]}
    add_settings(app, world, 2026, rules=rules, stunting_share_floor=0.1, first_tranche_share=0.5,
                 commitment_deadline=date(2025, 8, 31), legal_basis="PMK 108/2024",
                 priority_desa_ids=[world.region_ids["a1y"]])
    client = login("admin_a")
    page = client.get("/kabupaten/35.17/pengaturan/2027")
    assert "Salin dari tahun 2026" in text_of(page)
    response = client.post("/kabupaten/35.17/pengaturan/2027/salin", data={"version_id": "0"})
    assert response.status_code == 303
    copied = stored(app, world)
    assert copied["rules"] == rules and copied["floor"] == pytest.approx(0.1)
    assert copied["tranche"] == pytest.approx(0.5) and copied["legal_basis"] == "PMK 108/2024"
    assert copied["priority"] == [world.region_ids["a1y"]] and copied["deadline"] is None
    assert "disalin ke tahun 2027" in text_of(client.get(response.headers["Location"]))
    assert events(app, "settings.copy")[0][3]["source"] == 2026
    # The copy button of a page opened before the copy is stale now.
    response = client.post("/kabupaten/35.17/pengaturan/2027/salin", data={"version_id": "0"})
    assert "baru saja disimpan pengguna lain" in text_of(client.get(response.headers["Location"]))
    assert stored(app, world)["version"] == 1


def test_copy_without_csrf_is_refused(login, world, app):
    add_settings(app, world, 2026, legal_basis="PMK 108/2024")
    response = login("admin_a").post("/kabupaten/35.17/pengaturan/2027/salin", data={"version_id": "0"},
                                     csrf=False)
    assert response.status_code == 400 and stored(app, world) is None


def test_copy_by_other_roles_refused(login, world, app):
    add_settings(app, world, 2026, legal_basis="PMK 108/2024")
    assert login("kec_a1").post("/kabupaten/35.17/pengaturan/2027/salin", data={}).status_code == 403
    assert stored(app, world) is None


# --- Villages start from the kabupaten's rule set -----------------------------------------------------------

KAB_RULES = {"category_min_share": {"spesifik": 0.7}, "category_max_share": {}, "location_max_share": 0.5,
             "packages_required": ["kia"], "target_groups_required": ["ibu_hamil"]}


def test_new_plan_follows_the_kabupaten_rules(app, world):
    add_settings(app, world, 2027, rules=KAB_RULES)
    with app.app_context():
        plan = db.session.get(Plan, world.plans["a1x"])
        assert plan.rules is None
        assert effective_rules(plan) == KAB_RULES
        # A fresh copy: changing it does not touch the kabupaten's settings.
        effective_rules(plan)["packages_required"].append("paud")
        assert effective_rules(plan)["packages_required"] == ["kia"]
        # Another year, another kabupaten: the defaults.
        other = db.session.get(Plan, world.plans["bx"])
        assert effective_rules(other) == DEFAULT_RULES
        plan.year = 2028
        assert effective_rules(plan) == DEFAULT_RULES
        db.session.rollback()


def test_keys_missing_from_the_kabupaten_rules_come_from_the_defaults(app, world):
    add_settings(app, world, 2027, rules={"category_min_share": {"spesifik": 0.3}})
    with app.app_context():
        rules = effective_rules(db.session.get(Plan, world.plans["a1x"]))
        assert rules["category_min_share"] == {"spesifik": 0.3}
        assert rules["target_groups_required"] == DEFAULT_RULES["target_groups_required"]
        assert rules["location_max_share"] is None


def test_plan_rules_still_win(app, world):
    add_settings(app, world, 2027, rules=KAB_RULES)
    own = {"category_min_share": {}, "category_max_share": {"sensitif": 0.2}, "location_max_share": None,
           "packages_required": [], "target_groups_required": ["baduta"]}
    with app.app_context():
        plan = db.session.get(Plan, world.plans["a1x"])
        plan.rules = own
        db.session.commit()
        assert effective_rules(plan) == own


def test_saved_settings_show_on_the_village_rules_page(login, world, client):
    admin = login("admin_a")
    admin.post("/kabupaten/35.17/pengaturan/2027", data=form_data(world, min_spesifik="65"))
    admin.post("/keluar")
    page = login("desa_a1").get(f"/rencana/{world.plans['a1x']}/aturan")
    assert page.status_code == 200 and 'value="65"' in page.get_data(as_text=True)


# --- Desa lokus from a CSV ------------------------------------------------------------------------------------

def _lokus(client, text, name="lokus.csv", year=2027):
    import io

    return client.post(f"/kabupaten/35.17/pengaturan/{year}/lokus",
                       data={"file": (io.BytesIO(text.encode("utf-8")), name)}, content_type="multipart/form-data")


def test_desa_lokus_come_from_a_csv_all_or_nothing(app, world, login):
    client = login("admin_a")
    refused = _lokus(client, "kode desa\n35.17.09.2001\n35.18.01.2001\n35.17.99.9999\n")
    assert refused.status_code == 422
    text = text_of(refused)
    assert "Baris 3: 35.18.01.2001 bukan kode desa di Kabupaten A." in text and "Baris 4: 35.17.99.9999" in text
    assert stored(app, world) is None
    saved = _lokus(client, "kode desa;nama\n35.17.09.2001;A1X\n\n35.17.10.2001;A2X\n35.17.09.2001;lagi\n")
    assert saved.status_code == 303 and saved.headers["Location"].endswith("#lokus")
    assert sorted(stored(app, world)["priority"]) == sorted([world.region_ids["a1x"], world.region_ids["a2x"]])
    recorded = events(app, "settings.lokus_import")
    assert recorded and recorded[0][3]["count"] == 2 and recorded[0][3]["year"] == 2027
    replaced = _lokus(client, "35.17.09.2002\n")
    assert replaced.status_code == 303 and stored(app, world)["priority"] == [world.region_ids["a1y"]]


@pytest.mark.parametrize("text, name, message", [("", "lokus.csv", "tidak memuat kode desa"), ("kode\n", "lokus.csv", "tidak memuat kode desa"),
                                                 ("35.17.09.2001", "lokus.xlsx", "Pilih berkas .csv")])
def test_a_bad_lokus_file_gets_a_message_at_the_field(app, world, login, text, name, message):
    client = login("admin_a")
    response = _lokus(client, text, name=name)
    assert response.status_code == 422 and message in text_of(response)


def test_only_the_kabupatens_admin_imports_lokus(world, login):
    assert _lokus(login("kec_a1"), "35.17.09.2001\n").status_code == 403
