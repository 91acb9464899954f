"""Scorecard Konvergensi Desa: the tingkat konvergensi as the scorecard defines it, the form, the XLSX
template and import, what lags, what is already reached, and who may see and change what."""
import io

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from planner.extensions import db
from planner.models import AuditEvent, ConvergenceScorecard, Plan, Region
from planner.services import ServiceError, convergence
from planner.services import convergence_sheet as sheet

from .conftest import text_of

DESA = "35.17.09.2001"
URL = f"/wilayah/{DESA}/konvergensi"


def full_values(should=10, received=7, **overrides):
    values = {"ibu_hamil": 12, "ibu_hamil_kek": 3, "anak_0_23": 20, "anak_0_23_gizi": 4,
              "tikar_hijau": 14, "tikar_kuning": 4, "tikar_merah": 2}
    for indicator in convergence.INDICATORS:
        values[f"should-{indicator.code}"] = should
        values[f"received-{indicator.code}"] = received
    values.update(overrides)
    return values


def form_of(values):
    return {k: str(v) for k, v in values.items()}


def _desa(code=DESA):
    return db.session.scalar(select(Region).where(Region.code == code))


def _save(app, quarter=2, year=2026, code=DESA, **kwargs):
    with app.test_request_context():
        card = convergence.save_quarter(_desa(code), year, quarter, full_values(**kwargs), None)
        return card.id


# --- Table 4: the arithmetic --------------------------------------------------------------------------------------

counts = st.integers(min_value=0, max_value=5000)


@given(st.dictionaries(st.sampled_from(sorted(convergence.BY_CODE)),
                       st.tuples(counts, counts).map(lambda p: (max(p), min(p)))))
@example({})
@example({"paud_aktif": (0, 0)})
def test_tingkat_konvergensi_is_services_received_over_services_due(pairs):
    levels = convergence.levels(pairs)
    for group in convergence.GROUPS:
        codes = [i.code for i in convergence.INDICATORS if i.group == group]
        due = sum(pairs.get(c, (0, 0))[0] for c in codes)
        got = sum(pairs.get(c, (0, 0))[1] for c in codes)
        level = levels.groups[group]
        assert (level.should, level.received) == (due, got)
        assert level.rate == (got / due if due else None)
    due = sum(s for s, _ in pairs.values())
    got = sum(r for _, r in pairs.values())
    assert (levels.overall.should, levels.overall.received) == (due, got)
    assert levels.overall.rate == (got / due if due else None)
    if levels.overall.rate is not None:
        assert 0 <= levels.overall.rate <= 1
    # the packages split the same services another way: they add up to the same totals
    assert sum(l.should for l in levels.packages.values()) == due


def test_the_overall_level_weights_groups_by_their_services_not_averaging_rates():
    pairs = {"bumil_anc4": (10, 10), "baduta_timbang": (30, 0)}
    levels = convergence.levels(pairs)
    assert levels.groups["ibu_hamil"].rate == 1.0
    assert levels.groups["baduta"].rate == 0.0
    assert levels.overall.rate == 10 / 40           # not (100% + 0%) / 2
    assert levels.groups["anak_2_6"].rate is None   # nobody due: no rate, not 0%


@given(st.integers(0, 1000), st.integers(0, 1000))
def test_check_refuses_received_above_should_at_that_field(should, received):
    errors = convergence.check(full_values(**{"should-baduta_timbang": should, "received-baduta_timbang": received}))
    assert ("received-baduta_timbang" in errors) == (received > should)


def test_check_table_1_and_2_and_an_empty_table_3():
    errors = convergence.check(full_values(ibu_hamil_kek=13, anak_0_23_gizi=21, tikar_hijau=30))
    assert "ibu_hamil_kek" in errors and "anak_0_23_gizi" in errors and "tikar" in errors
    assert "ibu hamil (12)" in errors["ibu_hamil_kek"][0]
    errors = convergence.check(full_values(should=0, received=0))
    assert None in errors and "Tabel 3 kosong" in errors[None][0]


@pytest.mark.parametrize("text, value, error", [
    ("", 0, None), ("12", 12, None), ("1.250", 1250, None), (" 7 ", 7, None),
    ("1,5", None, "bilangan bulat"), ("-3", None, "negatif"), ("dua", None, "Tulis bilangan bulat"),
    ("100.001", None, "Terlalu besar"),
])
def test_counts_are_read_the_indonesian_way(app, text, value, error):
    with app.test_request_context():
        got, message = convergence.read_count(text)
    assert got == value
    assert (message is None) if error is None else (error in message)


# --- Lagging services and people already reached ------------------------------------------------------------------

def test_lagging_lists_services_under_80_percent_worst_first_from_the_latest_quarter(app, world):
    with app.test_request_context():
        desa = _desa()
        convergence.save_quarter(desa, 2026, 1, full_values(should=10, received=2), None)
        values = full_values(should=10, received=9, **{"should-baduta_timbang": 20, "received-baduta_timbang": 8,
                                                      "should-bumil_jkn": 10, "received-bumil_jkn": 7})
        convergence.save_quarter(desa, 2026, 2, values, None)
        plan = db.session.get(Plan, world.plans["a1x"])      # plan 2027: the rembuk meets in 2026
        result = convergence.lagging(plan)
        assert (result.year, result.quarter) == (2026, 2)
        assert [lag.indicator.code for lag in result.lags] == ["baduta_timbang", "bumil_jkn"]
        assert result.lags[0].sentence == "baru 40% baduta ditimbang tiap bulan (8 dari 20)"
        assert convergence.lagging(desa, 2025) is None     # nothing before 2026
        assert convergence.lagging(_desa("35.17.09.2002"), 2026) is None


def test_already_reached_maps_catalogue_items_to_their_indicator_in_the_latest_quarter(app, world):
    with app.test_request_context():
        desa = _desa()
        assert convergence.already_reached(desa, 2027) == {}
        convergence.save_quarter(desa, 2026, 3, full_values(should=10, received=4), None)
        convergence.save_quarter(desa, 2026, 4, full_values(should=10, received=6, **{
            "received-bumil_konseling4": 9, "should-baduta_akta": 15, "received-baduta_akta": 12}), None)
        reached = convergence.already_reached(desa, 2027)
        assert reached["kelas_ibu_hamil"] == 9
        assert reached["akta_kelahiran"] == 12
        assert reached["konseling_pmba"] == 6
        assert set(reached) == set(convergence.COVERS)
        assert "jamban_sehat" not in reached          # households, not the scorecard's people: left out
        assert convergence.already_reached(desa, 2025) == {}


def test_every_covered_item_exists_in_the_catalogue_with_the_indicators_group():
    from planner.catalogue_defaults import CATALOGUE

    groups = {item["code"]: item["target_group"] for item in CATALOGUE}
    indicator_group = {"ibu_hamil": {"ibu_hamil", "ibu_nifas"}, "baduta": {"baduta"}, "anak_2_6": {"balita"}}
    for item, code in convergence.COVERS.items():
        assert item in groups, item
        assert groups[item] in indicator_group[convergence.BY_CODE[code].group], item


# --- The pages -------------------------------------------------------------------------------------------------------

def test_the_village_operator_enters_a_quarter_and_sees_table_4(app, world, login):
    client = login("desa_a1")
    response = client.get(f"{URL}/2026/2")
    assert response.status_code == 200
    page = text_of(response)
    assert "Tabel 1. Sasaran 1000 HPK" in page and "Tabel 3" in page
    assert "Anak 0–23 bulan ditimbang berat badannya setiap bulan" in page
    response = client.post(f"{URL}/2026/2", data=form_of(full_values()))
    assert response.status_code == 303
    page = text_of(client.get(f"{URL}?tahun=2026"))
    assert "Triwulan II" in page and "70%" in page
    page = text_of(client.get(f"{URL}/2026/2"))
    assert "Tabel 4. Tingkat konvergensi" in page and "133" in page   # 19 × 7 received
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "convergence.save"))
        assert event.details["level"] == "70%"


def test_a_bad_quarter_is_refused_at_its_fields_and_nothing_is_saved(app, world, login):
    client = login("desa_a1")
    values = form_of(full_values())
    values["received-baduta_timbang"] = "12"
    values["ibu_hamil"] = "dua belas"
    response = client.post(f"{URL}/2026/1", data=values)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert 'id="e-ibu_hamil"' in body and "Tulis bilangan bulat" in body
    assert 'value="dua belas"' in body                     # what was typed comes back
    assert 'id="e-received-baduta_timbang"' in body       # and the other problems are reported at once
    values["ibu_hamil"] = "12"
    response = client.post(f"{URL}/2026/1", data=values)
    assert response.status_code == 422
    assert 'id="e-received-baduta_timbang"' in response.get_data(as_text=True)
    assert "tidak boleh lebih dari yang seharusnya" in text_of(response)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ConvergenceScorecard)) == 0


def test_correcting_a_quarter_replaces_it_and_a_stale_form_is_refused(app, world, login):
    _save(app, quarter=3)
    client = login("desa_a1")
    with app.app_context():
        version = db.session.scalar(select(ConvergenceScorecard.version_id))
    data = form_of(full_values(received=10))
    data["version"] = str(version)
    assert client.post(f"{URL}/2026/3", data=data).status_code == 303
    data["version"] = str(version)                           # the same, now stale
    response = client.post(f"{URL}/2026/3", data=data)
    assert response.status_code == 422 and "baru saja disimpan orang lain" in text_of(response)
    with app.app_context():
        card = db.session.scalar(select(ConvergenceScorecard))
        assert convergence.card_levels(card).overall.rate == 1.0


@pytest.mark.parametrize("who", ["kec_a1", "admin_a", "desa_a1y"])
def test_others_read_but_cannot_save(app, world, login, who):
    _save(app)
    client = login(who)
    if who == "desa_a1y":       # a neighbouring village: out of scope
        assert client.get(f"{URL}/2026/2").status_code == 404
        assert client.post(f"{URL}/2026/2", data=form_of(full_values())).status_code == 404
        return
    response = client.get(f"{URL}/2026/2")
    assert response.status_code == 200
    assert "<input id=\"f-ibu_hamil\"" not in response.get_data(as_text=True)
    assert "70%" in text_of(response)
    assert client.post(f"{URL}/2026/2", data=form_of(full_values())).status_code == 403
    assert client.post(f"{URL}/impor", data={}).status_code == 403


def test_posting_without_a_csrf_token_is_refused(app, world, login):
    client = login("desa_a1")
    response = client.post(f"{URL}/2026/2", data=form_of(full_values()), csrf=False)
    assert response.status_code in (400, 403)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ConvergenceScorecard)) == 0


@pytest.mark.parametrize("path", ["/2026/5", "/2026/0", "/1800/1"])
def test_a_quarter_that_cannot_be_is_404(world, login, path):
    assert login("desa_a1").get(URL + path).status_code == 404


def test_a_kecamatan_code_is_not_a_village_scorecard(world, login):
    assert login("kec_a1").get("/wilayah/35.17.09/konvergensi").status_code == 404


def test_anonymous_users_are_sent_to_log_in(world, client):
    response = client.get(f"{URL}?tahun=2026")
    assert response.status_code in (302, 303)


# --- XLSX: template and import --------------------------------------------------------------------------------------

def _template(client, year=2026, quarter=2):
    response = client.get(f"{URL}/templat.xlsx?tahun={year}&triwulan={quarter}")
    assert response.status_code == 200
    assert response.mimetype == sheet.XLSX_MIMETYPE
    return response.data


def _fill(data, edits):
    """The template with cells changed: edits {(key in column A, column letter): value}, or {cell: value}."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    ws = book["Scorecard"]
    rows = {str(row[0].value): row[0].row for row in ws.iter_rows() if row[0].value}
    for where, value in edits.items():
        if isinstance(where, tuple):
            ws[f"{where[1]}{rows[where[0]]}"] = value
        else:
            ws[where] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _filled(data, should=10, received=6):
    edits = {("ibu_hamil", "C"): 12, ("ibu_hamil", "D"): 2, ("anak_0_23", "C"): 20, ("anak_0_23", "D"): 3,
             ("tikar", "C"): 15, ("tikar", "D"): 3, ("tikar", "E"): 1}
    for indicator in convergence.INDICATORS:
        edits[(indicator.code, "C")] = should
        edits[(indicator.code, "D")] = received
    return _fill(data, edits)


def _upload(client, data, name="scorecard.xlsx", **form):
    return client.post(f"{URL}/impor?tahun=2026", data={"berkas": (io.BytesIO(data), name), **form},
                       content_type="multipart/form-data")


def test_a_filled_template_is_imported_and_table_4_computed(app, world, login):
    client = login("desa_a1")
    response = _upload(client, _filled(_template(client)))
    assert response.status_code == 303
    with app.app_context():
        card = db.session.scalar(select(ConvergenceScorecard))
        assert (card.year, card.quarter, card.source, card.ibu_hamil, card.tikar_merah) == (2026, 2, "xlsx", 12, 1)
        assert convergence.card_levels(card).overall.rate == 0.6
    # the template then holds what is stored
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(_template(client)))["Scorecard"]
    values = {row[0].value: row[2].value for row in ws.iter_rows() if row[0].value}
    assert values["ibu_hamil"] == 12 and values["bumil_anc4"] == 10


def test_importing_over_a_stored_quarter_needs_the_box_ticked(app, world, login):
    _save(app, quarter=2)
    client = login("desa_a1")
    data = _filled(_template(client), received=10)
    response = _upload(client, data)
    assert response.status_code == 422 and "sudah ada" in text_of(response)
    assert _upload(client, data, ganti="1").status_code == 303
    with app.app_context():
        assert convergence.card_levels(db.session.scalar(select(ConvergenceScorecard))).overall.rate == 1.0


@pytest.mark.parametrize("edits, message", [
    ({("bumil_anc4", "D"): 11}, "tidak boleh lebih dari yang seharusnya"),
    ({("baduta_timbang", "C"): "sepuluh"}, "Sel C"),
    ({("baduta_timbang", "D"): 2.5}, "bilangan bulat"),
    ({("ibu_hamil", "D"): 13}, "Tidak boleh lebih dari jumlah ibu hamil"),
    ({("kode_desa", "C"): "35.17.09.2002"}, "bukan kode desa ini"),
    ({("triwulan", "C"): 7}, "triwulan harus 1, 2, 3 atau 4"),
    ({("bumil_anc4", "A"): "bumil_anc4_x"}, "“bumil_anc4” di kolom A tidak ada"),
])
def test_a_bad_file_is_refused_with_the_cell_and_nothing_changes(app, world, login, edits, message):
    client = login("desa_a1")
    response = _upload(client, _fill(_filled(_template(client)), edits))
    assert response.status_code == 422
    assert message in text_of(response)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ConvergenceScorecard)) == 0


def test_the_cell_of_a_received_above_should_is_named(app, world, login):
    client = login("desa_a1")
    data = _filled(_template(client))
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(data))["Scorecard"]
    row = next(r[0].row for r in ws.iter_rows() if r[0].value == "baduta_akta")
    response = _upload(client, _fill(data, {("baduta_akta", "D"): 50}))
    assert f"Sel D{row}" in text_of(response)


@pytest.mark.parametrize("edits", [
    {"G3": "Nama ibu"}, {"F20": "NIK"}, {"H9": "Alamat"}, {"F30": "3517091234560001"},
    {"G12": "No. KK"},
])
def test_a_file_with_personal_data_is_refused(app, world, login, edits):
    client = login("desa_a1")
    response = _upload(client, _fill(_filled(_template(client)), edits))
    assert response.status_code == 422
    assert "data perorangan" in text_of(response)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ConvergenceScorecard)) == 0


def test_the_name_of_a_place_is_not_personal_data(app, world, login):
    client = login("desa_a1")
    response = _upload(client, _fill(_filled(_template(client)), {"D4": "Nama desa", "E4": "Bongkot"}))
    assert response.status_code == 303


@settings(max_examples=15)
@given(st.dictionaries(st.sampled_from(convergence.field_names()), st.integers(0, 400)))
def test_a_template_holding_a_quarter_reads_back_as_the_same_quarter(app, values):
    """Writing any quarter into the template and reading it back gives the same counts (blank as 0)."""
    from types import SimpleNamespace

    desa = SimpleNamespace(code=DESA)
    with app.test_request_context():
        data = sheet.template_xlsx(desa, 2026, 3, values).getvalue()
        try:
            imported = sheet.read_xlsx("t.xlsx", data, desa)
        except sheet.ConvergenceFileError as error:         # only the scorecard's own checks may refuse it
            full = {name: values.get(name, 0) for name in convergence.field_names()}
            assert convergence.check(full), error.messages
            return
    assert (imported.year, imported.quarter) == (2026, 3)
    assert imported.values == {name: values.get(name, 0) for name in convergence.field_names()}


@pytest.mark.parametrize("name, data, message", [
    ("scorecard.csv", b"a;b", ".xlsx"),
    ("scorecard.xlsx", b"not a zip at all", "bukan XLSX yang sah"),
    ("scorecard.xlsx", b"PK\x03\x04" + b"0" * (sheet.MAX_BYTES + 10), "terlalu besar"),
])
def test_files_that_are_no_scorecard_are_refused(world, login, name, data, message):
    response = _upload(login("desa_a1"), data, name=name)
    assert response.status_code == 422 and message in text_of(response)


def test_no_file_chosen(world, login):
    client = login("desa_a1")
    response = client.post(f"{URL}/impor?tahun=2026", data={}, content_type="multipart/form-data")
    assert response.status_code == 422 and "Pilih berkas" in text_of(response)


def test_the_template_keys_follow_the_scorecard_order(world, login):
    client = login("desa_a1")
    data = _template(client)
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(data))["Scorecard"]
    keys = [row[0].value for row in ws.iter_rows() if row[0].value]
    assert keys[:4] == ["kunci", "kode_desa", "tahun", "triwulan"]
    assert [k for k in keys if k in convergence.BY_CODE] == [i.code for i in convergence.INDICATORS]


def test_a_service_error_on_save_keeps_the_old_quarter(app, world):
    _save(app, quarter=1)
    with app.test_request_context():
        with pytest.raises(ServiceError):
            convergence.save_quarter(_desa(), 2026, 1, full_values(**{"received-bumil_anc4": 99}), None)
        db.session.rollback()
        card = db.session.scalar(select(ConvergenceScorecard))
        assert convergence.card_levels(card).overall.rate == 0.7


def test_a_quarter_that_has_not_begun_cannot_be_entered(app, world, login):
    client = login("desa_a1")
    response = client.get(f"{URL}/2090/1")
    assert response.status_code == 200
    assert "belum dimulai" in text_of(response) and 'id="f-ibu_hamil"' not in response.get_data(as_text=True)
    response = client.post(f"{URL}/2090/1", data=form_of(full_values()))
    assert response.status_code == 422 and "belum dimulai" in text_of(response)
    response = _upload(client, _filled(_template(client, year=2090, quarter=1)))
    assert response.status_code == 422 and "belum dimulai" in text_of(response)
    assert "Isi triwulan I" not in text_of(client.get(f"{URL}?tahun=2090"))
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ConvergenceScorecard)) == 0


def test_has_started_compares_with_the_quarter_of_the_day():
    from datetime import date

    assert convergence.has_started(2026, 2, date(2026, 4, 1))
    assert not convergence.has_started(2026, 3, date(2026, 6, 30))
    assert convergence.has_started(2025, 4, date(2026, 1, 1))
    assert convergence.current_quarter(date(2026, 12, 7)) == (2026, 4)


def test_table_4_follows_the_typing_without_saving(app, world, login):
    client = login("desa_a1")
    form = form_of(full_values(**{"received-bumil_anc4": 12}))      # 12 > 10: left out of the preview
    response = client.htmx("POST", f"{URL}/2026/2/hitung", data=form)
    assert response.status_code == 200
    assert "HX-Request" in response.headers.get("Vary", "")
    body = response.get_data(as_text=True)
    assert "<html" not in body and "Tabel 4. Tingkat konvergensi" in body
    page = text_of(response)
    assert "126" in page and "180" in page and "70%" in page and "belum tersimpan" in page   # 18 services × 7 / 10
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ConvergenceScorecard)) == 0
    assert 'hx-post="/wilayah/35.17.09.2001/konvergensi/2026/2/hitung"' in client.get(f"{URL}/2026/2").get_data(as_text=True)


def test_only_the_village_operator_gets_the_typing_preview(world, login):
    assert login("kec_a1").htmx("POST", f"{URL}/2026/2/hitung", data=form_of(full_values())).status_code == 403


def test_the_preview_needs_the_csrf_token(world, login):
    response = login("desa_a1").post(f"{URL}/2026/2/hitung", data=form_of(full_values()), csrf=False)
    assert response.status_code in (400, 403)
