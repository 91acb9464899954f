"""The scorecard as an XLSX: the downloadable template and the import of a filled one.

The template (`template_xlsx`) has one sheet, "Scorecard", laid out like the Scorecard Konvergensi
Desa: the village, year and quarter, then table 1 (1000-HPK targets), table 2 (tikar
pertumbuhan), table 3 (the service indicators: column C how many should have received the
service, column D how many did) and table 4 (tingkat konvergensi, as formulas for the reader;
the import ignores it and computes it again). Column A holds a fixed key per row
(`ibu_hamil`, `bumil_anc4`…): the import finds rows by that key, so rows may move, and
docs/import-export.md lists every key.

The import (`read_xlsx`) reads the sheet with openpyxl in read-only mode, behind the caps of
services.uploads, and refuses with cell-level messages ("Sel D21: …"); a file that carries a name,
NIK, KK or address column, or a 16-digit number that may be a NIK, is refused whole: the
scorecard is counts only (UU 27/2022).
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from . import uploads
from .convergence import BY_CODE, GROUPS, INDICATORS, QUARTERS, TABLE1, TABLE2, check, read_count
from .plans import parse_year

MAX_BYTES = 1024 * 1024
MAX_ROWS = 200
MAX_COLUMNS = 8
SHEET_TITLE = "Scorecard"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Table 1's rows: key -> (total field, subset field).
TABLE1_ROWS = {"ibu_hamil": ("ibu_hamil", "ibu_hamil_kek"), "anak_0_23": ("anak_0_23", "anak_0_23_gizi")}
TIKAR_KEY = "tikar"
HEAD_KEYS = ("kode_desa", "tahun", "triwulan")
# Column headers that mean a file lists people, not counts.
_PERSONAL = re.compile(r"^(nama|nik|alamat|no\.? ?kk|nomor kk|kk|no\.? ?nik|nomor nik|tanggal lahir|tgl lahir|name|full name|address|date of birth)"
                       r"(\b.*)?$")
# ...but the name of a place is no personal data.
_PLACE = re.compile(r"^(nama|name of) ?(the )?(desa|kelurahan|kecamatan|kabupaten|dusun|posyandu|village|hamlet)\b")
_NIK = re.compile(r"^\d{16}$")


class ConvergenceFileError(ValueError):
    """The file is refused; `messages` are in the user's language, one per cell where possible."""

    def __init__(self, messages):
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__("; ".join(self.messages))


@dataclass
class Imported:
    year: int
    quarter: int
    values: dict
    cells: dict = field(default_factory=dict)      # field -> cell reference, for messages


# --- The template --------------------------------------------------------------------------------------------

def template_xlsx(desa, year: int, quarter: int, values: dict | None = None) -> io.BytesIO:
    """The template for `desa`, prefilled with the year, quarter and (when given) the stored counts."""

    values = values or {}
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_TITLE
    bold, head_fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    computed_fill = PatternFill("solid", fgColor="EEEEEE")
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 70
    for column in "CDE":
        sheet.column_dimensions[column].width = 16
    sheet.append(["kunci", _("Scorecard Konvergensi Desa")])
    sheet["B1"].font = Font(bold=True, size=14)
    sheet.append(["", _("Isi angka (jumlah orang) di kolom C, D dan E. Jangan ubah kolom A. Berkas ini hanya "
                        "berisi jumlah: jangan tambahkan data perorangan.")])
    sheet["B2"].alignment = Alignment(wrap_text=True)
    sheet.append([])
    sheet.append(["kode_desa", _("Kode desa"), desa.code])
    sheet.append(["tahun", _("Tahun"), year])
    sheet.append(["triwulan", _("Triwulan (1–4)"), quarter])
    sheet.append([])

    def header(*texts):
        sheet.append(["", *texts])
        for cell in sheet[sheet.max_row][1:]:
            cell.font, cell.fill = bold, head_fill

    def title(text):
        sheet.append(["", text])
        sheet.cell(sheet.max_row, 2).font = Font(bold=True, size=12)

    title(_("Tabel 1. Sasaran 1000 HPK"))
    header(_("Sasaran"), _("Jumlah"), _("Di antaranya berisiko"))
    labels = {name: label for name, label, _part in TABLE1}
    for key, (total, subset) in TABLE1_ROWS.items():
        sheet.append([key, f"{labels[total]} ({labels[subset]})", values.get(total), values.get(subset)])
    sheet.append([])
    title(_("Tabel 2. Hasil pengukuran tikar pertumbuhan (anak 0–23 bulan)"))
    header("", *[str(label) for _name, label in TABLE2])
    sheet.append([TIKAR_KEY, _("Jumlah anak"), *[values.get(name) for name, _label in TABLE2]])
    sheet.append([])
    title(_("Tabel 3. Layanan yang diterima sasaran 1000 HPK"))
    header(_("Indikator"), _("Seharusnya menerima"), _("Menerima"), "%")
    group_rows = {}
    for group, group_label in GROUPS.items():
        sheet.append(["", str(group_label)])
        sheet.cell(sheet.max_row, 2).font = bold
        first = sheet.max_row + 1
        for indicator in INDICATORS:
            if indicator.group != group:
                continue
            row = sheet.max_row + 1
            sheet.append([indicator.code, str(indicator.label), values.get(f"should-{indicator.code}"),
                          values.get(f"received-{indicator.code}"), f'=IF(C{row}>0,D{row}/C{row},"")'])
            sheet.cell(row, 5).number_format = "0%"
            sheet.cell(row, 5).fill = computed_fill
        group_rows[group] = (first, sheet.max_row)
    sheet.append([])
    title(_("Tabel 4. Tingkat konvergensi (dihitung: layanan diterima ÷ layanan seharusnya)"))
    header(_("Sasaran"), _("Seharusnya menerima"), _("Menerima"), "%")
    for group, (first, last) in group_rows.items():
        row = sheet.max_row + 1
        sheet.append(["", str(GROUPS[group]), f"=SUM(C{first}:C{last})", f"=SUM(D{first}:D{last})",
                      f'=IF(C{row}>0,D{row}/C{row},"")'])
    start = sheet.max_row - len(group_rows) + 1
    row = sheet.max_row + 1
    sheet.append(["", _("Desa (semua sasaran)"), f"=SUM(C{start}:C{row - 1})", f"=SUM(D{start}:D{row - 1})",
                  f'=IF(C{row}>0,D{row}/C{row},"")'])
    for r in range(start, row + 1):
        for c in (3, 4, 5):
            sheet.cell(r, c).fill = computed_fill
        sheet.cell(r, 5).number_format = "0%"
    sheet.cell(row, 2).font = bold
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


# --- The import -----------------------------------------------------------------------------------------------

def _ref(row: int, column: int) -> str:
    return f"{'ABCDEFGH'[column]}{row}"


def _text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return str(cell).strip()


def _personal(cells) -> bool:
    """A header that names people (Nama, NIK, No KK, Alamat…) or a value that looks like a NIK."""
    for cell in cells:
        text = _text(cell)
        if not text:
            continue
        if _NIK.match(text.replace(" ", "").replace(".", "")):
            return True
        folded = re.sub(r"\s+", " ", text.casefold())
        if len(folded) <= 30 and _PERSONAL.match(folded) and not _PLACE.match(folded):
            return True
    return False


def _count(cell):
    """A count from a cell: ints and whole floats as they are, text read the Indonesian way."""
    if isinstance(cell, bool):
        return None, _("Tulis bilangan bulat, misalnya 12.")
    if isinstance(cell, (int, float)):
        if isinstance(cell, float) and not cell.is_integer():
            return None, _("Harus bilangan bulat (jumlah orang).")
        return read_count(str(int(cell)))
    return read_count(cell)


def read_xlsx(filename: str, data: bytes, desa) -> Imported:
    """The quarter in a filled template for `desa`. Raises ConvergenceFileError with messages per cell."""
    if not (filename or "").lower().endswith(".xlsx"):
        raise ConvergenceFileError(_("Pilih berkas .xlsx dari templat scorecard."))
    if len(data) > MAX_BYTES:
        raise ConvergenceFileError(_("Berkas terlalu besar: paling besar %(mb)s MB.", mb=MAX_BYTES // (1024 * 1024)))
    not_xlsx = _("Berkas ini bukan XLSX yang sah (rusak, atau berkas lain yang diberi nama .xlsx). Unduh templat "
                 "scorecard dan isi ulang.")
    too_many = _("Berkas berisi lebih dari %(max)s baris: ini bukan templat scorecard.", max=MAX_ROWS)
    try:
        book = uploads.open_xlsx(data, not_xlsx)
    except uploads.UploadRefused as refused:
        raise ConvergenceFileError(str(refused)) from None
    try:
        if not book.worksheets:
            raise ConvergenceFileError(not_xlsx)
        sheet = book[SHEET_TITLE] if SHEET_TITLE in book.sheetnames else book.worksheets[0]
        rows = {}
        try:
            for number, cells in uploads.rows(sheet, MAX_ROWS, MAX_COLUMNS, too_many, not_xlsx):
                cells = list(cells or ())
                if _personal(cells):
                    raise ConvergenceFileError(_(
                        "Berkas ditolak: baris %(row)s memuat kolom data perorangan (nama, NIK, nomor KK, alamat "
                        "atau tanggal lahir) atau angka seperti NIK. Scorecard hanya berisi jumlah orang; hapus "
                        "data perorangan dan unggah lagi.", row=number))
                key = _text(cells[0]).casefold() if cells else ""
                if not key:
                    continue
                if key in rows:
                    raise ConvergenceFileError(_("Kunci “%(key)s” ada di baris %(a)s dan %(b)s: hanya boleh sekali.",
                                                 key=key, a=rows[key][0], b=number))
                rows[key] = (number, cells + [None] * (MAX_COLUMNS - len(cells)))
        except uploads.UploadRefused as refused:
            raise ConvergenceFileError(str(refused)) from None
    finally:
        book.close()
    return _values_from(rows, desa)


def _values_from(rows: dict, desa) -> Imported:
    errors, values, cells = [], {}, {}

    def missing(key):
        errors.append(_("Baris dengan kunci “%(key)s” di kolom A tidak ada. Pakai templat scorecard terbaru.",
                        key=key))

    def read(key, column, name, label):
        row, row_cells = rows[key]
        value, message = _count(row_cells[column])
        cells[name] = _ref(row, column)
        if message:
            errors.append(_("Sel %(cell)s (%(label)s): %(message)s", cell=cells[name], label=label, message=message))
        else:
            values[name] = value

    year = quarter = None
    for key in HEAD_KEYS:
        if key not in rows:
            missing(key)
    if "kode_desa" in rows:
        row, row_cells = rows["kode_desa"]
        if _text(row_cells[2]) != desa.code:
            errors.append(_("Sel C%(row)s: kode desa “%(found)s” bukan kode desa ini (%(code)s). Unduh templat dari "
                            "halaman scorecard desa ini.", row=row, found=_text(row_cells[2]), code=desa.code))
    if "tahun" in rows:
        row, row_cells = rows["tahun"]
        year = parse_year(_text(row_cells[2]))
        if year is None:
            errors.append(_("Sel C%(row)s: tahun tidak dikenali; tulis misalnya 2026.", row=row))
    if "triwulan" in rows:
        row, row_cells = rows["triwulan"]
        text = _text(row_cells[2]).upper()
        quarter = {"I": 1, "II": 2, "III": 3, "IV": 4}.get(text) or (int(text) if text.isdigit() else None)
        if quarter not in QUARTERS:
            quarter = None
            errors.append(_("Sel C%(row)s: triwulan harus 1, 2, 3 atau 4.", row=row))
    labels = {name: str(label) for name, label, _part in TABLE1}
    for key, (total, subset) in TABLE1_ROWS.items():
        if key not in rows:
            missing(key)
            continue
        read(key, 2, total, labels[total])
        read(key, 3, subset, labels[subset])
    if TIKAR_KEY not in rows:
        missing(TIKAR_KEY)
    else:
        for column, (name, label) in enumerate(TABLE2, start=2):
            read(TIKAR_KEY, column, name, _("tikar %(colour)s", colour=str(label)))
    for indicator in INDICATORS:
        if indicator.code not in rows:
            missing(indicator.code)
            continue
        read(indicator.code, 2, f"should-{indicator.code}", _("%(what)s, seharusnya", what=indicator.lag))
        read(indicator.code, 3, f"received-{indicator.code}", _("%(what)s, menerima", what=indicator.lag))
    # The checks across cells run on every cell that could be read, so one upload reports all problems.
    for name, messages in check(values).items():
        where = cells.get(name) or (f"C{rows[TIKAR_KEY][0]}–E{rows[TIKAR_KEY][0]}" if name == "tikar" else None)
        for message in messages:
            errors.append(_("Sel %(cell)s: %(message)s", cell=where, message=message) if where else message)
    if errors:
        raise ConvergenceFileError(errors)
    return Imported(year, quarter, values, cells)


__all__ = ["BY_CODE", "ConvergenceFileError", "Imported", "XLSX_MIMETYPE", "read_xlsx", "template_xlsx"]
