"""Reading uploaded spreadsheets without letting one sink a worker.

An XLSX is a zip of XML parts; a small upload can unpack to hundreds of megabytes (a "zip
bomb" of shared strings or styles) or declare a million rows. Before openpyxl opens anything,
`check_xlsx` reads the zip's directory and refuses:

- a part whose unpacked size passes its cap (`PART_LIMITS`: shared strings, styles, each
  worksheet, anything else), or all parts together past `TOTAL_LIMIT`;
- more parts than `MAX_PARTS`.

Python's zipfile never unpacks more than a part's declared size (it stops and fails the CRC),
so the declared sizes are a real bound. The workbook is then opened read-only (streaming:
openpyxl parses each row as it is asked for) and `rows` stops at a cap on the rows *read*,
blank ones included, and after `TIME_LIMIT` seconds, so a sheet without a `<dimension>` tag
or with a far-away cell cannot keep a worker busy. The XML is parsed by defusedxml (openpyxl
uses it when installed), so entity expansion is refused too.
"""
from __future__ import annotations

import io
import re
import time
import zipfile

from flask_babel import gettext as _
from openpyxl import load_workbook

MB = 1024 * 1024
PART_LIMITS = {
    "xl/sharedStrings.xml": 8 * MB,
    "xl/styles.xml": 2 * MB,
    "worksheet": 16 * MB,
    "other": 2 * MB,
}
TOTAL_LIMIT = 32 * MB
MAX_PARTS = 300
TIME_LIMIT = 3.0            # seconds of reading before a sheet is refused as too heavy
BLANK_ROW_ALLOWANCE = 200   # blank rows read beyond the data-row limit (headers, gaps)


class UploadRefused(Exception):
    """The file is refused; str(error) is the Indonesian message for the user."""


def _part_kind(name: str) -> str:
    if name in PART_LIMITS:
        return name
    if name.startswith("xl/worksheets/") and name.endswith(".xml"):
        return "worksheet"
    return "other"


def too_much_message() -> str:
    return _("Isi berkas XLSX terlalu besar atau terlalu rumit untuk dibaca (mungkin rusak atau sengaja dibuat "
             "berat). Simpan hanya lembar usulan dalam berkas baru, atau pakai CSV.")


def check_xlsx(data: bytes, not_xlsx: str) -> None:
    """Refuse (UploadRefused) a file that is no XLSX, or whose parts unpack past their caps."""
    if not data.startswith(b"PK\x03\x04"):
        raise UploadRefused(not_xlsx)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise UploadRefused(not_xlsx) from None
    names = {info.filename for info in infos}
    if "xl/workbook.xml" not in names:
        raise UploadRefused(not_xlsx)
    if len(infos) > MAX_PARTS:
        raise UploadRefused(too_much_message())
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > PART_LIMITS[_part_kind(info.filename)] or total > TOTAL_LIMIT:
            raise UploadRefused(too_much_message())


def open_xlsx(data: bytes, not_xlsx: str):
    """The workbook, read-only and values only, after `check_xlsx`. Raises UploadRefused."""
    check_xlsx(data, not_xlsx)
    try:
        data = _with_dimensions(data)
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except MemoryError:
        raise UploadRefused(too_much_message()) from None
    except Exception:  # openpyxl raises many types (KeyError, InvalidFileException, XML errors) for bad files
        raise UploadRefused(not_xlsx) from None


_ROOT = re.compile(rb"<(?:(\w+):)?worksheet\b[^>]*>")


def _with_dimensions(data: bytes) -> bytes:
    """Give every worksheet without a `<dimension>` tag one. Opening a read-only workbook, openpyxl
    looks for that tag in each sheet and, when there is none, parses the whole sheet to the end
    (24 s for 200,000 rows) before a single row can be counted. The tag's value does not matter
    here: rows are read with an explicit cap."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    patched = {}
    for info in archive.infolist():
        if _part_kind(info.filename) != "worksheet":
            continue
        with archive.open(info) as part:
            head = part.read(64 * 1024)
        start = head.find(b"<sheetData")
        if b"<dimension" in head[:start if start >= 0 else None] or b":dimension" in head[:start if start >= 0 else None]:
            continue
        root = _ROOT.search(head)
        if root is None:
            continue
        prefix = root.group(1) + b":" if root.group(1) else b""
        body = archive.read(info.filename)
        patched[info.filename] = body[:root.end()] + b"<" + prefix + b'dimension ref="A1"/>' + body[root.end():]
    if not patched:
        return data
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in archive.infolist():
            if info.filename in patched:
                target.writestr(info.filename, patched[info.filename], compress_type=zipfile.ZIP_DEFLATED,
                                compresslevel=1)
            else:
                target.writestr(info, archive.read(info.filename))
    return out.getvalue()


def rows(sheet, max_rows: int, max_cols: int, too_many: str, not_xlsx: str):
    """Yield `(row number, cells)` of a read-only sheet, at most `max_rows` + BLANK_ROW_ALLOWANCE
    rows read (blank ones too); refuse with `too_many` past that, or with `too_much_message()`
    after TIME_LIMIT seconds."""
    cap = max_rows + BLANK_ROW_ALLOWANCE
    started = time.monotonic()
    try:
        for number, cells in enumerate(sheet.iter_rows(max_row=cap + 1, max_col=max_cols, values_only=True),
                                       start=1):
            if number > cap:
                raise UploadRefused(too_many)
            if number % 50 == 0 and time.monotonic() - started > TIME_LIMIT:
                raise UploadRefused(too_much_message())
            yield number, cells
    except UploadRefused:
        raise
    except MemoryError:
        raise UploadRefused(too_much_message()) from None
    except Exception:
        raise UploadRefused(not_xlsx) from None


def text_rows(records, max_rows: int, too_many: str):
    """Cap the rows read from a CSV reader (blank ones included) the same way."""
    cap = max_rows + BLANK_ROW_ALLOWANCE
    started = time.monotonic()
    for number, cells in records:
        if number > cap:
            raise UploadRefused(too_many)
        if number % 500 == 0 and time.monotonic() - started > TIME_LIMIT:
            raise UploadRefused(too_much_message())
        yield number, cells
