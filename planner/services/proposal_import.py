"""Importing proposals from a sheet into a plan, and exporting a plan's proposals as a sheet.

The import runs in two requests without keeping the file: `preview_import`
checks the file and saves nothing; `sign_rows` packs the valid rows into a
token signed for this plan and this user, which the preview page carries in a
hidden field; `read_token` unpacks it on confirmation and `apply_import` adds
the rows in one transaction. Existing proposals are never changed.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..models import CatalogueItem, Proposal
from . import ServiceError
from .proposal_sheet import COLUMNS, parse_file, proposal_record, write_csv, write_xlsx
from .proposals import plan_overview

TOKEN_VERSION = 1
# Values a confirmed row may carry: the Proposal attributes of the sheet plus the catalogue code.
ROW_KEYS = frozenset(c.attr for c in COLUMNS)
_INT_KEYS = {"unit_cost", "fixed_cost", "min_units", "max_units"}
_TEXT_KEYS = {"name", "category", "package", "target_group", "location", "proposer", "unit", "apbdes_code", "notes"}


class InvalidToken(Exception):
    """The hidden import data was changed, or was made for another plan or user."""


@dataclass
class ImportPreview:
    result: object     # proposal_sheet.SheetResult
    token: str | None  # signed valid rows; None when no row is valid


def catalogue_for(plan) -> dict:
    """The plan's kabupaten catalogue as plain dicts keyed by item code (inactive items included,
    so that an export of a proposal whose item was retired still imports)."""
    items = db.session.scalars(select(CatalogueItem).where(CatalogueItem.region_id == plan.desa.kabupaten.id))
    return {
        item.code: {"name": item.name, "category": item.category, "package": item.package,
                    "target_group": item.target_group, "unit": item.unit,
                    "default_unit_cost": item.default_unit_cost, "apbdes_code": item.apbdes_code}
        for item in items
    }


def _baseline(plan) -> list:
    """What the plan's proposal list looked like at preview: (count, highest id)."""
    count, top = db.session.execute(
        select(func.count(Proposal.id), func.max(Proposal.id)).where(Proposal.plan_id == plan.id)).one()
    return [count or 0, top or 0]


def preview_import(plan, user_id: int, filename: str, data: bytes) -> ImportPreview:
    """Check the file against the plan's catalogue; save nothing. Raises proposal_sheet.SheetFileError."""
    result = parse_file(filename, data, catalogue_for(plan), current_app.config["IMPORT_MAX_ROWS"])
    rows = [row.values for row in result.valid_rows]
    return ImportPreview(result, sign_rows(plan, user_id, rows) if rows else None)


def _serializer(plan_id: int, user_id: int) -> URLSafeSerializer:
    # The salt binds the token to one plan and one user: a token is no use anywhere else.
    return URLSafeSerializer(current_app.secret_key, salt=f"proposal-import:plan-{plan_id}:user-{user_id}")


def sign_rows(plan, user_id: int, rows: list) -> str:
    """The rows, the plan's proposal baseline and a version, signed (and zlib-compressed when shorter)."""
    payload = {"v": TOKEN_VERSION, "plan": plan.id, "base": _baseline(plan), "rows": rows}
    return _serializer(plan.id, user_id).dumps(payload)


def read_token(plan, user_id: int, token: str) -> tuple[list, list]:
    """`(rows, baseline)` from a token made by `sign_rows` for this plan and user. Raises InvalidToken."""
    try:
        payload = _serializer(plan.id, user_id).loads(token or "")
    except (BadData, ValueError, TypeError):
        raise InvalidToken() from None
    if not isinstance(payload, dict) or payload.get("v") != TOKEN_VERSION or payload.get("plan") != plan.id:
        raise InvalidToken()
    rows, base = payload.get("rows"), payload.get("base")
    if not isinstance(rows, list) or not rows or not all(_well_formed(row) for row in rows):
        raise InvalidToken()
    return rows, base


def _well_formed(row) -> bool:
    if not isinstance(row, dict) or set(row) != ROW_KEYS:
        return False
    if not all(isinstance(row[k], int) and not isinstance(row[k], bool) for k in _INT_KEYS):
        return False
    if not all(isinstance(row[k], str) for k in _TEXT_KEYS):
        return False
    impact = row["impact_per_unit"]
    if impact is not None and not (isinstance(impact, (int, float)) and math.isfinite(impact)):
        return False
    return row["catalogue_code"] is None or isinstance(row["catalogue_code"], str)


def apply_import(plan, rows: list, baseline: list) -> list:
    """Append `rows` to the plan's proposals in one transaction: all are saved or none.

    Refuses (ServiceError, nothing saved) when the plan's proposals changed since
    the preview — which also stops the same preview from being saved twice — or
    when a catalogue code no longer exists.
    """
    if _baseline(plan) != baseline:
        raise ServiceError(_("Daftar usulan rencana ini berubah sejak pratinjau dibuat (mungkin impor ini sudah "
                             "disimpan). Periksa daftar usulan, lalu unggah berkas lagi bila perlu."))
    codes = {row["catalogue_code"] for row in rows if row["catalogue_code"]}
    items = {}
    if codes:
        items = {item.code: item for item in db.session.scalars(
            select(CatalogueItem).where(CatalogueItem.region_id == plan.desa.kabupaten.id,
                                        CatalogueItem.code.in_(codes)))}
    missing = sorted(codes - set(items))
    if missing:
        raise ServiceError(_("Kode katalog tidak ditemukan lagi: %(codes)s. Unggah berkas lagi.",
                             codes=", ".join(missing)))
    position = (db.session.scalar(select(func.max(Proposal.position)).where(Proposal.plan_id == plan.id)) or 0) + 1
    added = []
    try:
        for offset, row in enumerate(rows):
            values = {k: v for k, v in row.items() if k != "catalogue_code"}
            proposal = Proposal(plan_id=plan.id, position=position + offset,
                                catalogue_item_id=items[row["catalogue_code"]].id if row["catalogue_code"] else None,
                                **values)
            db.session.add(proposal)
            added.append(proposal)
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        raise ServiceError(_("Usulan tidak dapat disimpan; tidak ada yang ditambahkan. Coba lagi.")) from None
    return added


# --- Export --------------------------------------------------------------------------------------------

def export_records(plan) -> list:
    """The plan's proposals in list order as sheet records, with their effective impact."""
    return [proposal_record(row.proposal, row.impact) for row in plan_overview(plan).rows]


def export_file(plan, fmt: str) -> tuple[bytes, str, str]:
    """`(bytes, mimetype, filename)` of the plan's proposal list as `csv` or `xlsx`."""
    records = export_records(plan)
    name = f"usulan-{plan.desa.code}-{plan.year}.{fmt}"
    if fmt == "csv":
        return write_csv(records), "text/csv; charset=utf-8", name
    return write_xlsx(records), XLSX_MIMETYPE, name


def template_file(fmt: str) -> tuple[bytes, str, str]:
    """The blank template: headers and one example row, without the computed columns."""
    from .proposal_sheet import example_record

    records = [example_record()]
    if fmt == "csv":
        return write_csv(records, computed=False), "text/csv; charset=utf-8", "templat-usulan.csv"
    return write_xlsx(records, computed=False), XLSX_MIMETYPE, "templat-usulan.xlsx"


XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
