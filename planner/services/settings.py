"""A kabupaten's settings for one fiscal year (regulations change every year).

`YearSettings` holds the rule set villages start from (optimizer rules in the
plan file's shape, see services.rules), the floor for the stunting share, the
commitment deadline, the first tranche's share, the legal basis, the priority
villages (desa lokus), and the year's Dana Desa money rules (planner.money_rules:
the KDMP share, the BLT maximum, the food-security minimum, the operations
maximum, the base each is measured on, the tranche months, the reporting days). Shares are stored as fractions in [0, 1];
the admin's form speaks percent.

`save_year_settings` checks everything, records the change in the audit trail
and commits, or raises ServiceError (nothing saved). Optimistic locking: the
caller passes the version its form was built from (0 for "there were no
settings yet"); if someone saved in between, the save is refused.
"""
import csv
import io
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from .. import money_rules
from ..domain import CATEGORIES
from ..extensions import db
from ..models import Region, YearSettings
from ..models.region import level_of_code
from . import ServiceError, audit, commit
from .proposal_sheet import SheetFileError, _control_share, _decode, _delimiter, _extension
from .rules import DEFAULT_RULES, clean_rules
from .year_settings import year_settings

DEFAULT_FIRST_TRANCHE_SHARE = 0.4
LEGAL_BASIS_MAX = 2000
# The fields of a YearSettings that the admin sets (besides the rules), for history and copying.
FIELDS = ("stunting_share_floor", "commitment_deadline", "first_tranche_share", "legal_basis", "priority_desa_ids",
          "money_rules")


def conflict_message():
    return _("Pengaturan tahun ini baru saja disimpan pengguna lain. Tidak ada yang ditimpa: muat ulang halaman "
             "untuk melihat perubahannya, lalu ubah lagi bila perlu.")


def settings_years(kabupaten) -> list[YearSettings]:
    """All the kabupaten's year settings, newest year first."""
    return list(db.session.scalars(select(YearSettings).where(YearSettings.kabupaten_id == kabupaten.id)
                                   .order_by(YearSettings.year.desc())))


def kabupaten_villages(kabupaten) -> list[tuple]:
    """The kabupaten's kecamatan in code order, each with its villages: [(kecamatan, [desa, …]), …]."""
    kecamatan = list(db.session.scalars(select(Region).where(Region.parent_id == kabupaten.id,
                                                             Region.level == "kecamatan").order_by(Region.code)))
    villages = {}
    if kecamatan:
        for desa in db.session.scalars(select(Region).where(Region.parent_id.in_([k.id for k in kecamatan]),
                                                            Region.level == "desa").order_by(Region.code)):
            villages.setdefault(desa.parent_id, []).append(desa)
    return [(k, villages.get(k.id, [])) for k in kecamatan]


def form_defaults(kabupaten, year: int) -> dict:
    """What the settings form shows for a year without settings: the default rules and tranche share,
    and the money rules the app knows for the year (or the latest year before it) with their legal basis."""
    default, _source = money_rules.default_for(year)
    return {"rules": _copy_rules(DEFAULT_RULES), "stunting_share_floor": None, "commitment_deadline": None,
            "first_tranche_share": DEFAULT_FIRST_TRANCHE_SHARE, "legal_basis": default.legal_basis,
            "priority_desa_ids": [], "money_rules": default.as_dict()}


def as_values(settings: YearSettings) -> dict:
    """A stored YearSettings as the dict `form_defaults` returns."""
    rules = _copy_rules(DEFAULT_RULES)
    rules.update(_copy_rules(settings.rules or {}))
    default, _source = money_rules.default_for(settings.year)
    money = money_rules.MoneyRules.from_dict(settings.money_rules, fallback=default).as_dict()
    return {"rules": rules, "stunting_share_floor": settings.stunting_share_floor,
            "commitment_deadline": settings.commitment_deadline,
            "first_tranche_share": settings.first_tranche_share, "legal_basis": settings.legal_basis or "",
            "priority_desa_ids": list(settings.priority_desa_ids or []), "money_rules": money}


MONEY_SHARES = ("kdmp_share", "blt_max", "food_min", "ops_max")
MONEY_BASES = ("blt_base", "food_base", "ops_base", "floor_base")


def clean_money_rules(values: dict | None, year: int, errors: dict) -> dict | None:
    """The money rules as stored (MoneyRules.as_dict), or None when the form sent none; messages go to
    `errors` at the form's field names."""
    if values is None:
        return None
    default, _source = money_rules.default_for(year)
    clean = {}
    for name in MONEY_SHARES:
        share = values.get(name)
        if share is not None and not 0 <= share <= 1:
            errors[name] = [_("Isi persentase antara 0 dan 100.")]
        clean[name] = share
    if (clean.get("kdmp_share") or 0) >= 1:
        errors["kdmp_share"] = [_("Porsi koperasi harus kurang dari 100%.")]
    for name in MONEY_BASES:
        base = values.get(name) or getattr(default, name)
        if base not in money_rules.BASES:
            errors[name] = [_("Pilih pagu atau Dana Desa reguler.")]
        clean[name] = base
    months = list(values.get("tranche_months") or default.tranche_months)
    if len(months) != 2 or any(not isinstance(m, int) or not 1 <= m <= 12 for m in months):
        errors["first_tranche_month"] = [_("Pilih bulan Januari sampai Desember.")]
    elif months[1] < months[0]:
        errors["second_tranche_month"] = [_("Tahap II tidak boleh cair sebelum tahap I.")]
    clean["tranche_months"] = months
    days = values.get("report_days")
    if days is None:
        days = default.report_days
    if not isinstance(days, int) or not 0 <= days <= 90:
        errors["report_days"] = [_("Isi 0 sampai 90 hari.")]
    clean["report_days"] = days
    clean["legal_basis"] = ""      # the year's legal basis is the settings' own field
    return money_rules.MoneyRules.from_dict(clean, fallback=default).as_dict()


def _copy_rules(rules: dict) -> dict:
    return {key: (list(value) if isinstance(value, list) else dict(value) if isinstance(value, dict) else value)
            for key, value in rules.items()}


def clean_settings(kabupaten, year: int, values: dict) -> dict:
    """Check the values (shares in [0, 1]); return them in stored form or raise ServiceError at the fields.

    `values` holds the rules form's keys (`min_spesifik`, …, see rules.clean_rules) and
    `stunting_share_floor`, `commitment_deadline`, `first_tranche_share`, `legal_basis`,
    `priority_desa_ids`.
    """
    errors = {}
    try:
        rules = clean_rules(values)
    except ServiceError as error:
        errors.update(error.errors)
        rules = None
    floor = values.get("stunting_share_floor")
    if floor is not None and not 0 <= floor <= 1:
        errors["stunting_share_floor"] = [_("Isi persentase antara 0 dan 100.")]
    tranche = values.get("first_tranche_share")
    if tranche is None:
        errors["first_tranche_share"] = [_("Wajib diisi.")]
    elif not 0 < tranche <= 1:
        errors["first_tranche_share"] = [_("Isi persentase lebih dari 0 dan paling banyak 100.")]
    deadline = values.get("commitment_deadline")
    if deadline is not None:
        if not isinstance(deadline, date):
            errors["commitment_deadline"] = [_("Tanggal tidak dikenali; tulis seperti 12/08/2026.")]
        elif deadline.year not in (year - 1, year):
            errors["commitment_deadline"] = [_("Batas waktu komitmen untuk tahun anggaran %(year)s harus jatuh "
                                               "pada tahun %(before)s atau %(year)s.", year=year, before=year - 1)]
    legal_basis = " ".join((values.get("legal_basis") or "").split())
    if len(legal_basis) > LEGAL_BASIS_MAX:
        errors["legal_basis"] = [_("Paling banyak %(max)s huruf.", max=LEGAL_BASIS_MAX)]
    chosen = values.get("priority_desa_ids") or []
    villages = {desa.id for _kecamatan, desas in kabupaten_villages(kabupaten) for desa in desas}
    if any(not isinstance(i, int) or isinstance(i, bool) or i not in villages for i in chosen):
        errors["priority_desa_ids"] = [_("Pilih desa lokus dari daftar desa kabupaten ini.")]
    money = clean_money_rules(values.get("money_rules"), year, errors)
    if errors:
        raise ServiceError(errors)
    return {"rules": rules, "stunting_share_floor": floor, "commitment_deadline": deadline,
            "first_tranche_share": tranche, "legal_basis": legal_basis,
            "priority_desa_ids": sorted(set(chosen)), "money_rules": money}


def save_year_settings(kabupaten, year: int, values: dict, user=None, expected_version: int | None = None,
                       action: str = "settings.save", **details) -> YearSettings:
    """Create or change the kabupaten's settings for `year`. Raises ServiceError; nothing saved on error.

    `expected_version`: the version the form was built from (0: there were no settings);
    None skips the check (command-line use).
    """
    clean = clean_settings(kabupaten, year, values)
    settings = year_settings(kabupaten, year)
    current = settings.version_id if settings is not None else 0
    if expected_version is not None and expected_version != current:
        raise ServiceError(conflict_message())
    before = as_values(settings) if settings is not None else {}
    if settings is None:
        settings = YearSettings(kabupaten_id=kabupaten.id, year=year)
        db.session.add(settings)
    for field in FIELDS:
        setattr(settings, field, clean[field])
    settings.rules = clean["rules"]
    after = dict(clean)
    changed = audit.changes(before, after)
    if changed or not before:
        audit.record(action, user=user, region=kabupaten, target=str(year), year=year,
                       fields=list(changed), changes=changed, **details)
    # A duplicate: someone created this year's settings at the same moment.
    commit(conflict=conflict_message(), duplicate=conflict_message())
    return settings


def previous_year_settings(kabupaten, year: int) -> YearSettings | None:
    """The settings of the year before `year`, if there are any."""
    return year_settings(kabupaten, year - 1)


def copy_previous_year(kabupaten, year: int, user=None, expected_version: int | None = None) -> YearSettings:
    """Start `year` from the previous year's settings: rules, floor, tranche share, legal basis, desa lokus.

    The commitment deadline is a date of its own year and is not copied. Replaces
    this year's settings if there are some (guarded by `expected_version` like a
    save). Raises ServiceError when the previous year has none.
    """
    source = previous_year_settings(kabupaten, year)
    if source is None:
        raise ServiceError(_("Tahun %(year)s belum punya pengaturan untuk disalin.", year=year - 1))
    values = as_values(source)
    if source.money_rules is None:
        values["money_rules"] = None
    flat = rules_as_values(values.pop("rules"))
    flat.update(values)
    flat["commitment_deadline"] = None
    # Villages removed from the kabupaten since then would make the copy fail: keep the ones that are left.
    villages = {desa.id for _kecamatan, desas in kabupaten_villages(kabupaten) for desa in desas}
    flat["priority_desa_ids"] = [i for i in flat["priority_desa_ids"] if i in villages]
    return save_year_settings(kabupaten, year, flat, user=user, expected_version=expected_version,
                              action="settings.copy", source=year - 1)


def rules_as_values(rules: dict) -> dict:
    """Stored rules as the flat shares `rules.clean_rules` reads (the inverse of clean_rules)."""
    values = {}
    for category in CATEGORIES:
        values[f"min_{category}"] = (rules.get("category_min_share") or {}).get(category)
        values[f"max_{category}"] = (rules.get("category_max_share") or {}).get(category)
    values["location_max_share"] = rules.get("location_max_share")
    values["packages_required"] = list(rules.get("packages_required") or [])
    values["target_groups_required"] = list(rules.get("target_groups_required") or [])
    return values


# --- Desa lokus from a file --------------------------------------------------------------------------------

LOKUS_MAX_BYTES = 1024 * 1024
LOKUS_MAX_ROWS = 10_000


def read_lokus_codes(filename: str, data: bytes) -> list[tuple[int, str]]:
    """The village codes of a desa-lokus CSV (first column; a header row and blank rows passed over)
    as `(line, code)`. Raises ServiceError at the `file` field when it cannot be read."""

    if _extension(filename) != "csv":
        raise ServiceError({"file": [_("Pilih berkas .csv: satu kode desa per baris.")]})
    if len(data) > LOKUS_MAX_BYTES:
        raise ServiceError({"file": [_("Berkas terlalu besar: paling besar 1 MB.")]})
    if data.startswith(b"PK\x03\x04"):
        raise ServiceError({"file": [_("Isi berkas ini bukan CSV (tampaknya berkas Excel). Simpan ulang sebagai CSV.")]})
    try:
        text = _decode(data)
    except SheetFileError as error:
        raise ServiceError({"file": [str(error)]}) from None
    if "\x00" in text or _control_share(text) > 0.01:
        raise ServiceError({"file": [_("Berkas ini tidak terbaca sebagai teks CSV.")]})
    codes = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        for number, cells in enumerate(reader, start=1):
            code = (cells[0] if cells else "").strip()
            if not code or (not codes and level_of_code(code) is None and not code[0].isdigit()):
                continue        # a blank row, or the header
            codes.append((number, code))
            if len(codes) > LOKUS_MAX_ROWS:
                raise ServiceError({"file": [_("Berkas berisi lebih dari %(max)s baris.", max=LOKUS_MAX_ROWS)]})
    except csv.Error as exc:
        raise ServiceError({"file": [_("Berkas CSV rusak di baris %(row)s: %(detail)s", row=reader.line_num,
                                       detail=str(exc))]}) from None
    if not codes:
        raise ServiceError({"file": [_("Berkas tidak memuat kode desa.")]})
    return codes


def import_priority_villages(kabupaten, year: int, filename: str, data: bytes, user=None) -> int:
    """Replace the year's desa lokus with the villages a CSV names. All or nothing: a code that is
    not a village of this kabupaten refuses the whole file, with every such row named. Creates the
    year's settings (from the defaults) if there are none. Returns how many villages are lokus now."""
    codes = read_lokus_codes(filename, data)
    villages = {desa.code: desa.id for _kecamatan, desas in kabupaten_villages(kabupaten) for desa in desas}
    problems = [_("Baris %(row)s: %(code)s bukan kode desa di %(kabupaten)s.", row=number, code=code,
                  kabupaten=kabupaten.name) for number, code in codes if code not in villages]
    if problems:
        shown = problems[:20]
        if len(problems) > 20:
            shown.append(_("… dan %(n)s baris lain.", n=len(problems) - 20))
        raise ServiceError({"file": shown})
    chosen = sorted({villages[code] for _number, code in codes})
    settings = year_settings(kabupaten, year)
    values = as_values(settings) if settings is not None else form_defaults(kabupaten, year)
    if settings is not None and settings.money_rules is None:
        values["money_rules"] = None
    flat = rules_as_values(values.pop("rules"))
    flat.update(values)
    flat["priority_desa_ids"] = chosen
    save_year_settings(kabupaten, year, flat, user=user, action="settings.lokus_import", count=len(chosen))
    return len(chosen)
