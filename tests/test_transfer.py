"""Import (upload → preview → confirm) and export of a plan's proposals, through the web app."""
import csv
import io
import re
from html import unescape

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from planner.extensions import db
from planner.models import CatalogueItem, Plan, Proposal
from planner.services.proposal_sheet import HEADERS, write_csv, write_xlsx

from .conftest import text_of

KEYS = ["nama", "kategori", "paket", "sasaran", "lokasi", "pengusul", "satuan", "biaya_satuan", "biaya_tetap",
        "unit_min", "unit_maks", "dampak_per_unit", "kode_apbdes", "kode_katalog", "catatan"]
GOOD_ROW = ["Kelas ibu hamil", "spesifik", "kia", "ibu_hamil", "Dusun Krajan", "bidan_desa", "pertemuan",
            "Rp 250.000", "1.000.000", "4", "12", "0,002", "2.2.02", "", "catatan"]
BAD_ROW = ["PMT", "spesifik", "kia", "balita", "", "", "anak-hari", "mahal", "0", "5", "2", "", "", "", ""]
# Attributes compared between a proposal and its re-import.
FIELDS = ("name", "category", "package", "target_group", "location", "proposer", "unit", "unit_cost", "fixed_cost",
          "min_units", "max_units", "impact_per_unit", "apbdes_code", "catalogue_item_id", "notes")


def csv_file(*rows, delimiter=";", encoding="utf-8-sig", header=KEYS):
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows([header, *rows])
    return out.getvalue().encode(encoding)


def upload(client, plan_id, data, name="usulan.csv", **kwargs):
    return client.post(f"/rencana/{plan_id}/impor", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data", **kwargs)


def token_of(response) -> str:
    match = re.search(r'<input[^>]*name="rows"[^>]*value="([^"]+)"', response.get_data(as_text=True))
    assert match, "the preview carries no rows"
    return unescape(match.group(1))


def confirm(client, plan_id, token, **kwargs):
    return client.post(f"/rencana/{plan_id}/impor/simpan", data={"rows": token}, **kwargs)


def proposals(app, plan_id):
    with app.app_context():
        rows = db.session.scalars(select(Proposal).where(Proposal.plan_id == plan_id)
                                  .order_by(Proposal.position, Proposal.id)).all()
        return [{f: getattr(p, f) for f in FIELDS} | {"id": p.id, "position": p.position} for p in rows]


def snapshot(app, plan_id):
    return [{k: v for k, v in p.items()} for p in proposals(app, plan_id)]


# --- Upload and preview ----------------------------------------------------------------------------------

def test_upload_page_offers_templates_and_column_guide(login, world):
    response = login("desa_a1").get(f"/rencana/{world.plans['a1x']}/impor")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in body and 'accept=".xlsx,.csv' in body
    assert f"/rencana/{world.plans['a1x']}/impor/templat.xlsx" in body
    assert "biaya_satuan" in text_of(response)


def test_preview_shows_rows_and_errors_and_saves_nothing(login, world, app):
    client = login("desa_a1")
    plan_id = world.plans["a1x"]
    before = snapshot(app, plan_id)
    response = upload(client, plan_id, csv_file(GOOD_ROW, BAD_ROW))
    assert response.status_code == 200
    text = text_of(response)
    assert "Baris siap diimpor 1" in text and "Baris dengan kesalahan 1" in text
    assert "Baris 3, kolom “biaya_satuan”: tulis jumlah rupiah dengan angka" in text
    assert "Baris 3, kolom “unit_min”: unit minimum (5) tidak boleh lebih besar dari unit maksimum (2)" in text
    assert "Kelas ibu hamil" in text and "Rp 250.000" in text
    assert "Simpan 1 usulan" in text and "Belum ada yang disimpan" in text
    assert snapshot(app, plan_id) == before


def test_preview_with_no_valid_row_offers_no_save(login, world):
    response = upload(login("desa_a1"), world.plans["a1x"], csv_file(BAD_ROW))
    assert response.status_code == 200
    assert "Tidak ada baris yang dapat diimpor" in text_of(response)
    assert 'name="rows"' not in response.get_data(as_text=True)


@pytest.mark.parametrize("delimiter,encoding", [(";", "utf-8-sig"), (",", "utf-8"), (";", "cp1252"), (",", "cp1252")])
def test_csv_variants_import(login, world, app, delimiter, encoding):
    client = login("desa_a1")
    plan_id = world.plans["a1x"]
    row = list(GOOD_ROW)
    row[0], row[4] = "Kelas ibu hamil café", "Dusun Krajan"
    response = upload(client, plan_id, csv_file(row, delimiter=delimiter, encoding=encoding))
    assert response.status_code == 200
    assert confirm(client, plan_id, token_of(response)).status_code == 303
    added = proposals(app, plan_id)[-1]
    assert added["name"] == "Kelas ibu hamil café"
    assert (added["unit_cost"], added["fixed_cost"], added["min_units"], added["max_units"]) == (250_000, 1_000_000, 4, 12)
    assert added["impact_per_unit"] == 0.002 and added["proposer"] == "bidan_desa"


@pytest.mark.parametrize("name,data,message", [
    ("usulan.txt", b"nama;unit_maks\nA;1", "Pilih berkas .csv, .xlsx atau berkas rencana .json"),
    ("usulan.xlsx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "bukan XLSX yang sah"),
    ("usulan.xlsx", b"nama;kategori\r\nA;spesifik\r\n", "bukan XLSX yang sah"),
    ("usulan.csv", bytes(range(256)) * 20, "tidak terbaca sebagai teks CSV"),
    ("usulan.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", ".xls"),
    ("usulan.csv", b"", "Berkas kosong"),
])
def test_unreadable_file_is_an_error_at_the_file_field(login, world, app, name, data, message):
    before = snapshot(app, world.plans["a1x"])
    response = upload(login("desa_a1"), world.plans["a1x"], data, name)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert 'id="file-error"' in body and message in text_of(response)
    assert snapshot(app, world.plans["a1x"]) == before


def test_missing_file_is_an_error_at_the_field(login, world):
    response = login("desa_a1").post(f"/rencana/{world.plans['a1x']}/impor", data={},
                                     content_type="multipart/form-data")
    assert response.status_code == 422 and 'id="file-error"' in response.get_data(as_text=True)


def test_too_many_rows(login, world, app):
    app.config["IMPORT_MAX_ROWS"] = 3
    try:
        response = upload(login("desa_a1"), world.plans["a1x"], csv_file(*[GOOD_ROW] * 4))
    finally:
        app.config["IMPORT_MAX_ROWS"] = 1000
    assert response.status_code == 422
    assert "lebih dari 3 baris" in text_of(response) and 'id="file-error"' in response.get_data(as_text=True)


def test_file_too_big(login, world, app):
    limit = app.config["MAX_CONTENT_LENGTH"]
    data = csv_file(GOOD_ROW) + b"\r\n" + b";" * (limit + 10)
    response = upload(login("desa_a1"), world.plans["a1x"], data)
    assert response.status_code == 413
    assert "Berkas terlalu besar: paling besar 5 MB" in text_of(response)
    assert 'id="file-error"' in response.get_data(as_text=True)


def test_numeric_xlsx_cells_import(login, world, app):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(KEYS)
    workbook.active.append(["Jamban sehat", "sensitif", "air_sanitasi", "keluarga", "", "", "unit", 9500000,
                            0.0, 1, 12.0, 0.0007, "2.4.14", "", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    client = login("desa_a1")
    plan_id = world.plans["a1x"]
    response = upload(client, plan_id, buffer.getvalue(), "jamban.xlsx")
    assert response.status_code == 200 and "Baris siap diimpor 1" in text_of(response)
    confirm(client, plan_id, token_of(response))
    added = proposals(app, plan_id)[-1]
    assert (added["unit_cost"], added["max_units"], added["impact_per_unit"]) == (9_500_000, 12, 0.0007)


# --- Confirm ----------------------------------------------------------------------------------------------

def test_confirm_appends_valid_rows_only_and_never_touches_existing(login, world, app):
    client = login("desa_a1")
    plan_id = world.plans["a1x"]
    before = snapshot(app, plan_id)
    second = list(GOOD_ROW)
    second[0] = "Kelas ibu hamil kedua"
    response = upload(client, plan_id, csv_file(GOOD_ROW, BAD_ROW, second))
    saved = confirm(client, plan_id, token_of(response))
    assert saved.status_code == 303 and saved.headers["Location"].startswith(f"/rencana/{plan_id}")
    after = snapshot(app, plan_id)
    assert after[:len(before)] == before
    assert [p["name"] for p in after[len(before):]] == ["Kelas ibu hamil", "Kelas ibu hamil kedua"]
    assert min(p["position"] for p in after[len(before):]) > max(p["position"] for p in before)
    page = client.get(saved.headers["Location"])
    assert "2 usulan ditambahkan" in text_of(page)


def test_confirming_the_same_preview_twice_adds_nothing_more(login, world, app):
    client = login("desa_a1")
    plan_id = world.plans["a1x"]
    token = token_of(upload(client, plan_id, csv_file(GOOD_ROW)))
    assert confirm(client, plan_id, token).status_code == 303
    count = len(proposals(app, plan_id))
    again = confirm(client, plan_id, token)
    assert again.status_code == 303 and again.headers["Location"].endswith("/impor")
    assert len(proposals(app, plan_id)) == count
    assert "berubah sejak pratinjau" in text_of(client.get(again.headers["Location"]))


def test_confirm_is_all_or_nothing(login, world, app, monkeypatch):
    """A failure while saving the second row leaves no row saved."""
    client = login("desa_a1")
    plan_id = world.plans["a1x"]
    before = snapshot(app, plan_id)
    token = token_of(upload(client, plan_id, csv_file(GOOD_ROW, GOOD_ROW)))
    from sqlalchemy import event

    calls = []

    def fail_on_second(mapper, connection, target):
        calls.append(target)
        if len(calls) == 2:
            from sqlalchemy.exc import IntegrityError

            raise IntegrityError("insert", {}, Exception("simulated"))

    event.listen(Proposal, "before_insert", fail_on_second)
    try:
        response = confirm(client, plan_id, token)
    finally:
        event.remove(Proposal, "before_insert", fail_on_second)
    assert response.status_code == 303 and response.headers["Location"].endswith("/impor")
    assert snapshot(app, plan_id) == before
    assert "tidak ada yang ditambahkan" in text_of(client.get(response.headers["Location"]))


def _tamper(token):
    body, _, signature = token.rpartition(".")
    return body[:-2] + ("AA" if body[-2:] != "AA" else "BB") + "." + signature


@pytest.mark.parametrize("token", ["", "garbage", "e30.invalid"])
def test_invalid_token_is_400_and_saves_nothing(login, world, app, token):
    client = login("desa_a1")
    before = snapshot(app, world.plans["a1x"])
    response = confirm(client, world.plans["a1x"], token)
    assert response.status_code == 400
    assert "Data impor tidak sah" in text_of(response)
    assert snapshot(app, world.plans["a1x"]) == before


def test_tampered_token_is_400_and_saves_nothing(login, world, app):
    client = login("desa_a1")
    plan_id = world.plans["a1x"]
    token = token_of(upload(client, plan_id, csv_file(GOOD_ROW)))
    before = snapshot(app, plan_id)
    response = confirm(client, plan_id, _tamper(token))
    assert response.status_code == 400 and "Data impor tidak sah" in text_of(response)
    assert snapshot(app, plan_id) == before


def test_token_for_another_plan_or_user_is_refused(login, world, app, client):
    from planner.models import User
    from planner.services.proposal_import import sign_rows

    plan_id = world.plans["a1x"]
    other_plan = world.plans["a1y"]
    # A token made by desa_a1y for its own plan, replayed on plan a1x by desa_a1 (same structure, wrong salt).
    with app.test_request_context():
        plan_y = db.session.get(Plan, other_plan)
        user_y = db.session.scalar(select(User).where(User.username == world.usernames["desa_a1y"]))
        row = {"name": "X", "category": "spesifik", "package": "kia", "target_group": "balita", "location": "",
               "proposer": "", "unit": "u", "unit_cost": 1, "fixed_cost": 0, "min_units": 1, "max_units": 1,
               "impact_per_unit": None, "apbdes_code": "", "catalogue_code": None, "notes": ""}
        foreign_plan = sign_rows(plan_y, user_y.id, [row])
        plan_x = db.session.get(Plan, plan_id)
        other_user = sign_rows(plan_x, user_y.id, [row])
        db.session.remove()
    login("desa_a1")
    before = snapshot(app, plan_id)
    assert confirm(client, plan_id, foreign_plan).status_code == 400
    assert confirm(client, plan_id, other_user).status_code == 400
    assert snapshot(app, plan_id) == before


def test_catalogue_code_links_the_item_and_fills_defaults(login, world, app):
    client = login("desa_a1")
    plan_id = world.plans["a1x"]
    data = csv_file(["", "", "", "", "Dusun Barat", "", "", "", "", "", "900", "", "", "pmt_lokal_balita", ""])
    response = upload(client, plan_id, data)
    assert "Baris siap diimpor 1" in text_of(response), text_of(response)
    confirm(client, plan_id, token_of(response))
    added = proposals(app, plan_id)[-1]
    with app.app_context():
        item = db.session.scalar(select(CatalogueItem).where(
            CatalogueItem.code == "pmt_lokal_balita", CatalogueItem.region_id == world.region_ids["kab_a"]))
        assert added["catalogue_item_id"] == item.id
        assert (added["name"], added["unit_cost"], added["unit"]) == (item.name, item.default_unit_cost, item.unit)
    assert added["impact_per_unit"] is None and added["location"] == "Dusun Barat"


# --- Export and the round trip ------------------------------------------------------------------------------

def _add_varied_proposals(app, plan_id, region_id):
    with app.app_context():
        item = db.session.scalar(select(CatalogueItem).where(CatalogueItem.region_id == region_id,
                                                             CatalogueItem.code == "pmt_lokal_balita"))
        plan = db.session.get(Plan, plan_id)
        db.session.add_all([
            Proposal(plan=plan, position=5, catalogue_item=item, name="=HYPERLINK(\"http://evil\")", category="spesifik",
                     package="konseling_gizi", target_group="balita", location="-Dusun; \"Barat\"", proposer="kader",
                     unit="anak-hari", unit_cost=16_500, fixed_cost=0, min_units=0, max_units=900,
                     impact_per_unit=None, apbdes_code="2.2.02", notes="baris satu\nbaris dua"),
            Proposal(plan=plan, position=6, name="Jamban sehat", category="sensitif", package="air_sanitasi",
                     target_group="keluarga", location="", proposer="", unit="unit", unit_cost=9_500_000,
                     fixed_cost=2_000_000, min_units=2, max_units=12, impact_per_unit=0.00012345678901,
                     apbdes_code="02.04.14", notes="@kepala desa"),
        ])
        db.session.commit()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_reimports_to_identical_proposals(login, world, app, fmt):
    client = login("desa_a1")
    source, target = world.plans["a1x"], world.plans["a1x"]
    _add_varied_proposals(app, source, world.region_ids["kab_a"])
    original = proposals(app, source)
    exported = client.get(f"/rencana/{source}/usulan.{fmt}")
    assert exported.status_code == 200
    # Re-import into the same plan: the new proposals equal the originals field by field.
    response = upload(client, target, exported.data, f"usulan.{fmt}")
    assert "Baris dengan kesalahan 0" in text_of(response), text_of(response)
    assert confirm(client, target, token_of(response)).status_code == 303
    after = proposals(app, target)
    copies = after[len(original):]
    strip = lambda rows: [{f: r[f] for f in FIELDS} for r in rows]
    assert strip(copies) == strip(original)


def test_csv_export_format(login, world, app):
    _add_varied_proposals(app, world.plans["a1x"], world.region_ids["kab_a"])
    response = login("kec_a1").get(f"/rencana/{world.plans['a1x']}/usulan.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert 'filename=usulan-35.17.09.2001-2027.csv' in response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xef\xbb\xbf")
    text = response.data.decode("utf-8-sig")
    assert text.split("\r\n")[0] == ";".join(HEADERS)
    assert "'=HYPERLINK" in text and "\"'-Dusun; \"\"Barat\"\"\"" in text and "'@kepala desa" in text
    assert "0,00012345678901" in text
    # computed columns: requested cost = fixed + unit cost × max
    assert ";116000000;0,00012345678901;manual" in text


def test_xlsx_export_format(login, world, app):
    _add_varied_proposals(app, world.plans["a1x"], world.region_ids["kab_a"])
    response = login("admin_a").get(f"/rencana/{world.plans['a1x']}/usulan.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "usulan-35.17.09.2001-2027.xlsx" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data))["Usulan"]
    assert [c.value for c in sheet[1]] == HEADERS and sheet["A1"].font.bold and sheet.freeze_panes == "A2"
    names = [sheet.cell(row=r, column=1).value for r in range(2, sheet.max_row + 1)]
    assert "'=HYPERLINK(\"http://evil\")" in names
    assert all(not (isinstance(v, str) and v.startswith("=")) for row in sheet.iter_rows(values_only=True) for v in row)
    assert sheet["H2"].number_format == "#,##0" and isinstance(sheet["H2"].value, int)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_template_has_headers_and_an_example_that_imports(login, world, app, fmt):
    client = login("desa_a1")
    plan_id = world.plans["a1x"]
    response = client.get(f"/rencana/{plan_id}/impor/templat.{fmt}")
    assert response.status_code == 200 and f"templat-usulan.{fmt}" in response.headers["Content-Disposition"]
    preview = upload(client, plan_id, response.data, f"templat.{fmt}")
    assert "Baris siap diimpor 1" in text_of(preview)


# --- Who may do what ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("user,status", [
    ("desa_a1", 200), ("desa_a1y", 404), ("desa_b", 404), ("kec_a1", 200), ("kec_a2", 404), ("kec_b", 404),
    ("admin_a", 200), ("admin_b", 404),
])
@pytest.mark.parametrize("path", ["usulan.csv", "usulan.xlsx", "impor/templat.csv", "impor/templat.xlsx"])
def test_downloads_follow_read_scope(login, world, user, status, path):
    assert login(user).get(f"/rencana/{world.plans['a1x']}/{path}").status_code == status


@pytest.mark.parametrize("user,status", [
    ("desa_a1", 200), ("desa_a1y", 404), ("desa_b", 404), ("kec_a1", 403), ("kec_b", 404),
    ("admin_a", 403), ("admin_b", 404),
])
def test_import_needs_the_village_operator(login, world, app, user, status):
    client = login(user)
    plan_id = world.plans["a1x"]
    before = snapshot(app, plan_id)
    assert client.get(f"/rencana/{plan_id}/impor").status_code == status
    preview = upload(client, plan_id, csv_file(GOOD_ROW))
    assert preview.status_code == status
    assert confirm(client, plan_id, "x").status_code == (400 if status == 200 else status)
    assert snapshot(app, plan_id) == before


def test_import_link_only_for_the_operator(login, world):
    plan_id = world.plans["a1x"]
    page = login("desa_a1").get(f"/rencana/{plan_id}").get_data(as_text=True)
    assert f"/rencana/{plan_id}/impor" in page and f"/rencana/{plan_id}/usulan.csv" in page


def test_no_import_link_for_kecamatan(login, world):
    plan_id = world.plans["a1x"]
    page = login("kec_a1").get(f"/rencana/{plan_id}").get_data(as_text=True)
    assert f"/rencana/{plan_id}/impor\"" not in page and f"/rencana/{plan_id}/usulan.xlsx" in page


def test_anonymous_is_sent_to_login(client, world):
    assert client.get(f"/rencana/{world.plans['a1x']}/usulan.csv").status_code == 303


# --- CSRF ----------------------------------------------------------------------------------------------------

def test_upload_without_csrf_is_rejected(login, world):
    response = upload(login("desa_a1"), world.plans["a1x"], csv_file(GOOD_ROW), csrf=False)
    assert response.status_code == 400 and "CSRF" in text_of(response)


def test_confirm_without_csrf_is_rejected(login, world, app):
    client = login("desa_a1")
    plan_id = world.plans["a1x"]
    token = token_of(upload(client, plan_id, csv_file(GOOD_ROW)))
    before = snapshot(app, plan_id)
    response = confirm(client, plan_id, token, csrf=False)
    assert response.status_code == 400 and "CSRF" in text_of(response)
    assert snapshot(app, plan_id) == before


def test_a_village_sheet_with_title_and_total_rows_imports_with_its_own_words(login, world, app):
    """Issue 20 item 7 end to end: a title above the header, a JUMLAH row, localised numbers, the
    village's own headers and an unknown proposer ("KUA") kept as text with a warning."""
    from .test_transfer_sheet import VILLAGE_ROWS, village_workbook

    client = login("desa_a1")
    plan_id = world.plans["a1x"]
    preview = upload(client, plan_id, village_workbook(VILLAGE_ROWS), name="usulan-desa.xlsx")
    assert preview.status_code == 200
    text = text_of(preview)
    assert "Baris siap diimpor 3" in text and "Baris dengan kesalahan 0" in text
    assert "baris 9 (baris jumlah “JUMLAH”)" in text and "baris 1 (judul di atas baris judul kolom)" in text
    assert "Baris 7, kolom “Pengusul”: “KUA” tidak ada di daftar; disimpan sebagai teks" in text
    assert "Harga Satuan (Rp)" in text and "Uraian Kegiatan" in text          # the file's own headers
    assert confirm(client, plan_id, token_of(preview)).status_code == 303
    with app.app_context():
        saved = {p.name: p for p in db.session.scalars(select(Proposal).where(Proposal.plan_id == plan_id))}
        catin = saved["Konseling calon pengantin"]
        assert (catin.proposer, catin.funding_source, catin.months, catin.implementer, catin.unit_cost) == \
            ("KUA", "swadaya", [4, 5, 6], "TP PKK + KUA", 1_250_000)
        assert saved["Jamban sehat"].funding_source == "csr" and saved["Kelas ibu hamil"].unit_cost == 250_000
    # The proposer the list does not know survives an edit of another field.
    page = client.get(f"/usulan/{catin.id}/ubah").get_data(as_text=True)
    assert '<option selected value="KUA">KUA</option>' in page or 'value="KUA" selected' in page
