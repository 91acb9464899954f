"""Importing proposals from a sheet into a plan, and exporting a plan's proposals as a sheet.

The import runs in two requests without keeping the file: `preview_import`
checks the file and saves nothing; `sign_rows` packs the valid rows into a
token signed for this plan and this user, which the preview page carries in a
hidden field; `read_token` unpacks it on confirmation and `apply_import` adds
the rows in one transaction. Existing proposals are never changed.

A JSON plan file also carries a budget and rules: `check_settings` checks them
against the plan (budget within the pagu after earmarks, rules through
`rules.clean_rules`); when the user ticks "Pakai anggaran dan aturan dari
berkas" they are saved in the same transaction as the rows, or not at all.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import func, select, update
from sqlalchemy.exc import SQLAlchemyError

from ..domain import CATEGORIES
from ..extensions import db
from ..formatting import format_rupiah
from ..models import CatalogueItem, Plan, Proposal
from ..models.base import utcnow
from . import ServiceError, audit
from .plans import check_plan_values
from .rules import clean_rules
from .proposal_sheet import COLUMNS, example_record, parse_file, proposal_record, write_csv, write_xlsx
from .proposals import plan_overview

TOKEN_VERSION = 2     # 2: rows carry implementer, funding_source and months
# Values a confirmed row may carry: the Proposal attributes of the sheet plus the catalogue code.
ROW_KEYS = frozenset(c.attr for c in COLUMNS)
_INT_KEYS = {"unit_cost", "fixed_cost", "min_units", "max_units"}
_TEXT_KEYS = {"name", "category", "package", "target_group", "location", "proposer", "unit", "apbdes_code", "notes",
              "implementer", "funding_source"}


class InvalidToken(Exception):
    """The hidden import data was changed, or was made for another plan or user."""


@dataclass
class ImportPreview:
    result: object     # proposal_sheet.SheetResult
    token: str | None  # signed valid rows; None when no row is valid
    settings: dict | None = None        # a plan file's clean {"budget", "rules"}, when they fit this plan
    settings_errors: list | None = None  # why a plan file's budget or rules do not fit (sentences)


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
    settings = errors = None
    if result.settings is not None:
        try:
            settings = check_settings(plan, result.settings)
        except ServiceError as error:
            errors = [str(m) for messages in error.errors.values() for m in messages]
    # The file's settings travel as read, checked or not: confirming with them checks them again.
    token = sign_rows(plan, user_id, rows, result.settings) if rows else None
    return ImportPreview(result, token, settings, errors)


# The rules form's field names (what clean_rules reports errors on) as the plan file names them.
_RULE_FIELD_NAMES = {"location_max_share": "location_max_share", "packages_required": "packages_required",
                     "target_groups_required": "target_groups_required"}
for _category in CATEGORIES:
    _RULE_FIELD_NAMES[f"min_{_category}"] = f"category_min_share.{_category}"
    _RULE_FIELD_NAMES[f"max_{_category}"] = f"category_max_share.{_category}"


def check_settings(plan, settings) -> dict:
    """A plan file's budget and rules, checked for `plan`. Returns `{"budget": int, "rules": dict}` in stored form.

    The budget must fit the plan's pagu after earmarks (`plans.check_plan_values`);
    the rules go through `rules.clean_rules`, and a category the app does not
    know is refused rather than dropped. Raises ServiceError with one sentence
    per problem, naming the file's field.
    """
    if not isinstance(settings, dict) or not isinstance(settings.get("rules"), dict) \
            or isinstance(settings.get("budget"), bool) or not isinstance(settings.get("budget"), int):
        raise ServiceError(_("Anggaran dan aturan di berkas tidak terbaca."))
    budget, rules = settings["budget"], settings["rules"]
    messages = []
    values = {f: getattr(plan, f) for f in ("pagu", "earmark_koperasi", "earmark_blt", "earmark_other")}
    values["stunting_budget"] = budget
    for message in check_plan_values(values).get("stunting_budget", []):
        messages.append(_("Anggaran stunting di berkas (%(budget)s): %(message)s",
                          budget=format_rupiah(budget), message=message))
    form = {"location_max_share": rules.get("location_max_share"),
            "packages_required": list(rules.get("packages_required") or []),
            "target_groups_required": list(rules.get("target_groups_required") or [])}
    for name in ("category_min_share", "category_max_share"):
        shares = rules.get(name) or {}
        for category, share in shares.items():
            if category not in CATEGORIES:
                messages.append(_("Aturan %(field)s: kategori %(category)s tidak dikenal (pilih %(codes)s).",
                                  field=name, category=category, codes=", ".join(CATEGORIES)))
            else:
                form[f"{'min' if name == 'category_min_share' else 'max'}_{category}"] = share
    try:
        clean = clean_rules(form)
    except ServiceError as error:
        clean = None
        for field, field_messages in error.errors.items():
            for message in field_messages:
                messages.append(_("Aturan %(field)s: %(message)s",
                                  field=_RULE_FIELD_NAMES.get(field, field), message=message))
    if messages:
        raise ServiceError({None: messages})
    return {"budget": budget, "rules": clean}


def _serializer(plan_id: int, user_id: int) -> URLSafeSerializer:
    # The salt binds the token to one plan and one user: a token is no use anywhere else.
    return URLSafeSerializer(current_app.secret_key, salt=f"proposal-import:plan-{plan_id}:user-{user_id}")


def sign_rows(plan, user_id: int, rows: list, settings: dict | None = None) -> str:
    """The rows, the plan's proposal baseline, a plan file's budget and rules (or None) and a version, signed.

    URLSafeSerializer zlib-compresses the JSON whenever that makes it shorter
    (always, for more than a row or two), so a thousand rows fit in a form field.
    """
    payload = {"v": TOKEN_VERSION, "plan": plan.id, "base": _baseline(plan), "rows": rows, "settings": settings}
    return _serializer(plan.id, user_id).dumps(payload)


def read_token(plan, user_id: int, token: str) -> tuple[list, list, dict | None]:
    """`(rows, baseline, settings)` from a token made by `sign_rows` for this plan and user. Raises InvalidToken."""
    try:
        payload = _serializer(plan.id, user_id).loads(token or "")
    except (BadData, ValueError, TypeError):
        raise InvalidToken() from None
    if not isinstance(payload, dict) or payload.get("v") != TOKEN_VERSION or payload.get("plan") != plan.id:
        raise InvalidToken()
    rows, base, settings = payload.get("rows"), payload.get("base"), payload.get("settings")
    if not isinstance(rows, list) or not rows or not all(_well_formed(row) for row in rows):
        raise InvalidToken()
    if settings is not None and not isinstance(settings, dict):
        raise InvalidToken()
    return rows, base, settings


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
    months = row["months"]
    if months is not None and not (isinstance(months, list) and all(
            isinstance(m, int) and not isinstance(m, bool) and 1 <= m <= 12 for m in months)):
        return False
    return row["catalogue_code"] is None or isinstance(row["catalogue_code"], str)


def apply_import(plan, rows: list, baseline: list, settings: dict | None = None) -> list:
    """Append `rows` to the plan's proposals in one transaction: all are saved or none.

    With `settings` (a plan file's budget and rules, from the token) the plan's
    stunting budget and rules are replaced in the same transaction, after they
    are checked again against the plan as it is now.

    Refuses (ServiceError, nothing saved) when the plan's proposals changed since
    the preview — which also stops the same preview from being saved twice —,
    when a catalogue code no longer exists, or when the settings no longer fit.
    """
    # One confirmation at a time per plan: the row lock (PostgreSQL) or the write lock (SQLite)
    # taken here makes a second, simultaneous confirmation of the same preview wait, then see the
    # first one's rows and refuse (four presses of the button add the rows once).
    db.session.execute(update(Plan).where(Plan.id == plan.id).values(updated_at=utcnow()))
    try:
        return _apply_locked(plan, rows, baseline, settings)
    except ServiceError:
        db.session.rollback()           # release the lock at once
        raise


def _apply_locked(plan, rows: list, baseline: list, settings: dict | None) -> list:
    if settings is not None:
        settings = check_settings(plan, settings)
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
        if settings is not None:
            plan.stunting_budget = settings["budget"]
            plan.rules = settings["rules"]
        audit.record("proposal.import", plan=plan, count=len(added), settings=settings is not None)
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        raise ServiceError(_("Usulan tidak dapat disimpan; tidak ada yang ditambahkan. Coba lagi.")) from None
    return added


# --- Export --------------------------------------------------------------------------------------------

def export_records(plan) -> list:
    """The plan's proposals in list order as sheet records, with their effective impact."""
    return [proposal_record(row.proposal, row.impact) for row in plan_overview(plan).rows]


def export_file(plan, fmt: str) -> tuple[bytes, str]:
    """`(bytes, filename)` of the plan's proposal list as `csv` or `xlsx`."""
    records = export_records(plan)
    name = f"usulan-{plan.desa.code}-{plan.year}.{fmt}"
    if fmt == "csv":
        return write_csv(records), name
    return write_xlsx(records), name


def template_file(fmt: str) -> tuple[bytes, str]:
    """The blank template: headers and one example row, without the computed columns."""
    records = [example_record()]
    if fmt == "csv":
        return write_csv(records, computed=False), "templat-usulan.csv"
    return write_xlsx(records, computed=False), "templat-usulan.xlsx"
