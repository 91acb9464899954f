"""The proposal sheet: one proposal per row, in CSV or XLSX. Reading, checking and writing it.

Pure functions: no database, no request. The web layer passes the file's name
and bytes plus the kabupaten's catalogue as plain dicts, and gets back rows
with their values and their errors per column; for export it passes plain
records (see `proposal_record`) and gets bytes.

Columns (`COLUMNS`): the header row holds Indonesian headers (`HEADERS`); the
reader also accepts each column's key (`biaya_satuan`) and its English header
(`Unit cost`), in any case, with or without a trailing `(Rp)`. Choice columns
take the code (`konseling_gizi`) or the label (`Konseling gizi`). Numbers take
Indonesian text (`1.250.000`, `Rp 1.250.000`, `0,0023`), plain text
(`1250000`, `0.0023`) and real numeric spreadsheet cells. The computed columns
at the end of an export (`COMPUTED`) are read-only: the reader ignores them.

CSV as written here: UTF-8 with a byte-order mark, `;` between cells, CRLF,
integers without separators and decimals with a comma. That is what Excel in an
Indonesian locale (list separator `;`, decimal comma) opens into columns with
accents intact, and LibreOffice detects `;` in its import dialog. The reader
takes `;`, `,` or tab, UTF-8 (with or without BOM), UTF-16 with BOM, and falls
back to cp1252 then latin-1 for files saved as "CSV (MS-DOS/Windows)".

Villages' own sheets are read forgivingly: title rows above the header (a sheet title,
the village's name) and a column-number row below it are skipped, as are total rows
(`JUMLAH`, `TOTAL`, `Sub total`); the headers of the template, their usual variants
(`Uraian kegiatan`, `Volume`, `Harga satuan (Rp)`, `Sumber dana`…) and English ones are
recognised; messages name a column as the file's own header says it and choices by the
labels people see; and an unknown value in the optional proposer column is kept as text
with a warning instead of refusing the row. Notes say what was skipped.

Text cells that a spreadsheet would run as a formula (starting with `=`, `+`,
`-`, `@`, tab or CR) are written with a leading `'`; the reader removes that
quote again, so an export re-imports to the same text.
"""
from __future__ import annotations

import csv
import io
import json
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _

from ..documents import tables
from ..documents.tables import FORMULA_STARTS, Table
from ..domain import CATEGORIES, FUNDING_SOURCES, PACKAGES, PROPOSERS, TARGET_GROUPS
from ..fields import MAX_RUPIAH, MAX_UNITS
from ..formatting import format_months, format_number, format_rupiah
from ..numerals import NumberFormatError, parse_decimal
from ..optimizer import PlanError, load_plan
from . import uploads
from .catalogue import APBDES_PATTERN

# Characters that make Excel, LibreOffice or Google Sheets read a cell as a formula (OWASP CSV injection).
# An XLSX is a zip: refuse one whose parts unpack to more than this (a "zip bomb").
# Columns read from an XLSX row; anything further right is ignored.
MAX_SHEET_COLUMNS = 60
SHEET_TITLE = "Usulan"
# The same ceiling the proposal form applies (services.proposals.MAX_IMPACT_PER_UNIT): cases averted per unit.
MAX_IMPACT_PER_UNIT = 10


@dataclass(frozen=True)
class Column:
    """One column of the sheet.

    `attr` is the Proposal attribute (and the key in parsed values); `kind` is
    text, choice, rupiah, count, decimal, months or computed; `catalogue` names the
    catalogue field that fills an empty cell when the row gives `kode_katalog`.
    """

    key: str
    header: str
    attr: str
    kind: str
    english: tuple = ()
    required: bool = False
    default: object = None
    max_length: int | None = None
    choices: dict | None = None
    minimum: int = 0
    catalogue: str | None = None
    width: int = 14
    lenient: bool = False       # an unknown choice is kept as text, with a warning


COLUMNS = (
    Column("nama", "Nama", "name", "text", ("Name", "Nama kegiatan", "Kegiatan", "Uraian", "Uraian kegiatan",
                                            "Nama usulan", "Usulan kegiatan", "Activity"), required=True,
           max_length=200, catalogue="name", width=40),
    Column("kategori", "Kategori", "category", "choice", ("Category",), required=True, choices=CATEGORIES,
           catalogue="category", width=11),
    Column("paket", "Paket", "package", "choice", ("Package", "Paket layanan", "Service package"), required=True,
           choices=PACKAGES, catalogue="package", width=20),
    Column("sasaran", "Sasaran", "target_group", "choice", ("Target group", "Kelompok sasaran", "Sasaran kegiatan"),
           required=True, choices=TARGET_GROUPS, catalogue="target_group", width=14),
    Column("lokasi", "Lokasi", "location", "text", ("Location", "Lokasi kegiatan", "Tempat", "Dusun", "Posyandu"),
           default="", max_length=120, width=18),
    Column("pengusul", "Pengusul", "proposer", "choice", ("Proposer", "Proposed by", "Diusulkan oleh", "Usulan dari"),
           default="", choices=PROPOSERS, width=14, lenient=True, max_length=24),
    Column("satuan", "Satuan", "unit", "text", ("Unit", "Sat"), required=True, max_length=40, catalogue="unit",
           width=14),
    Column("biaya_satuan", "Biaya satuan (Rp)", "unit_cost", "rupiah", ("Unit cost", "Harga satuan", "Harga",
                                                                         "Biaya per satuan", "Harga satuan Rp"),
           required=True, catalogue="default_unit_cost", width=16),
    Column("biaya_tetap", "Biaya tetap (Rp)", "fixed_cost", "rupiah", ("Fixed cost",), default=0, width=16),
    Column("unit_min", "Unit min", "min_units", "count", ("Min units", "Minimum units", "Unit minimum"),
           default=1, width=10),
    Column("unit_maks", "Unit maks", "max_units", "count", ("Max units", "Maximum units", "Unit maksimum", "Volume",
                                                             "Jumlah unit", "Vol", "Quantity"),
           required=True, minimum=1, width=10),
    Column("dampak_per_unit", "Dampak per unit", "impact_per_unit", "decimal", ("Impact per unit",), width=14),
    Column("kode_apbdes", "Kode APBDes", "apbdes_code", "text", ("APBDes code", "Kode kegiatan", "Kode rekening",
                                                                "Kode kegiatan APBDes"), default="", max_length=20,
           catalogue="apbdes_code", width=12),
    Column("kode_katalog", "Kode katalog", "catalogue_code", "text", ("Catalogue code", "Catalog code"),
           max_length=40, width=22),
    Column("catatan", "Catatan", "notes", "text", ("Notes", "Note", "Keterangan"), default="", max_length=5000,
           width=40),
    Column("pelaksana", "Pelaksana", "implementer", "text", ("Implementer", "Pelaksana kegiatan", "Implemented by"),
           default="", max_length=120, width=22),
    Column("sumber_dana", "Sumber dana", "funding_source", "choice", ("Funding source", "Sumber", "Sumber biaya",
                                                                       "Sumber anggaran"),
           default="dd", choices=FUNDING_SOURCES, width=14),
    Column("waktu", "Waktu pelaksanaan", "months", "months", ("Waktu", "Months", "When", "Jadwal", "Bulan",
                                                              "Bulan pelaksanaan", "Time of implementation"),
           width=16),
)
# Written on export after the columns above; ignored on import.
COMPUTED = (
    Column("biaya_diminta", "Biaya diminta (Rp)", "requested_cost", "computed", ("Requested cost",), width=18),
    Column("dampak_efektif", "Dampak efektif", "effective_impact", "computed", ("Effective impact",), width=14),
    Column("sumber_dampak", "Sumber dampak", "impact_source", "computed", ("Impact source",), width=14),
)
ALL_COLUMNS = COLUMNS + COMPUTED
BY_KEY = {c.key: c for c in ALL_COLUMNS}
# Headers of columns a village's sheet often has and the import has no use for: ignored silently.
QUIET_HEADERS = {"no", "nomor", "no_urut", "nomor_urut", "number"}
# The first text of a row that adds the rows above up (JUMLAH, TOTAL, Sub total, Jumlah biaya…).
TOTAL_ROW = re.compile(r"^(sub\s*-?\s*)?(jumlah|total|grand\s+total)\b", re.IGNORECASE)
# A header is the first row (of the first few) that names at least this many known columns.
HEADER_MIN_COLUMNS = 2
HEADER_SEARCH_ROWS = 15
HEADERS = [c.header for c in ALL_COLUMNS]
IMPACT_SOURCES = ("manual", "catalogue", "missing")


class SheetFileError(ValueError):
    """The file as a whole cannot be read (wrong type, unreadable, too many rows); `str()` says why."""


@dataclass
class RowResult:
    """One data row: its number in the sheet, the cells as read, the parsed values and the errors.

    `values` maps Proposal attributes (plus `catalogue_code`) to clean values and
    is complete only when `errors` is empty. `errors` is a list of
    `(column key, message)`; the column key is None for a message about the row.
    """

    number: int
    cells: dict
    values: dict
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)     # `(column key, message)`: kept, but worth a look
    headers: dict = field(default_factory=dict)      # column key → the header as the file writes it

    @property
    def valid(self) -> bool:
        return not self.errors

    def error_columns(self) -> set:
        return {column for column, _message in self.errors}

    def warning_columns(self) -> set:
        return {column for column, _message in self.warnings}

    def messages(self) -> list:
        """Every error as a sentence, naming the column as the file does: `Baris 4, kolom “Harga satuan”: …`."""
        return [describe_error(self.number, self.header_of(column), message) for column, message in self.errors]

    def warning_messages(self) -> list:
        return [describe_error(self.number, self.header_of(column), message) for column, message in self.warnings]

    def header_of(self, column):
        if column is None:
            return None
        return self.headers.get(column) or BY_KEY[column].header if column in BY_KEY else column


@dataclass
class SheetResult:
    rows: list = field(default_factory=list)
    columns: list = field(default_factory=list)   # keys of the importable columns the file has
    ignored: list = field(default_factory=list)   # headers that are not ours, as written
    kind: str = "sheet"                           # "sheet" (CSV/XLSX) or "plan" (optimizer plan file)
    notes: list = field(default_factory=list)     # what the reader left out on purpose, as sentences
    settings: dict | None = None                  # a plan file's {"budget": int, "rules": dict}

    headers: dict = field(default_factory=dict)   # column key → the file's own header

    @property
    def valid_rows(self) -> list:
        return [row for row in self.rows if row.valid]

    @property
    def warned_rows(self) -> list:
        return [row for row in self.rows if row.warnings]

    @property
    def invalid_rows(self) -> list:
        return [row for row in self.rows if not row.valid]


def describe_error(row_number: int, column: str | None, message: str) -> str:
    if column is None:
        return _("Baris %(row)s: %(message)s", row=row_number, message=message)
    return _("Baris %(row)s, kolom “%(column)s”: %(message)s", row=row_number, column=column, message=message)


# --- Reading the file into rows of cells ---------------------------------------------------------------

@dataclass
class RawSheet:
    """The header row and the non-empty data rows of a file, as `(sheet row number, cells)`."""

    header: list
    rows: list
    header_number: int = 1
    skipped: list = field(default_factory=list)     # (sheet row number, why) of rows left out on purpose


def read_raw(filename: str, data: bytes, max_rows: int) -> RawSheet:
    """Read a .csv or .xlsx file's cells. Raises SheetFileError with an Indonesian message.

    The type must agree in name and content: an .xlsx must be a workbook
    openpyxl opens, a .csv must be text. More than `max_rows` data rows is refused.
    """
    extension = _extension(filename)
    if extension == "xls":
        raise SheetFileError(_("Format .xls (Excel 97–2003) tidak didukung. Simpan ulang sebagai .xlsx atau CSV."))
    if extension not in ("csv", "xlsx"):
        raise SheetFileError(_("Pilih berkas .csv, .xlsx atau berkas rencana .json."))
    if not data:
        raise SheetFileError(_("Berkas kosong."))
    too_many = _("Berkas berisi lebih dari %(max)s baris usulan. Bagi menjadi beberapa berkas.",
                 max=format_number(max_rows))
    if extension == "xlsx":
        records = _xlsx_records(data, max_rows, too_many)
    else:
        records = uploads.text_rows(_csv_records(data), max_rows, too_many)
    try:
        return _collect(records, max_rows, too_many)
    except uploads.UploadRefused as refused:
        raise SheetFileError(str(refused)) from None


def _collect(records, max_rows: int, too_many: str) -> RawSheet:
    header, header_number, rows, before = None, 1, [], []
    for number, cells in records:
        if all(_blank(cell) for cell in cells):
            continue
        if header is None:
            if _known_columns(cells) >= HEADER_MIN_COLUMNS:
                header, header_number = list(cells), number
            elif len(before) < HEADER_SEARCH_ROWS:
                before.append((number, list(cells)))
            else:
                break
            continue
        rows.append((number, list(cells)))
        if len(rows) > max_rows:
            raise SheetFileError(too_many)
    if header is None:
        if not before:
            raise SheetFileError(_("Berkas kosong."))
        # No row names our columns: the first row is the header, so the message lists what is missing.
        (header_number, header), rows = before[0], before[1:]
        return RawSheet(list(header), rows, header_number)
    skipped = [(number, _("judul di atas baris judul kolom")) for number, _cells in before]
    return RawSheet(header, rows, header_number, skipped)


def _known_columns(cells) -> int:
    """How many cells of a row are headers of our columns (a header row names several)."""
    return len({HEADER_LOOKUP.get(normalise_header(cell)) for cell in cells if not _blank(cell)} - {None})


def _extension(filename) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in (filename or "") else ""


def _blank(cell) -> bool:
    return cell is None or (isinstance(cell, str) and cell.strip() == "")


def _csv_records(data: bytes):
    if data.startswith(b"PK\x03\x04"):
        raise SheetFileError(_("Isi berkas ini bukan CSV (tampaknya berkas Excel). Beri nama .xlsx atau simpan ulang sebagai CSV."))
    text = _decode(data)
    if "\x00" in text or _control_share(text) > 0.01:
        raise SheetFileError(_("Berkas ini tidak terbaca sebagai teks CSV. Simpan ulang dari Excel atau LibreOffice sebagai CSV."))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, cells
    except csv.Error as exc:
        raise SheetFileError(_("Berkas CSV rusak di baris %(row)s: %(detail)s", row=reader.line_num, detail=str(exc)))


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else cp1252, else latin-1 (which always decodes)."""
    if data.startswith(b"\xef\xbb\xbf"):
        encodings = ("utf-8-sig",)
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8", "cp1252", "latin-1")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SheetFileError(_("Berkas ini tidak terbaca sebagai teks CSV. Simpan ulang dari Excel atau LibreOffice sebagai CSV."))


def _control_share(text: str) -> float:
    sample = text[:20000]
    if not sample:
        return 0.0
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\r\n\t")
    return controls / len(sample)


def _delimiter(text: str) -> str:
    """`;`, `,` or tab: whichever the first non-empty line has most of outside quotes (`;` wins ties)."""
    for line in text.splitlines():
        if line.strip():
            unquoted = re.sub(r'"[^"]*"', "", line)
            counts = {d: unquoted.count(d) for d in (";", ",", "\t")}
            best = max(counts, key=lambda d: (counts[d], d == ";"))
            return best if counts[best] else ";"
    return ";"


def _xlsx_records(data: bytes, max_rows: int, too_many: str):
    """The sheet's rows, streamed (planner.services.uploads caps parts, rows read and time)."""
    not_xlsx = _("Berkas ini bukan XLSX yang sah (rusak, atau berkas lain yang diberi nama .xlsx). "
                 "Simpan ulang dari Excel atau LibreOffice sebagai .xlsx atau CSV.")
    try:
        workbook = uploads.open_xlsx(data, not_xlsx)
    except uploads.UploadRefused as refused:
        raise SheetFileError(str(refused)) from None
    try:
        sheets = workbook.worksheets
        if not sheets:
            raise SheetFileError(_("Berkas XLSX tidak punya lembar kerja."))
        sheet = workbook[SHEET_TITLE] if SHEET_TITLE in workbook.sheetnames else sheets[0]
        yield from uploads.rows(sheet, max_rows, MAX_SHEET_COLUMNS, too_many, not_xlsx)
    finally:
        workbook.close()


# --- Checking rows ------------------------------------------------------------------------------------

def normalise_header(text) -> str:
    """`Biaya satuan (Rp)` → `biaya_satuan`; `Unit cost` → `unit_cost`."""
    value = re.sub(r"\(.*?\)", " ", str(text or "")).casefold()
    return re.sub(r"[^0-9a-z]+", "_", value).strip("_")


def _header_lookup() -> dict:
    lookup = {}
    for column in ALL_COLUMNS:
        for name in (column.key, column.header, column.attr, *column.english):
            lookup.setdefault(normalise_header(name), column.key)
    return lookup


HEADER_LOOKUP = _header_lookup()


def map_columns(header: list) -> tuple[dict, list]:
    """Column key → cell index for the columns we know, and the headers we do not.

    Raises SheetFileError when a column appears twice or required columns are missing.
    """
    mapping, ignored = {}, []
    for index, cell in enumerate(header):
        if _blank(cell):
            continue
        key = HEADER_LOOKUP.get(normalise_header(cell))
        if key is None:
            if normalise_header(cell) not in QUIET_HEADERS:
                ignored.append(str(cell).strip())
            continue
        if key in mapping:
            raise SheetFileError(_("Kolom “%(column)s” muncul dua kali di baris judul.", column=str(cell).strip()))
        mapping[key] = index
    required = ["unit_maks"]
    if "kode_katalog" not in mapping:
        required += [c.key for c in COLUMNS if c.required and c.key != "unit_maks"]
    missing = [key for key in required if key not in mapping]
    if missing:
        raise SheetFileError(_("Kolom wajib tidak ditemukan: %(columns)s. Baris judul kolom harus memuat judul "
                               "seperti di templat.", columns=", ".join(f"“{BY_KEY[key].header}”" for key in missing)))
    return {k: i for k, i in mapping.items() if BY_KEY[k].kind != "computed"}, ignored


def parse_sheet(raw: RawSheet, catalogue: dict) -> SheetResult:
    """Check every row. `catalogue` maps item code → dict of the item's fields (see `Column.catalogue`).

    Title rows above the header, a row that only numbers the columns (1, 2, 3…) and total rows
    (JUMLAH, TOTAL) are left out, each with a note."""
    mapping, ignored = map_columns(raw.header)
    headers = {key: str(raw.header[index]).strip() for key, index in mapping.items()}
    catalogue = {str(code).casefold(): (code, item) for code, item in catalogue.items()}
    result = SheetResult(columns=[c.key for c in COLUMNS if c.key in mapping], ignored=ignored, headers=headers)
    skipped = list(raw.skipped)
    for number, cells in raw.rows:
        why = _skipped_row(cells)
        if why:
            skipped.append((number, why))
            continue
        picked = {key: cells[index] if index < len(cells) else None for key, index in mapping.items()}
        row = parse_row(number, picked, catalogue)
        row.headers = headers
        result.rows.append(row)
    if skipped:
        result.notes.append(_("Baris yang dilewati: %(rows)s.", rows="; ".join(
            _("baris %(n)s (%(why)s)", n=number, why=why) for number, why in skipped)))
    if not result.rows:
        raise SheetFileError(_("Tidak ada baris usulan di bawah baris judul."))
    return result


def _skipped_row(cells) -> str | None:
    """Why a row is no proposal (a total, or the column numbers under the header), else None."""
    texts = [_text(cell) for cell in cells if not _blank(cell)]
    if not texts:
        return None
    if TOTAL_ROW.match(texts[0]):
        return _("baris jumlah “%(text)s”", text=texts[0][:40])
    if all(t.isdigit() for t in texts) and [int(t) for t in texts] == list(range(1, len(texts) + 1)) and len(texts) > 2:
        return _("nomor kolom")
    return None


def parse_file(filename: str, data: bytes, catalogue: dict, max_rows: int) -> SheetResult:
    """A .csv/.xlsx (`read_raw` then `parse_sheet`) or a .json plan file (`parse_plan_file`).

    Raises SheetFileError for problems with the whole file.
    """
    if _extension(filename) == "json":
        return parse_plan_file(data, catalogue, max_rows)
    return parse_sheet(read_raw(filename, data, max_rows), catalogue)


# --- The optimizer's plan file (JSON v1) as rows -------------------------------------------------------

# Plan-file proposal fields → sheet columns. The first group is the optimizer's own, the second the
# extras that `services.plan_file_builder.plan_file` writes along (unit, APBDes code, proposer, notes, catalogue code).
PLAN_FIELDS = {
    "name": "nama", "category": "kategori", "package": "paket", "target_group": "sasaran", "location": "lokasi",
    "unit_cost": "biaya_satuan", "fixed_cost": "biaya_tetap", "min_units": "unit_min", "max_units": "unit_maks",
    "impact_per_unit": "dampak_per_unit",
}
PLAN_EXTRAS = {"unit": "satuan", "apbdes_code": "kode_apbdes", "proposer": "pengusul", "notes": "catatan",
               "catalogue_code": "kode_katalog"}
# How a plan file names each column (its messages quote the file's own field names).
PLAN_HEADERS = {column: field_name for field_name, column in {**PLAN_FIELDS, **PLAN_EXTRAS}.items()}


def parse_plan_file(data: bytes, catalogue: dict, max_rows: int) -> SheetResult:
    """An optimizer plan file (see planner.optimizer.load_plan) as rows checked like a sheet's.

    Row numbers are the proposals' places in the file (1 = first). The file's
    budget and rules come back in `settings`, unchecked against any plan (the
    import service does that). Its impact per unit is kept as the village's own
    figure unless the file says it came from the catalogue (`impact_source:
    "catalogue"` with a catalogue code this kabupaten knows) or was missing:
    then the cell stays empty, as a sheet export would have it. Links
    (`requires`/`excludes`) and locks are not imported; `notes` says so.
    """
    not_plan = _("Berkas ini bukan berkas rencana JSON yang sah (format planner-plan versi 1). "
                 "Unduh berkas rencana dari halaman rencana, atau pakai .xlsx/.csv.")
    if not data or not data.strip():
        raise SheetFileError(_("Berkas kosong."))
    try:
        decoded = json.loads(data)
    except (ValueError, RecursionError):   # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise SheetFileError(not_plan) from None
    listed = decoded.get("proposals") if isinstance(decoded, dict) else None
    if isinstance(listed, list) and len(listed) > max_rows:     # refuse before checking each of them
        raise SheetFileError(_("Berkas berisi lebih dari %(max)s baris usulan. Bagi menjadi beberapa berkas.",
                               max=format_number(max_rows)))
    try:
        plan = load_plan(decoded)
    except PlanError as error:
        raise SheetFileError(_("Berkas rencana tidak sah: %(detail)s", detail=error.message("id"))) from None
    except RecursionError:
        raise SheetFileError(not_plan) from None
    if not plan.proposals:
        raise SheetFileError(_("Berkas rencana tidak berisi usulan."))
    if len(plan.proposals) > max_rows:
        raise SheetFileError(_("Berkas berisi lebih dari %(max)s baris usulan. Bagi menjadi beberapa berkas.",
                               max=format_number(max_rows)))
    lookup = {str(code).casefold(): (code, item) for code, item in catalogue.items()}
    result = SheetResult(columns=[c.key for c in COLUMNS], kind="plan",
                         settings={"budget": plan.budget, "rules": _rules_dict(plan.rules)})
    links = locks = 0
    unknown_codes = set()
    for number, proposal in enumerate(plan.proposals, start=1):
        cells = {key: getattr(proposal, attr) for attr, key in PLAN_FIELDS.items()}
        errors = []
        for attr, key in PLAN_EXTRAS.items():
            value = proposal.extra.get(attr)
            if value is not None and not isinstance(value, str):
                errors.append((key, _("harus teks di berkas rencana")))
                value = None
            cells[key] = value
        code = (cells["kode_katalog"] or "").strip()
        known = bool(code) and code.casefold() in lookup
        if code and not known:
            # Another kabupaten's item: the file's own figures stand; only the link to the catalogue goes.
            unknown_codes.add(code)
            cells["kode_katalog"] = None
        source = proposal.extra.get("impact_source")
        if source == "missing" or (source == "catalogue" and known):
            cells["dampak_per_unit"] = None
        row = parse_row(number, cells, lookup)
        row.errors.extend(errors)
        row.headers = PLAN_HEADERS
        result.rows.append(row)
        links += len(proposal.requires) + len(proposal.excludes)
        locks += proposal.lock is not None
    if links:
        result.notes.append(_("Keterkaitan antarusulan di berkas (membutuhkan / tidak bersamaan) tidak ikut "
                              "diimpor: atur lagi di daftar usulan setelah disimpan."))
    if locks:
        result.notes.append(_("Kunci usulan (%(n)s) dari berkas tidak ikut diimpor.", n=locks))
    if unknown_codes:
        result.notes.append(_("Kode katalog yang tidak ada di katalog kabupaten ini diabaikan: %(codes)s. "
                              "Usulan tersebut memakai angka dari berkas.", codes=", ".join(sorted(unknown_codes))))
    return result


def _rules_dict(rules) -> dict:
    """The optimizer's Rules as the plan-file "rules" object (shares as floats)."""
    share = lambda value: None if value is None else float(value)   # noqa: E731
    return {
        "category_min_share": {c: share(s) for c, s in rules.category_min_share.items()},
        "category_max_share": {c: share(s) for c, s in rules.category_max_share.items()},
        "location_max_share": share(rules.location_max_share),
        "packages_required": list(rules.packages_required),
        "target_groups_required": list(rules.target_groups_required),
    }


class _CellError(ValueError):
    pass


class _UnknownChoice(_CellError):
    """A value outside a lenient column's list; `text` is kept."""

    def __init__(self, text):
        super().__init__(text)
        self.text = text


def parse_row(number: int, cells: dict, catalogue: dict) -> RowResult:
    """One row's cells (column key → raw cell value) to values and `(column, message)` errors.

    `catalogue` maps the casefolded item code → `(code, item fields)`.
    """
    row = RowResult(number=number, cells={key: display_cell(value) for key, value in cells.items()}, values={})
    item = None
    code = _text(cells.get("kode_katalog"))
    if code:
        found = catalogue.get(code.casefold())
        if found is None:
            row.errors.append(("kode_katalog", _("kode %(code)s tidak ada di katalog kabupaten ini", code=code)))
        else:
            code, item = found
    for column in COLUMNS:
        if column.key == "kode_katalog":
            row.values["catalogue_code"] = code or None
            continue
        try:
            value = _parse_cell(column, cells.get(column.key))
        except _UnknownChoice as unknown:
            # An optional list the village may extend (the proposer): keep its own word, and say so.
            value = unknown.text
            row.warnings.append((column.key, _("“%(text)s” tidak ada di daftar; disimpan sebagai teks", text=value)))
        except _CellError as error:
            row.errors.append((column.key, str(error)))
            continue
        if value is None and item is not None and column.catalogue:
            value = item.get(column.catalogue)
            if value in ("", None) and column.required:
                row.errors.append((column.key, _("wajib diisi: katalog tidak punya nilai bawaan untuk kolom ini")))
                continue
        if value is None:
            if column.required:
                row.errors.append((column.key, _("wajib diisi")))
                continue
            value = column.default
        row.values[column.attr] = value
    _check_across(row)
    return row


def _check_across(row: RowResult) -> None:
    values, failed = row.values, row.error_columns()
    minimum, maximum = values.get("min_units"), values.get("max_units")
    if "unit_min" not in failed and "unit_maks" not in failed and minimum is not None and maximum is not None \
            and minimum > maximum:
        row.errors.append(("unit_min", _("unit minimum (%(min)s) tidak boleh lebih besar dari unit maksimum (%(max)s)",
                                         min=format_number(minimum), max=format_number(maximum))))
    if not failed & {"biaya_satuan", "biaya_tetap", "unit_maks"} and maximum is not None:
        requested = (values.get("fixed_cost") or 0) + (values.get("unit_cost") or 0) * maximum
        if requested > MAX_RUPIAH:
            row.errors.append(("biaya_satuan", _("biaya diminta (biaya tetap + biaya satuan × unit maksimum) terlalu "
                                                 "besar: paling banyak %(max)s", max=format_rupiah(MAX_RUPIAH))))


def display_cell(value) -> str:
    """A cell as the user would see it in the preview."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and math.isfinite(value) and value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _text(value) -> str:
    """A text cell, stripped, with the export's formula-guard quote removed."""
    if value is None:
        return ""
    if isinstance(value, float) and math.isfinite(value) and value == int(value):
        value = int(value)
    text = str(value).replace("\x00", "").strip()    # NUL is never text (PostgreSQL refuses it)
    if len(text) >= 2 and text[0] == "'" and (text[1] in FORMULA_STARTS or text[1] == "'"):
        text = text[1:]
    return text


def _parse_cell(column: Column, value):
    """The clean value of one cell, or None when it is empty. Raises _CellError (_UnknownChoice for
    a value a lenient column keeps as text)."""
    if column.kind == "months":
        return parse_months(value)
    if column.kind in ("text", "choice"):
        text = _text(value)
        if text == "":
            return None
        if column.kind == "choice":
            try:
                return _choice(column, text)
            except _CellError:
                if not column.lenient:
                    raise
                if column.max_length and len(text) > column.max_length:
                    raise _CellError(_("tidak ada di daftar dan terlalu panjang untuk disimpan sebagai teks "
                                       "(paling banyak %(max)s karakter)", max=column.max_length)) from None
                raise _UnknownChoice(text) from None
        if column.max_length and len(text) > column.max_length:
            raise _CellError(_("terlalu panjang: paling banyak %(max)s karakter", max=column.max_length))
        if column.key == "kode_apbdes" and not APBDES_PATTERN.match(text):
            raise _CellError(_("tulis kode kegiatan APBDes seperti 2.2.02 atau 02.02.02"))
        if column.key == "kode_apbdes" and text.endswith(".00"):
            raise _CellError(_("nomor kegiatan APBDes tidak boleh 00"))
        return text
    if _blank(value):
        return None
    if column.kind == "decimal":
        number = _number(value, _("tulis angka desimal dengan koma, misalnya 0,0023"))
        if number < 0:
            raise _CellError(_("tidak boleh negatif"))
        if number > MAX_IMPACT_PER_UNIT:
            raise _CellError(_("terlalu besar: paling banyak %(max)s kasus per unit", max=MAX_IMPACT_PER_UNIT))
        return float(number)
    if column.kind == "rupiah":
        number = _number(value, _("tulis jumlah rupiah dengan angka, misalnya 1.250.000"))
        if number != number.to_integral_value():
            raise _CellError(_("rupiah harus bilangan bulat, tanpa sen"))
        if number < 0:
            raise _CellError(_("biaya tidak boleh negatif"))
        if number > MAX_RUPIAH:
            raise _CellError(_("terlalu besar: paling banyak %(max)s", max=format_rupiah(MAX_RUPIAH)))
        return int(number)
    number = _number(value, _("tulis bilangan bulat, misalnya 2.700"))
    if number != number.to_integral_value():
        raise _CellError(_("harus bilangan bulat (unit utuh)"))
    if number < column.minimum:
        raise _CellError(_("tidak boleh kurang dari %(min)s", min=column.minimum))
    if number > MAX_UNITS:
        raise _CellError(_("terlalu besar: paling banyak %(max)s", max=format_number(MAX_UNITS)))
    return int(number)


def _number(value, message) -> Decimal:
    """A cell as a Decimal: numeric cells as they are, text the Indonesian way."""
    if isinstance(value, bool):
        raise _CellError(message)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _CellError(message)
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        return value
    if not isinstance(value, str):   # dates, times and other cell types
        raise _CellError(message)
    try:
        return parse_decimal(_text(value))
    except (NumberFormatError, InvalidOperation):
        raise _CellError(message) from None


# Words villages write for a choice that are neither its code nor its label.
CHOICE_SYNONYMS = {
    "funding_source": {"dana_desa": "dd", "apbdes_dd": "dd", "alokasi_dana_desa": "add", "pendapatan_asli_desa": "pad",
                       "bantuan_keuangan": "bankeu", "bkk": "bankeu", "bantuan_keuangan_khusus": "bankeu",
                       "bantuan_keuangan_kabupaten": "bankeu", "bantuan_keuangan_provinsi": "bankeu",
                       "tanggung_jawab_sosial_perusahaan": "csr", "swadaya": "swadaya", "gotong_royong": "swadaya"},
}


def _choice(column: Column, text: str) -> str:
    wanted = _choice_key(text)
    for code, label in column.choices.items():
        names = {code, _msgid(label), str(label)}
        if wanted in {_choice_key(n) for n in names} | {_choice_key(re.sub(r"\(.*?\)", "", n)) for n in names}:
            return code
    synonym = CHOICE_SYNONYMS.get(column.attr, {}).get(wanted)
    if synonym:
        return synonym
    raise _CellError(_("“%(text)s” tidak dikenal; pilih salah satu: %(labels)s", text=text,
                       labels=", ".join(str(label) for label in column.choices.values())))


MONTH_NAMES = {
    "januari": 1, "jan": 1, "january": 1, "februari": 2, "feb": 2, "pebruari": 2, "february": 2, "maret": 3,
    "mar": 3, "march": 3, "april": 4, "apr": 4, "mei": 5, "may": 5, "juni": 6, "jun": 6, "june": 6, "juli": 7,
    "jul": 7, "july": 7, "agustus": 8, "agu": 8, "agt": 8, "ags": 8, "aug": 8, "august": 8, "september": 9,
    "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "oct": 10, "october": 10, "november": 11, "nov": 11,
    "nop": 11, "desember": 12, "des": 12, "dec": 12, "december": 12,
}
ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
THROUGH_THE_YEAR = {"sepanjang_tahun", "setahun", "satu_tahun", "1_tahun", "tahunan", "all_year", "whole_year",
                    "year_round", "januari_desember", "jan_des", "jan_dec", "1_12"}


def parse_months(value):
    """When an activity runs, as month numbers 1–12 (None: through the year). Reads `Jan–Mar`,
    `Juli, Agustus`, `4-9`, `Triwulan II`, `TW I–II`, `Q3`, `sepanjang tahun`. Raises _CellError."""
    text = _text(value).casefold()
    if text == "" or _choice_key(text) in THROUGH_THE_YEAR:
        return None
    months = set()
    for part in re.split(r"[,;/]|\bdan\b|\band\b|&", text):
        part = part.strip()
        if not part:
            continue
        quarter = re.fullmatch(r"(?:triwulan|tw|kuartal|quarter|q)\s*([iv]+|[1-4])(?:\s*[-–]\s*(?:triwulan|tw|q)?\s*([iv]+|[1-4]))?",
                               part)
        if quarter:
            first, last = ROMAN.get(quarter.group(1)), ROMAN.get(quarter.group(2) or quarter.group(1))
            if not first or not last or last < first:
                raise _CellError(_months_message())
            months.update(range(3 * first - 2, 3 * last + 1))
            continue
        ends = [e.strip() for e in re.split(r"\s*(?:[-–]|s\.?d\.?|sampai|hingga|to)\s*", part) if e.strip()]
        if not 1 <= len(ends) <= 2:
            raise _CellError(_months_message())
        numbers = [_month_number(e) for e in ends]
        first, last = numbers[0], numbers[-1]
        if last < first:
            raise _CellError(_months_message())
        months.update(range(first, last + 1))
    return None if len(months) == 12 else sorted(months)


def _month_number(text: str) -> int:
    if text.isdigit() and 1 <= int(text) <= 12:
        return int(text)
    number = MONTH_NAMES.get(text.rstrip("."))
    if number is None:
        raise _CellError(_months_message())
    return number


def _months_message():
    return _("tulis bulan seperti Jan–Mar, Juli, Agustus, 4-9 atau Triwulan II; kosong berarti sepanjang tahun")


def _choice_key(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", str(text).casefold()).strip("_")


def _msgid(label) -> str:
    """The Indonesian msgid behind a lazy label (the label in the current language is accepted too)."""
    args = getattr(label, "_args", None)
    return str(args[0]) if args else str(label)


# --- Writing ------------------------------------------------------------------------------------------

def proposal_record(proposal, impact) -> dict:
    """A proposal (and its `ProposalImpact`) as a record keyed by column key, in export values."""
    return {
        "nama": proposal.name, "kategori": proposal.category, "paket": proposal.package,
        "sasaran": proposal.target_group, "lokasi": proposal.location or "", "pengusul": proposal.proposer or "",
        "satuan": proposal.unit, "biaya_satuan": proposal.unit_cost, "biaya_tetap": proposal.fixed_cost or 0,
        "unit_min": proposal.min_units, "unit_maks": proposal.max_units,
        "dampak_per_unit": proposal.impact_per_unit, "kode_apbdes": proposal.apbdes_code or "",
        "kode_katalog": proposal.catalogue_item.code if proposal.catalogue_item else "",
        "catatan": proposal.notes or "", "pelaksana": proposal.implementer or "",
        "sumber_dana": proposal.funding_source or "dd", "waktu": format_months(proposal.months),
        "biaya_diminta": proposal.max_cost, "dampak_efektif": impact.value, "sumber_dampak": impact.source,
    }


def example_record() -> dict:
    """The one example row of the blank template: a catalogue item with a village's own figures."""
    return {
        "nama": "PMT lokal balita berisiko (makanan matang)", "kategori": "spesifik", "paket": "konseling_gizi",
        "sasaran": "balita", "lokasi": "Dusun Krajan", "pengusul": "posyandu", "satuan": "anak-hari",
        "biaya_satuan": 16500, "biaya_tetap": 0, "unit_min": 90, "unit_maks": 2700, "dampak_per_unit": None,
        "kode_apbdes": "2.2.02", "kode_katalog": "pmt_lokal_balita", "pelaksana": "Kasi Kesejahteraan + TPK",
        "sumber_dana": "dd", "waktu": "Apr–Sep",
        "catatan": "Contoh: hapus baris ini. Dampak kosong = dihitung dari katalog.",
    }


def sheet_table(records: list, computed: bool = True, title: str = SHEET_TITLE) -> Table:
    """The proposals as a table: one column per sheet column (computed ones greyed, with a note
    that import ignores them), Rupiah and counts formatted, drop-downs for the coded columns."""
    columns = ALL_COLUMNS if computed else COLUMNS
    number_columns = {i for i, c in enumerate(columns) if c.kind in ("rupiah", "count") or c.key == "biaya_diminta"}
    computed_columns = [i for i, c in enumerate(columns) if c.kind == "computed"]
    return Table(
        title=title, headers=[c.header for c in columns],
        rows=[[record.get(c.key) for c in columns] for record in records],
        formats={i: "#,##0" for i in number_columns},
        widths={i: c.width for i, c in enumerate(columns)},
        header_fills={i: "EEEEEE" for i in computed_columns},
        header_notes={i: _("Dihitung; diabaikan saat impor.") for i in computed_columns},
        dropdowns={i: list(c.choices) for i, c in enumerate(columns) if c.kind == "choice"},
    )


def guide_table() -> Table:
    """What each column takes, so a village can fill the sheet without the app open."""
    return Table(
        title=_("Petunjuk"), headers=[_("Kolom"), _("Judul"), _("Wajib"), _("Isi")],
        rows=[[c.key, c.header, _("ya") if c.required else "", column_help(c)] for c in ALL_COLUMNS],
        widths={0: 18, 1: 20, 2: 8, 3: 100},
    )


def write_csv(records: list, computed: bool = True) -> bytes:
    """UTF-8 with BOM, `;`-separated, CRLF: see the module docstring for why."""
    return tables.write_csv(sheet_table(records, computed))


def write_xlsx(records: list, computed: bool = True, title: str = SHEET_TITLE) -> bytes:
    """A workbook: the sheet `Usulan` (bold frozen header, widths, Rupiah formats, drop-downs) and `Petunjuk`."""
    return tables.write_xlsx([sheet_table(records, computed, title), guide_table()])


def column_help(column: Column) -> str:
    """One line on what a column takes (the template's guide sheet and the upload page)."""
    if column.kind == "computed":
        return _("Dihitung saat ekspor; diabaikan saat impor.")
    if column.kind == "choice":
        text = _("Salah satu kode: %(codes)s (nama lengkapnya juga diterima).", codes=", ".join(column.choices))
        if column.lenient:
            text += " " + _("Nama lain disimpan sebagai teks, dengan peringatan.")
        if column.key == "sumber_dana":
            text += " " + _("Kosong: Dana Desa. Hanya Dana Desa yang dihitung dalam anggaran stunting.")
    elif column.kind == "rupiah":
        text = _("Rupiah bulat, misalnya 1.250.000.")
    elif column.kind == "count":
        text = _("Bilangan bulat, misalnya 2.700.")
    elif column.kind == "decimal":
        text = _("Perkiraan kasus stunting tercegah per unit, misalnya 0,0023. Kosong: dihitung dari katalog.")
    elif column.kind == "months":
        text = _("Bulan kegiatan berjalan, misalnya Jan–Mar, 4-9 atau Triwulan II. Kosong: sepanjang tahun.")
    elif column.key == "kode_katalog":
        text = _("Kode kegiatan di katalog kabupaten; sel lain yang kosong diisi dari katalog.")
    elif column.key == "kode_apbdes":
        text = _("Kode kegiatan APBDes, misalnya 2.2.02.")
    else:
        text = _("Teks, paling banyak %(max)s karakter.", max=column.max_length)
    if column.catalogue:
        text += " " + _("Boleh kosong bila kode_katalog diisi.")
    return text
