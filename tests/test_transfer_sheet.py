"""The proposal sheet without Flask: reading CSV/XLSX, checking rows per column, writing files."""
import csv
import io
from datetime import datetime
from types import SimpleNamespace

import pytest
from openpyxl import Workbook, load_workbook

from planner.services.proposal_sheet import (COLUMNS, HEADERS, SheetFileError, parse_file, read_raw, write_csv,
                                             write_xlsx)

CATALOGUE = {
    "pmt_lokal_balita": {"name": "PMT lokal balita berisiko", "category": "spesifik", "package": "konseling_gizi",
                         "target_group": "balita", "unit": "anak-hari", "default_unit_cost": 16500,
                         "apbdes_code": "2.2.02"},
    "tanpa_biaya": {"name": "Kegiatan tanpa harga", "category": "sensitif", "package": "paud",
                    "target_group": "balita", "unit": "paket", "default_unit_cost": None, "apbdes_code": ""},
}
KEYS = [c.key for c in COLUMNS]
GOOD = {"nama": "PMT balita", "kategori": "spesifik", "paket": "konseling_gizi", "sasaran": "balita",
        "lokasi": "Dusun Krajan", "pengusul": "posyandu", "satuan": "anak-hari", "biaya_satuan": "16.500",
        "biaya_tetap": "0", "unit_min": "90", "unit_maks": "2.700", "dampak_per_unit": "0,0023",
        "kode_apbdes": "2.2.02", "kode_katalog": "", "catatan": ""}


def csv_bytes(rows, delimiter=";", encoding="utf-8-sig", header=None):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header or KEYS)
    for row in rows:
        writer.writerow([row.get(k, "") for k in (header or KEYS)])
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows, header=None):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header or KEYS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def parse(data, name="usulan.csv", max_rows=1000):
    return parse_file(name, data, CATALOGUE, max_rows)


def only_row(result):
    assert len(result.rows) == 1
    return result.rows[0]


# --- Reading files ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp1252", "utf-16"])
def test_csv_delimiters_and_encodings(delimiter, encoding):
    row = dict(GOOD, nama="Kelas ibu hamil – café", lokasi="Dusun Krajan, RT 02")
    result = parse(csv_bytes([row], delimiter=delimiter, encoding=encoding))
    parsed = only_row(result)
    assert parsed.valid, parsed.errors
    assert parsed.values["name"] == "Kelas ibu hamil – café"
    assert parsed.values["location"] == "Dusun Krajan, RT 02"
    assert parsed.values["unit_cost"] == 16500 and parsed.values["max_units"] == 2700
    assert parsed.values["impact_per_unit"] == pytest.approx(0.0023)


def test_latin1_bytes_that_cp1252_cannot_decode_still_read():
    data = csv_bytes([dict(GOOD, nama="PMT")]).replace(b"PMT", b"PMT \x81")[3:]  # no BOM, 0x81 is undefined in cp1252
    assert only_row(parse(data)).values["name"] == "PMT \x81"


@pytest.mark.parametrize("text,expected", [
    ("1.250.000", 1_250_000), ("Rp 1.250.000", 1_250_000), ("Rp1.250.000", 1_250_000), ("1250000", 1_250_000),
    ("1.250.000,00", 1_250_000), (" 16.500 ", 16_500), ("0", 0),
])
def test_indonesian_rupiah_text(text, expected):
    assert only_row(parse(csv_bytes([dict(GOOD, biaya_satuan=text)]))).values["unit_cost"] == expected


@pytest.mark.parametrize("text,expected", [("0,0023", 0.0023), ("0.0023", 0.0023), ("0,25", 0.25), ("1", 1.0)])
def test_decimal_impact_text(text, expected):
    assert only_row(parse(csv_bytes([dict(GOOD, dampak_per_unit=text)]))).values["impact_per_unit"] == expected


def test_numeric_xlsx_cells():
    data = xlsx_bytes([["PMT", "spesifik", "kia", "balita", "", "", "anak-hari", 16500, 250000.0, 90, 2700.0,
                        0.0023, "2.2.02", "", ""]])
    row = only_row(parse(data, "usulan.xlsx"))
    assert row.valid, row.errors
    assert row.values["unit_cost"] == 16500 and isinstance(row.values["unit_cost"], int)
    assert row.values["fixed_cost"] == 250_000 and row.values["max_units"] == 2700
    assert row.values["impact_per_unit"] == 0.0023


def test_xlsx_text_cells_with_indonesian_numbers_and_odd_cell_types():
    data = xlsx_bytes([["PMT", "Spesifik", "Konseling gizi", "Baduta", "", "Bidan desa", "anak-hari", "Rp 16.500",
                        True, datetime(2024, 1, 1), "2.700", "0,0023", "", "", ""]])
    row = only_row(parse(data, "u.xlsx"))
    assert row.values["category"] == "spesifik" and row.values["package"] == "konseling_gizi"
    assert row.values["target_group"] == "baduta" and row.values["proposer"] == "bidan_desa"
    assert row.values["unit_cost"] == 16500
    assert row.error_columns() == {"biaya_tetap", "unit_min"}   # a TRUE and a date are not numbers


def test_english_headers_and_labels_are_accepted():
    header = ["Name", "Category", "Package", "Target group", "Unit", "Unit cost (Rp)", "Max units", "Notes",
              "Something else"]
    row = {"Name": "Water", "Category": "Sensitif", "Package": "air bersih dan sanitasi", "Target group": "KELUARGA",
           "Unit": "sambungan", "Unit cost (Rp)": "2.000.000", "Max units": "10", "Notes": "x", "Something else": "?"}
    result = parse(csv_bytes([row], header=header))
    parsed = only_row(result)
    assert parsed.valid, parsed.errors
    assert parsed.values["package"] == "air_sanitasi" and parsed.values["target_group"] == "keluarga"
    assert parsed.values["min_units"] == 1 and parsed.values["fixed_cost"] == 0
    assert result.ignored == ["Something else"]


@pytest.mark.parametrize("name,data,message", [
    ("usulan.pdf", b"%PDF-1.4", "Pilih berkas .csv, .xlsx atau berkas rencana .json"),
    ("usulan", b"a;b", "Pilih berkas .csv, .xlsx atau berkas rencana .json"),
    ("usulan.xls", b"\xd0\xcf\x11\xe0", ".xls"),
    ("usulan.csv", b"", "Berkas kosong"),
    ("usulan.xlsx", b"\x00\x01garbage" * 50, "bukan XLSX yang sah"),
    ("usulan.xlsx", b"PK\x03\x04 not really a zip", "bukan XLSX yang sah"),
    ("usulan.csv", b"\x00\x01\x02\x03" * 100, "tidak terbaca sebagai teks CSV"),
    ("usulan.csv", b"\n\n  \n", "Berkas kosong"),
])
def test_unreadable_files(name, data, message):
    with pytest.raises(SheetFileError, match=message):
        read_raw(name, data, 1000)


def test_xlsx_content_named_csv_and_a_zip_that_is_not_a_workbook():
    with pytest.raises(SheetFileError, match="bukan CSV"):
        read_raw("usulan.csv", xlsx_bytes([]), 1000)
    buffer = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(SheetFileError, match="bukan XLSX"):
        read_raw("usulan.xlsx", buffer.getvalue(), 1000)


def test_too_many_rows_counts_only_non_empty_rows():
    rows = [dict(GOOD)] * 5
    assert len(parse(csv_bytes(rows) + b"\r\n;;;\r\n\r\n", max_rows=5).rows) == 5
    with pytest.raises(SheetFileError, match="lebih dari 4 baris"):
        parse(csv_bytes(rows), max_rows=4)
    with pytest.raises(SheetFileError, match="lebih dari 4 baris"):
        parse(xlsx_bytes([list(GOOD.values())] * 5), "u.xlsx", max_rows=4)


def test_header_problems_are_file_errors():
    with pytest.raises(SheetFileError, match="Kolom wajib tidak ditemukan: “Unit maks”"):
        parse(csv_bytes([{}], header=["nama", "kategori", "paket", "sasaran", "satuan", "biaya_satuan"]))
    with pytest.raises(SheetFileError, match="“Kategori”, “Paket”"):
        parse(csv_bytes([{}], header=["nama", "unit_maks"]))
    with pytest.raises(SheetFileError, match="muncul dua kali"):
        parse(csv_bytes([{}], header=KEYS + ["Name"]))
    with pytest.raises(SheetFileError, match="Tidak ada baris usulan"):
        parse(csv_bytes([]))


def test_rows_are_numbered_as_in_the_spreadsheet():
    data = csv_bytes([GOOD, dict(GOOD, biaya_satuan="mahal"), GOOD])
    result = parse(data)
    assert [r.number for r in result.rows] == [2, 3, 4]
    assert result.rows[1].messages() == [
        "Baris 3, kolom “biaya_satuan”: tulis jumlah rupiah dengan angka, misalnya 1.250.000"]


# --- Rules, each reported at its row and column ------------------------------------------------------------

@pytest.mark.parametrize("column,value,message", [
    ("nama", "", "wajib diisi"),
    ("nama", "x" * 201, "terlalu panjang"),
    ("kategori", "penting", "“penting” tidak dikenal; pilih salah satu: Spesifik, Sensitif"),
    ("paket", "gizi", "tidak dikenal"),
    ("sasaran", "lansia", "tidak dikenal"),
    ("pengusul", "x" * 25, "terlalu panjang"),
    ("sumber_dana", "APBN", "pilih salah satu: Dana Desa, Alokasi Dana Desa (ADD)"),
    ("waktu", "musim hujan", "tulis bulan seperti Jan–Mar"),
    ("satuan", "", "wajib diisi"),
    ("biaya_satuan", "", "wajib diisi"),
    ("biaya_satuan", "satu juta", "tulis jumlah rupiah dengan angka"),
    ("biaya_satuan", "16.500,50", "rupiah harus bilangan bulat"),
    ("biaya_satuan", "-5", "biaya tidak boleh negatif"),
    ("biaya_tetap", "-1.000", "biaya tidak boleh negatif"),
    ("biaya_satuan", "1.000.000.000.000.000", "terlalu besar: paling banyak Rp 999.000.000.000.000"),
    ("unit_maks", "", "wajib diisi"),
    ("unit_maks", "2,5", "harus bilangan bulat"),
    ("unit_maks", "0", "tidak boleh kurang dari 1"),
    ("unit_maks", "100.000.001", "terlalu besar: paling banyak 100.000.000"),
    ("unit_min", "-1", "tidak boleh kurang dari 0"),
    ("unit_min", "3.000", "unit minimum (3.000) tidak boleh lebih besar dari unit maksimum (2.700)"),
    ("dampak_per_unit", "-0,1", "tidak boleh negatif"),
    ("dampak_per_unit", "banyak", "tulis angka desimal dengan koma"),
    ("kode_apbdes", "2-2-02", "kode kegiatan APBDes"),
    ("kode_apbdes", "2.2.00", "tidak boleh 00"),
    ("dampak_per_unit", "10,5", "terlalu besar: paling banyak 10"),
    ("kode_katalog", "tidak_ada", "tidak ada di katalog kabupaten ini"),
])
def test_each_rule_is_reported_at_row_and_column(column, value, message):
    result = parse(csv_bytes([GOOD, dict(GOOD, **{column: value})]))
    assert result.rows[0].valid
    bad = result.rows[1]
    assert not bad.valid and bad.error_columns() == {column}
    assert any(m.startswith(f"Baris 3, kolom “{column}”: ") and message in m for m in bad.messages()), bad.messages()


def test_requested_cost_over_the_limit():
    row = dict(GOOD, biaya_satuan="999.000.000.000", unit_maks="100.000")
    assert only_row(parse(csv_bytes([row]))).error_columns() == {"biaya_satuan"}


def test_every_error_of_a_row_is_reported_at_once():
    row = dict(GOOD, kategori="x", biaya_satuan="abc", unit_maks="", kode_apbdes="zz")
    assert only_row(parse(csv_bytes([row]))).error_columns() == {"kategori", "biaya_satuan", "unit_maks", "kode_apbdes"}


def test_catalogue_code_fills_empty_cells_only():
    row = {k: "" for k in KEYS}
    row.update(kode_katalog="PMT_LOKAL_BALITA", unit_maks="100", nama="PMT Dusun Barat", dampak_per_unit="")
    parsed = only_row(parse(csv_bytes([row])))
    assert parsed.valid, parsed.errors
    v = parsed.values
    assert v["name"] == "PMT Dusun Barat"            # given: kept
    assert (v["category"], v["package"], v["target_group"], v["unit"]) == ("spesifik", "konseling_gizi", "balita", "anak-hari")
    assert v["unit_cost"] == 16500 and v["apbdes_code"] == "2.2.02" and v["catalogue_code"] == "pmt_lokal_balita"
    assert v["impact_per_unit"] is None              # from the catalogue when the plan is computed


def test_catalogue_without_a_cost_needs_one():
    row = {"kode_katalog": "tanpa_biaya", "unit_maks": "5"}
    parsed = only_row(parse(csv_bytes([row], header=["kode_katalog", "unit_maks"])))
    assert parsed.error_columns() == {"biaya_satuan"}
    assert "katalog tidak punya nilai bawaan" in parsed.messages()[0]


# --- Writing --------------------------------------------------------------------------------------------

def record(**values):
    base = {"nama": "PMT", "kategori": "spesifik", "paket": "kia", "sasaran": "balita", "lokasi": "", "pengusul": "",
            "satuan": "anak-hari", "biaya_satuan": 16500, "biaya_tetap": 0, "unit_min": 1, "unit_maks": 10,
            "dampak_per_unit": 0.00004, "kode_apbdes": "", "kode_katalog": "", "catatan": "",
            "biaya_diminta": 165000, "dampak_efektif": 0.00004, "sumber_dampak": "manual"}
    base.update(values)
    return base


def test_csv_is_bom_semicolon_comma_decimals():
    data = write_csv([record()])
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").split("\r\n")
    assert lines[0].split(";") == HEADERS
    assert ";16500;0;1;10;0,00004;" in lines[1]
    assert only_row(parse(data)).values["impact_per_unit"] == 0.00004


DANGEROUS = ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR", "'=already quoted"]


@pytest.mark.parametrize("text", DANGEROUS)
def test_formulas_are_neutralised_on_export_and_read_back(text):
    rec = record(nama=text, lokasi=text, catatan=text)
    csv_row = write_csv([rec]).decode("utf-8-sig").split("\r\n", 1)[1]
    cells = next(csv.reader(io.StringIO(csv_row), delimiter=";"))
    assert cells[0] == "'" + text and cells[0][0] == "'"
    sheet = load_workbook(io.BytesIO(write_xlsx([rec]))).active
    in_xlsx = text.replace("\r", "\n")   # XML stores a bare CR as a line feed
    for cell in (sheet["A2"], sheet["E2"], sheet["O2"]):
        assert cell.value == "'" + in_xlsx and cell.data_type == "s"
    # both files read back to the original text
    assert only_row(parse(write_csv([rec]))).values["name"] == text
    assert only_row(parse(write_xlsx([rec]), "u.xlsx")).values["location"] == in_xlsx


def test_xlsx_layout():
    workbook = load_workbook(io.BytesIO(write_xlsx([record(biaya_satuan=1_250_000)])))
    sheet = workbook["Usulan"]
    assert [c.value for c in sheet[1]] == HEADERS
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet["H2"].value == 1_250_000 and sheet["H2"].number_format == "#,##0"
    assert sheet.column_dimensions["A"].width == 40
    assert "Petunjuk" in workbook.sheetnames


def test_written_files_read_back_identically():
    records = [record(nama="Jamban sehat", kategori="sensitif", paket="air_sanitasi", sasaran="keluarga",
                      lokasi="Dusun Wetan", pengusul="bpd", satuan="unit", biaya_satuan=9_500_000,
                      biaya_tetap=1_000_000, unit_min=0, unit_maks=12, dampak_per_unit=None, kode_apbdes="2.4.14",
                      kode_katalog="", catatan="baris 1\nbaris 2; dengan \"kutip\""),
               record(dampak_per_unit=0.000123456789012), record(dampak_per_unit=0.1 + 0.2)]
    for data, name in ((write_csv(records), "u.csv"), (write_xlsx(records), "u.xlsx")):
        rows = parse(data, name).rows
        assert [r.errors for r in rows] == [[], [], []]
        assert rows[0].values["notes"] == "baris 1\nbaris 2; dengan \"kutip\""
        assert rows[0].values["impact_per_unit"] is None and rows[0].values["min_units"] == 0
        assert rows[0].values["fixed_cost"] == 1_000_000 and rows[0].values["proposer"] == "bpd"
        assert rows[1].values["impact_per_unit"] == 0.000123456789012
    # CSV keeps every digit of a float; XLSX keeps 15 significant digits, as Excel does.
    assert parse(write_csv(records)).rows[2].values["impact_per_unit"] == 0.1 + 0.2
    assert parse(write_xlsx(records), "u.xlsx").rows[2].values["impact_per_unit"] == pytest.approx(0.3, rel=1e-14)


def test_proposal_record_reads_a_proposal():
    from planner.services.proposal_sheet import proposal_record

    proposal = SimpleNamespace(name="A", category="spesifik", package="kia", target_group="balita", location=None,
                               proposer="", unit="u", unit_cost=10, fixed_cost=5, min_units=1, max_units=3,
                               impact_per_unit=None, apbdes_code="", catalogue_item=SimpleNamespace(code="c"),
                               notes="", max_cost=35, implementer="PKK", funding_source="csr", months=[4, 5, 6])
    rec = proposal_record(proposal, SimpleNamespace(value=0.5, source="catalogue"))
    assert rec["kode_katalog"] == "c" and rec["biaya_diminta"] == 35 and rec["lokasi"] == ""
    assert (rec["pelaksana"], rec["sumber_dana"], rec["waktu"]) == ("PKK", "csr", "Triwulan II")


# --- The optimizer's plan file as rows -------------------------------------------------------------------

def plan_file(*proposals, **top):
    import json

    data = {"format": "planner-plan", "version": 1, "budget": 5_000_000,
            "rules": {"category_min_share": {"spesifik": 0.5}, "packages_required": ["kia"]},
            "proposals": list(proposals)}
    data.update(top)
    return json.dumps(data).encode("utf-8")


def plan_proposal(**values):
    base = {"id": "u1", "name": "PMT", "unit_cost": 16500, "fixed_cost": 0, "min_units": 0, "max_units": 900,
            "impact_per_unit": 0.0003, "category": "spesifik", "package": "konseling_gizi", "target_group": "balita",
            "location": "Dusun Barat", "lock": None, "requires": [], "excludes": [], "unit": "anak-hari",
            "apbdes_code": "2.2.02", "proposer": "kader", "notes": "catatan", "impact_source": "manual",
            "catalogue_code": None}
    base.update(values)
    return base


def test_plan_file_maps_fields_and_extras():
    result = parse(plan_file(plan_proposal()), "r.json")
    assert result.kind == "plan" and result.settings["budget"] == 5_000_000
    assert result.settings["rules"]["category_min_share"] == {"spesifik": 0.5}
    v = only_row(result).values
    assert v == {"name": "PMT", "category": "spesifik", "package": "konseling_gizi", "target_group": "balita",
                 "location": "Dusun Barat", "proposer": "kader", "unit": "anak-hari", "unit_cost": 16500,
                 "fixed_cost": 0, "min_units": 0, "max_units": 900, "impact_per_unit": 0.0003,
                 "apbdes_code": "2.2.02", "catalogue_code": None, "notes": "catatan", "implementer": "",
                 "funding_source": "dd", "months": None}


@pytest.mark.parametrize("source,code,expected", [
    ("manual", "pmt_lokal_balita", 0.0003),      # the village's own figure stays
    ("catalogue", "pmt_lokal_balita", None),     # computed from this kabupaten's catalogue again
    ("missing", None, None),                     # 0 in the file only stands for "not given"
    ("catalogue", "lain_kabupaten", 0.0003),     # unknown item: the file's figure, no link
    (None, None, 0.0003),                        # a file from another tool
])
def test_plan_file_impact_follows_its_source(source, code, expected):
    result = parse(plan_file(plan_proposal(impact_source=source, catalogue_code=code)), "r.json")
    row = only_row(result)
    assert row.valid, row.errors
    assert row.values["impact_per_unit"] == expected
    assert row.values["catalogue_code"] == (code if code == "pmt_lokal_balita" else None)
    assert any("lain_kabupaten" in n for n in result.notes) == (code == "lain_kabupaten")


def test_plan_file_rows_are_checked_like_sheet_rows():
    result = parse(plan_file(plan_proposal(), plan_proposal(id="u2", category="penting", unit="", notes=5),
                             plan_proposal(id="u3", requires=["u1"], lock="in")), "r.json")
    assert [r.valid for r in result.rows] == [True, False, True]
    assert result.rows[1].error_columns() == {"kategori", "satuan", "catatan"}
    # The plan file's own field name, as the file writes it.
    assert result.rows[1].messages()[0].startswith("Baris 2, kolom “category”: ")
    assert any("Keterkaitan" in n for n in result.notes) and any("Kunci" in n for n in result.notes)


def test_plan_file_labels_are_accepted_like_in_a_sheet():
    row = only_row(parse(plan_file(plan_proposal(package="Konseling gizi", target_group="Balita (0–59 bulan)",
                                                 proposer="Bidan desa")), "r.json"))
    assert (row.values["package"], row.values["target_group"], row.values["proposer"]) == \
        ("konseling_gizi", "balita", "bidan_desa")


@pytest.mark.parametrize("data,message", [
    (b"{", "bukan berkas rencana JSON"),
    (b"[" * 100000, "bukan berkas rencana JSON"),
    (b"PK\x03\x04\x14\x00\x06\x00 an xlsx named .json", "bukan berkas rencana JSON"),
    (b'{"budget": -1, "proposals": []}', "Berkas rencana tidak sah"),
    (b'{"budget": 1, "rules": {"typo_rule": 1}, "proposals": []}', "Berkas rencana tidak sah"),
])
def test_unreadable_plan_files(data, message):
    with pytest.raises(SheetFileError, match=message):
        parse(data, "r.json")


def test_plan_file_with_bom_reads():
    assert only_row(parse(b"\xef\xbb\xbf" + plan_file(plan_proposal()), "r.json")).valid


# --- A village's own sheet: title rows, total rows, its own headers, its own words (issue 20 item 7) ------------

def village_workbook(rows):
    """A sheet as a village keeps it: a title and the village above the header, a "No." column,
    the column numbers under the header, the proposals, then a JUMLAH row."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["DAFTAR USULAN KEGIATAN PENCEGAHAN STUNTING"])
    sheet.append(["Desa Bongkot, Kecamatan Peterongan", None, None, "Tahun 2027"])
    sheet.append([])
    sheet.append(["No.", "Uraian Kegiatan", "Kategori", "Paket layanan", "Sasaran", "Lokasi", "Pengusul",
                  "Pelaksana", "Sumber Dana", "Waktu Pelaksanaan", "Sat.", "Harga Satuan (Rp)", "Volume"])
    sheet.append(list(range(1, 14)))
    for row in rows:
        sheet.append(row)
    sheet.append([None, "JUMLAH", None, None, None, None, None, None, None, None, None, None, 26])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


VILLAGE_ROWS = [
    [1, "Kelas ibu hamil", "Spesifik", "Kesehatan ibu dan anak", "Ibu hamil", "Posyandu Melati", "Bidan desa",
     "Bidan desa + TP PKK", "Dana Desa", "Jan–Des", "pertemuan", "Rp 250.000,-", 12],
    [2, "Konseling calon pengantin", "spesifik", "konseling_gizi", "catin", "Seluruh desa", "KUA",
     "TP PKK + KUA", "Swadaya", "Triwulan II", "peserta", "1,250,000", 10],
    [3, "Jamban sehat", "Sensitif", "Air bersih dan sanitasi", "Keluarga berisiko stunting", "Dusun Krajan",
     "Dusun", "Kaur Perencanaan + TPK", "CSR", "Juni - September", "unit", "6.500.000", 4],
]


def test_title_rows_column_numbers_and_total_rows_are_skipped():
    result = parse(village_workbook(VILLAGE_ROWS), "usulan-desa.xlsx")
    assert [r.number for r in result.rows] == [6, 7, 8]
    assert all(r.valid for r in result.rows), [r.messages() for r in result.rows]
    note = " ".join(result.notes)
    assert "baris 1 (judul di atas baris judul kolom)" in note and "baris 2 (" in note
    assert "baris 5 (nomor kolom)" in note and "baris 9 (baris jumlah “JUMLAH”)" in note
    assert result.ignored == []          # "No." is expected in a village's sheet, not worth a word


def test_a_village_sheet_reads_its_own_headers_labels_and_localised_numbers():
    kelas, catin, jamban = (r.values for r in parse(village_workbook(VILLAGE_ROWS), "usulan-desa.xlsx").rows)
    assert (kelas["name"], kelas["category"], kelas["package"], kelas["target_group"]) == \
        ("Kelas ibu hamil", "spesifik", "kia", "ibu_hamil")
    assert kelas["unit_cost"] == 250_000 and kelas["max_units"] == 12          # "Rp 250.000,-"
    assert catin["unit_cost"] == 1_250_000                                        # English "1,250,000"
    assert (kelas["implementer"], kelas["funding_source"], kelas["months"]) == ("Bidan desa + TP PKK", "dd", None)
    assert (catin["funding_source"], catin["months"]) == ("swadaya", [4, 5, 6])
    assert (jamban["funding_source"], jamban["months"]) == ("csr", [6, 7, 8, 9])


def test_an_unknown_proposer_is_kept_as_text_with_a_warning():
    catin = parse(village_workbook(VILLAGE_ROWS), "usulan-desa.xlsx").rows[1]
    assert catin.valid and catin.values["proposer"] == "KUA"
    assert catin.warning_messages() == ["Baris 7, kolom “Pengusul”: “KUA” tidak ada di daftar; disimpan sebagai teks"]


def test_errors_name_the_files_own_header_and_the_labels_people_see():
    rows = [list(VILLAGE_ROWS[0]), list(VILLAGE_ROWS[1])]
    rows[1][3] = "gizi"
    rows[1][11] = "sejuta"
    good, wrong = parse(_with_rows(rows), "b.xlsx").rows
    assert good.valid and not wrong.valid
    messages = wrong.messages()
    assert "Baris 6, kolom “Paket layanan”: “gizi” tidak dikenal; pilih salah satu: Kesehatan ibu dan anak, " \
           "Konseling gizi, Air bersih dan sanitasi, Perlindungan sosial, PAUD dan pengasuhan" in messages
    assert any(m.startswith("Baris 6, kolom “Harga Satuan (Rp)”: tulis jumlah rupiah") for m in messages)
    assert not any("biaya_satuan" in m or "konseling_gizi" in m for m in messages)


def _with_rows(rows):
    workbook = Workbook()
    sheet = workbook.active
    for line in ([["DAFTAR USULAN"], [], ["No.", "Uraian Kegiatan", "Kategori", "Paket layanan", "Sasaran", "Lokasi",
                                          "Pengusul", "Pelaksana", "Sumber Dana", "Waktu Pelaksanaan", "Sat.",
                                          "Harga Satuan (Rp)", "Volume"], list(range(1, 14))] + rows):
        sheet.append(line)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_csv_with_a_title_row_and_a_total_row():
    data = ("Usulan kegiatan Desa A1X 2027;;;\r\n"
            + ";".join(KEYS) + "\r\n"
            + ";".join(GOOD.get(k, "") for k in KEYS) + "\r\n"
            + "Jumlah biaya;;;;;;;;;;;;;;\r\n").encode("utf-8-sig")
    result = parse(data)
    assert len(result.rows) == 1 and result.rows[0].valid and result.rows[0].number == 3
    assert "baris 1 (judul di atas baris judul kolom)" in result.notes[0] and "baris 4 (baris jumlah" in result.notes[0]


@pytest.mark.parametrize("text, months", [
    ("", None), ("sepanjang tahun", None), ("Jan–Des", None), ("1-12", None), ("Jan-Mar", [1, 2, 3]),
    ("Juli, Agustus", [7, 8]), ("4-6", [4, 5, 6]), ("Triwulan II", [4, 5, 6]), ("TW I–II", [1, 2, 3, 4, 5, 6]),
    ("Q3", [7, 8, 9]), ("Juni s.d. September", [6, 7, 8, 9]), ("May, Aug", [5, 8]), ("Quarter II–III", [4, 5, 6, 7, 8, 9]),
])
def test_months_are_read_the_ways_villages_write_them(text, months):
    from planner.services.proposal_sheet import parse_months

    assert parse_months(text) == months


def test_exported_months_import_back_in_both_languages(app):
    from planner.formatting import format_months
    from planner.services.proposal_sheet import parse_months

    with app.test_request_context():
        for months in ([4, 5, 6, 7, 8, 9], [2, 5, 8, 11], [1, 2, 3], [3], [7, 8, 12]):
            for lang in ("id", "en"):
                from flask_babel import force_locale

                with force_locale(lang):
                    assert parse_months(format_months(months, lang)) == months, (months, lang)
