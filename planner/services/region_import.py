"""Importing a kabupaten's region list (kecamatan and villages) from a CSV or XLSX of Kemendagri codes.

The file: one region per row, `kode;nama` or `kode,nama` (the reader takes `;`,
`,` or tab, like the proposal sheet), an optional header row, UTF-8 with or
without a byte-order mark, at most 2 MB; or an .xlsx whose first sheet has the
code in column A and the name in column B (read by the proposal sheet's XLSX
reader: openpyxl in read-only mode, the unpacked size and the rows capped). Codes are `35.17.09` for a kecamatan
and `35.17.09.2001` for a village (models.region.CODE_PATTERNS). Only codes
inside the admin's kabupaten are accepted; a village's kecamatan must exist or
be in the same file. The kabupaten's own row is passed over, and so are
kelurahan (village number starting with 1): they receive no Dana Desa.

Two requests, like the proposal import (services.proposal_import): the preview
checks every row and saves nothing; when no row has an error, the new and
renamed regions are signed (bound to the kabupaten, the user and the region
list as it was) into a hidden field; the confirmation saves them all in one
transaction, or nothing. Regions are never deleted.
"""
from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..models import Region
from ..models.region import level_of_code
from ..formatting import format_number
from . import ServiceError, audit, uploads
from .proposal_import import InvalidToken
from .proposal_sheet import SheetFileError, _control_share, _delimiter, _extension, _xlsx_records
from .users import region_ids_in

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
NAME_MAX = 120
TOKEN_VERSION = 1
HEADER_WORDS = ("kode", "code")

__all__ = ["InvalidToken", "RegionFileError", "RegionPreview", "RegionRow", "apply_import", "check_rows",
           "preview_import", "read_rows", "read_token"]


class RegionFileError(ValueError):
    """The file cannot be read as a region list at all (type, size, encoding); the message is Indonesian."""


@dataclass
class RegionRow:
    number: int            # the row's line in the file (1 = the first line)
    code: str
    name: str
    level: str | None = None
    status: str = ""       # "new" | "renamed" | "unchanged" | "skipped" | "error"
    old_name: str = ""
    errors: list = field(default_factory=list)
    note: str = ""

    def messages(self) -> list:
        return [_("Baris %(row)s: %(message)s", row=self.number, message=m) for m in self.errors]


@dataclass
class RegionPreview:
    rows: list
    token: str | None = None

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def error_rows(self) -> list:
        return [row for row in self.rows if row.status == "error"]

    @property
    def changes(self) -> list:
        return [row for row in self.rows if row.status in ("new", "renamed")]


# --- Reading the file ------------------------------------------------------------------------------------

def too_big_message() -> str:
    return _("Berkas terlalu besar: paling besar %(mb)s MB.", mb=MAX_BYTES // (1024 * 1024))


def read_rows(filename: str, data: bytes) -> list[tuple[int, list]]:
    """The non-empty rows of the CSV or XLSX as `(line number, cells)`. Raises RegionFileError."""
    if _extension(filename) not in ("csv", "xlsx"):
        raise RegionFileError(_("Pilih berkas .csv (kode;nama) atau .xlsx (kode di kolom A, nama di kolom B)."))
    if len(data) > MAX_BYTES:
        raise RegionFileError(too_big_message())
    if _extension(filename) == "xlsx":
        return _xlsx_rows(data)
    if not data.strip():
        raise RegionFileError(_("Berkas kosong."))
    if data.startswith(b"PK\x03\x04"):
        raise RegionFileError(_("Isi berkas ini bukan CSV (tampaknya berkas Excel). Simpan ulang sebagai "
                                "\"CSV UTF-8\"."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RegionFileError(_("Berkas ini bukan teks UTF-8. Simpan ulang dari Excel atau LibreOffice sebagai "
                                "\"CSV UTF-8\".")) from None
    if "\x00" in text or _control_share(text) > 0.01:
        raise RegionFileError(_("Berkas ini tidak terbaca sebagai teks CSV. Simpan ulang dari Excel atau "
                                "LibreOffice sebagai \"CSV UTF-8\"."))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    rows = []
    try:
        for number, cells in enumerate(reader, start=1):
            if number > MAX_ROWS + 1 + uploads.BLANK_ROW_ALLOWANCE:      # blank lines count too
                raise RegionFileError(_("Berkas berisi lebih dari %(max)s baris.", max=format_number(MAX_ROWS)))
            cells = [(cell or "").replace("\x00", "") for cell in cells]   # NUL is never text
            if all(not cell.strip() for cell in cells):
                continue
            rows.append((number, cells))
            if len(rows) > MAX_ROWS + 1:
                raise RegionFileError(_("Berkas berisi lebih dari %(max)s baris.", max=format_number(MAX_ROWS)))
    except csv.Error as exc:
        raise RegionFileError(_("Berkas CSV rusak di baris %(row)s: %(detail)s", row=reader.line_num,
                                detail=str(exc))) from None
    if not rows:
        raise RegionFileError(_("Berkas kosong."))
    return rows


def _xlsx_cell(value) -> str:
    """A cell as the text a CSV would hold: a code typed as a number (35.17) keeps its two decimals."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def _xlsx_rows(data: bytes) -> list[tuple[int, list]]:
    rows = []
    too_many = _("Berkas berisi lebih dari %(max)s baris.", max=format_number(MAX_ROWS))
    try:
        for number, cells in _xlsx_records(data, MAX_ROWS + 1, too_many):
            cells = [_xlsx_cell(cell) for cell in cells]
            while cells and not cells[-1].strip():
                cells.pop()
            if not cells:
                continue
            rows.append((number, cells))
            if len(rows) > MAX_ROWS + 1:
                raise RegionFileError(too_many)
    except (SheetFileError, uploads.UploadRefused) as error:
        raise RegionFileError(str(error)) from None
    if not rows:
        raise RegionFileError(_("Berkas kosong."))
    return rows


def _is_header(cells: list) -> bool:
    first = (cells[0] if cells else "").strip().lower()
    return level_of_code(first) is None and first.startswith(HEADER_WORDS)


# --- Checking the rows -----------------------------------------------------------------------------------

def check_rows(kabupaten_code: str, kabupaten_name: str, raw_rows: list, existing: dict,
               taken: frozenset = frozenset()) -> list[RegionRow]:
    """Check each row against the kabupaten. Pure: no database.

    `existing`: {code: name} of the regions already in the kabupaten (the kabupaten
    itself included); `taken`: codes in the file that belong to a region elsewhere.
    """
    if raw_rows and _is_header(raw_rows[0][1]):
        raw_rows = raw_rows[1:]
    rows, seen = [], {}
    for number, cells in raw_rows:
        cells = [(cell or "").strip() for cell in cells]
        code = cells[0] if cells else ""
        name = " ".join(cells[1].split()) if len(cells) > 1 else ""
        row = RegionRow(number=number, code=code, name=name, level=level_of_code(code))
        rows.append(row)
        _check_row(row, cells, kabupaten_code, kabupaten_name, seen, taken)
        if row.code and row.code not in seen:
            seen[row.code] = row
    _check_parents(rows, existing)
    for row in rows:
        if row.errors:
            row.status = "error"
        elif row.status != "skipped":
            if row.code in existing:
                row.old_name = existing[row.code]
                row.status = "unchanged" if existing[row.code] == row.name else "renamed"
            else:
                row.status = "new"
    return rows


def _check_row(row, cells, kabupaten_code, kabupaten_name, seen, taken):
    if any(cells[2:]):
        row.errors.append(_("lebih dari dua kolom. Tulis kode;nama, dan apit nama yang memuat koma atau titik "
                            "koma dengan tanda petik."))
    if not row.code:
        row.errors.append(_("kode kosong."))
        return
    if row.level is None:
        row.errors.append(_("%(code)s bukan kode wilayah Kemendagri: tulis seperti 35.17.09 untuk kecamatan atau "
                            "35.17.09.2001 untuk desa.", code=row.code))
        return
    if row.code in seen:
        row.errors.append(_("kode %(code)s sudah ada di baris %(row)s.", code=row.code, row=seen[row.code].number))
        return
    if row.level == "kabupaten":
        if row.code == kabupaten_code:
            row.status = "skipped"
            row.note = _("baris kabupaten ini sendiri; namanya tidak diubah di sini.")
        else:
            row.errors.append(_("%(code)s di luar %(kabupaten)s (%(own)s).", code=row.code,
                                kabupaten=kabupaten_name, own=kabupaten_code))
        return
    if not row.code.startswith(kabupaten_code + "."):
        row.errors.append(_("%(code)s di luar %(kabupaten)s (%(own)s).", code=row.code, kabupaten=kabupaten_name,
                            own=kabupaten_code))
        return
    if row.code in taken:
        row.errors.append(_("kode %(code)s sudah dipakai wilayah lain di luar kabupaten ini.", code=row.code))
        return
    if row.level == "desa":
        first = row.code[-4]
        if first == "1":
            row.status = "skipped"
            row.note = _("kelurahan (nomor diawali 1) tidak menerima Dana Desa; dilewati.")
            return
        if first != "2":
            row.errors.append(_("nomor desa pada %(code)s harus diawali 2 (desa) atau 1 (kelurahan).",
                                code=row.code))
            return
    if not row.name:
        row.errors.append(_("nama kosong."))
    elif len(row.name) > NAME_MAX:
        row.errors.append(_("nama paling banyak %(max)s huruf.", max=NAME_MAX))


def _parent_code(code: str) -> str:
    return code.rsplit(".", 1)[0]


def _check_parents(rows: list, existing: dict) -> None:
    """A village's kecamatan must exist already or be a correct row of the same file."""
    in_file = {row.code: row for row in rows if row.level == "kecamatan" and row.code}
    for row in rows:
        if row.errors or row.status == "skipped" or row.level != "desa":
            continue
        parent = _parent_code(row.code)
        if parent in existing:
            continue
        source = in_file.get(parent)
        if source is None:
            row.errors.append(_("kecamatan induk %(parent)s belum ada: tambahkan barisnya ke berkas.", parent=parent))
        elif source.errors:
            row.errors.append(_("kecamatan induk %(parent)s di baris %(row)s bermasalah.", parent=parent,
                                row=source.number))


# --- Preview, token, confirmation ------------------------------------------------------------------------

def _kabupaten_regions(kabupaten) -> dict:
    return {r.code: r for r in db.session.scalars(select(Region).where(Region.id.in_(region_ids_in(kabupaten))))}


def _digest(regions: dict) -> str:
    """A fingerprint of the kabupaten's region list: codes and names."""
    text = "\n".join(f"{code}\t{regions[code].name}" for code in sorted(regions))
    return hashlib.sha256(text.encode()).hexdigest()


def preview_import(kabupaten, user_id: int, filename: str, data: bytes) -> RegionPreview:
    """Check the file against the kabupaten's regions; save nothing. Raises RegionFileError."""
    raw = read_rows(filename, data)
    regions = _kabupaten_regions(kabupaten)
    codes = {(cells[0] or "").strip() for _number, cells in raw if cells} - set(regions)
    taken = frozenset(db.session.scalars(select(Region.code).where(Region.code.in_(codes)))) if codes else frozenset()
    rows = check_rows(kabupaten.code, kabupaten.name, raw, {code: r.name for code, r in regions.items()}, taken)
    preview = RegionPreview(rows)
    if not preview.error_rows and preview.changes:
        changes = [[row.code, row.name] for row in preview.changes]
        payload = {"v": TOKEN_VERSION, "kab": kabupaten.id, "base": _digest(regions), "changes": changes}
        preview.token = _serializer(kabupaten.id, user_id).dumps(payload)
    return preview


def _serializer(kabupaten_id: int, user_id: int) -> URLSafeSerializer:
    # The salt binds the token to one kabupaten and one user.
    return URLSafeSerializer(current_app.secret_key, salt=f"region-import:kabupaten-{kabupaten_id}:user-{user_id}")


def read_token(kabupaten, user_id: int, token: str) -> tuple[list, str]:
    """`(changes, baseline)` from a token made by `preview_import` for this kabupaten and user. Raises InvalidToken."""
    try:
        payload = _serializer(kabupaten.id, user_id).loads(token or "")
    except (BadData, ValueError, TypeError):
        raise InvalidToken() from None
    if not isinstance(payload, dict) or payload.get("v") != TOKEN_VERSION or payload.get("kab") != kabupaten.id:
        raise InvalidToken()
    changes, base = payload.get("changes"), payload.get("base")
    if not isinstance(changes, list) or not changes or not isinstance(base, str):
        raise InvalidToken()
    for change in changes:
        if not (isinstance(change, list) and len(change) == 2 and all(isinstance(v, str) for v in change)):
            raise InvalidToken()
        code, name = change
        if level_of_code(code) not in ("kecamatan", "desa") or not code.startswith(kabupaten.code + ".") \
                or not name or len(name) > NAME_MAX:
            raise InvalidToken()
    return changes, base


def changed_message() -> str:
    return _("Daftar wilayah kabupaten berubah sejak pratinjau dibuat (mungkin impor ini sudah disimpan). "
             "Tidak ada yang disimpan. Periksa daftar wilayah, lalu unggah berkas lagi bila perlu.")


def apply_import(kabupaten, changes: list, baseline: str, user=None) -> dict:
    """Add the new regions and rename the changed ones, all in one transaction or none.

    Refuses (ServiceError) when the region list changed since the preview, which also
    stops the same preview from being saved twice. Returns {"new": n, "renamed": n}.
    """
    regions = _kabupaten_regions(kabupaten)
    if _digest(regions) != baseline:
        raise ServiceError(changed_message())
    added, renamed = [], {}
    try:
        # Kecamatan before their villages, so a village finds a kecamatan added by the same file.
        for code, name in sorted(changes, key=lambda change: (len(change[0]), change[0])):
            region = regions.get(code)
            if region is not None:
                if region.name != name:
                    renamed[code] = [region.name, name]
                    region.name = name
                continue
            parent = kabupaten if level_of_code(code) == "kecamatan" else regions.get(_parent_code(code))
            if parent is None or parent.level != {"kecamatan": "kabupaten", "desa": "kecamatan"}[level_of_code(code)]:
                raise ServiceError(changed_message())
            region = Region(code=code, name=name, level=level_of_code(code), parent=parent)
            db.session.add(region)
            regions[code] = region
            added.append(code)
        audit.record("regions.import", user=user, region=kabupaten, target=kabupaten.code, new=len(added),
                       renamed=len(renamed), added=added, changes=renamed)
        db.session.commit()
    except ServiceError:
        db.session.rollback()
        raise
    except SQLAlchemyError:
        db.session.rollback()
        raise ServiceError(_("Daftar wilayah tidak dapat disimpan; tidak ada yang berubah. Coba lagi.")) from None
    return {"new": len(added), "renamed": len(renamed)}
