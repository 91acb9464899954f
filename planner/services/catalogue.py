"""The kabupaten's intervention catalogue: seeding, reading with derived effects, admin edits, reviews.

Reading: `baseline_for_user` / `plan_baseline` / `reference_baseline` choose the
baseline risk, `catalogue_listing` and `item_impact` attach to each item the
derivation of its effect (low / central / high relative risk reduction per person
who completes a course, see planner.impact) and the default impact per unit it implies.

Changing (admins only; the views check the role): `create_item`, `update_item`,
`set_item_active`, `update_assumptions`, and for items whose shipped defaults changed
after the admin edited them (`pending_defaults`, set by migration 0005)
`accept_defaults` / `keep_own`. They validate across fields, write the change to the
audit trail (services.audit) in the same commit, and raise
ServiceError({field: [messages]}) with nothing saved when they refuse.
Values are in model units: relative reductions as fractions (0.12), prevalence
as a fraction (0.198), money in whole Rupiah.
"""
import re
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from ..catalogue_defaults import CATALOGUE, DEFAULT_IMPACT_SETTING, SGA_ASSUMPTIONS
from ..domain import CATEGORIES, EFFECT_KINDS, NATIONAL_PROGRAMMES, PACKAGES, PLATFORMS, TARGET_GROUPS
from ..extensions import db
from ..impact import FRACTION_KINDS, Derivation
from ..models import CatalogueItem, ImpactSetting, Plan
from ..formatting import format_rupiah, format_short_decimal
from . import ServiceError, audit, commit
from .unit_impact import ImpactAssumptions, assumptions_for, item_derivation

# Item codes are stable keys (plan files refer to them): lower-case slugs.
CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{1,39}$")
# APBDes activity codes, Permendagri 20/2018: bidang.sub-bidang.kegiatan, written `2.2.02` or,
# as Siskeudes does, `02.02.02`. Bidang 1–5; kegiatan 01–99, where 90–99 are local additions.
APBDES_PATTERN = re.compile(r"^0?([1-5])\.(0?[1-9]|[1-9][0-9])\.([0-9]{2})$")
MAX_HAZ_SHIFT = 3.0
MAX_HAZ_SD = 3.0
MAX_COURSE_DAYS = 3650
ITEM_FIELDS = ("name", "description", "category", "package", "target_group", "unit", "apbdes_code",
               "default_unit_cost", "cost_source", "effect_kind", "effect_low", "effect_value", "effect_high",
               "impact_source", "low_source", "high_source", "evidence_min_days", "impact_note",
               "units_per_course", "course_days", "whole_courses", "targeted", "enabling", "platform",
               "national_programme", "national_note")
TEXT_FIELDS = ("name", "unit", "apbdes_code", "description", "cost_source", "impact_source", "low_source",
               "high_source", "impact_note", "platform", "national_programme", "national_note")
EFFECT_FIELDS = ("effect_low", "effect_value", "effect_high")


# --- Seeding -----------------------------------------------------------------------------------------

def seed_catalogue(kabupaten, commit: bool = True) -> int:
    """Give a kabupaten the standard catalogue and impact assumptions; skip items it already has.

    Returns the number of items added. Safe to run again.
    """
    existing = set(db.session.scalars(select(CatalogueItem.code).where(CatalogueItem.region_id == kabupaten.id)))
    added = 0
    for entry in CATALOGUE:
        if entry["code"] in existing:
            continue
        db.session.add(CatalogueItem(region_id=kabupaten.id, **entry))
        added += 1
    if db.session.scalar(select(ImpactSetting.id).where(ImpactSetting.region_id == kabupaten.id)) is None:
        db.session.add(ImpactSetting(region_id=kabupaten.id, **DEFAULT_IMPACT_SETTING))
    if commit:
        db.session.commit()
    return added


# --- Reading -----------------------------------------------------------------------------------------

def catalogue_items(kabupaten, active_only: bool = False, package: str | None = None,
                    category: str | None = None):
    """The kabupaten's catalogue, ordered by package then name, optionally filtered."""
    query = select(CatalogueItem).where(CatalogueItem.region_id == kabupaten.id)
    if active_only:
        query = query.where(CatalogueItem.active.is_(True))
    if package:
        query = query.where(CatalogueItem.package == package)
    if category:
        query = query.where(CatalogueItem.category == category)
    return db.session.scalars(query.order_by(CatalogueItem.package, CatalogueItem.name)).all()


def get_item(kabupaten, item_id: int):
    """The catalogue item `item_id` of `kabupaten`, or None (absent or another kabupaten's)."""
    item = db.session.get(CatalogueItem, item_id)
    if item is None or item.region_id != kabupaten.id:
        return None
    return item


@dataclass(frozen=True)
class Baseline:
    """The baseline risk impacts are computed with, and where it comes from.

    kind: "measured" (the plan's posyandu measurement) or "reference" (the
    kabupaten's reference figure). `plan` is the plan asked about, if any, even
    when it had no measurement and the reference was used instead.
    """

    value: float
    kind: str
    assumptions: ImpactAssumptions
    plan: Plan | None = None

    @property
    def haz_sd(self) -> float:
        return self.assumptions.haz_sd

    @property
    def reference_source(self) -> str:
        return self.assumptions.baseline_source


def reference_baseline(kabupaten) -> Baseline:
    """The kabupaten's reference prevalence (national SSGI unless the admin changed it)."""
    assumptions = assumptions_for(kabupaten)
    return Baseline(assumptions.baseline_prevalence, "reference", assumptions)


def plan_baseline(plan) -> Baseline:
    """The plan's measured prevalence, or the kabupaten reference when nobody was measured."""
    assumptions = assumptions_for(plan.desa)
    measured = plan.measured_prevalence
    if measured is not None:
        return Baseline(measured, "measured", assumptions, plan)
    return Baseline(assumptions.baseline_prevalence, "reference", assumptions, plan)


def latest_plan(desa):
    """The village's plan for the latest year, or None."""
    return db.session.scalar(select(Plan).where(Plan.desa_id == desa.id).order_by(Plan.year.desc()).limit(1))


def baseline_for_user(user) -> Baseline:
    """A village operator: their latest plan's measured prevalence if any. Others: the reference."""
    if user.role == "desa":
        plan = latest_plan(user.region)
        if plan is not None:
            return plan_baseline(plan)
    return reference_baseline(user.region.kabupaten)


@dataclass(frozen=True)
class ItemImpact:
    """A catalogue item with its effect at one baseline (derivation None: no evidence)."""

    item: CatalogueItem
    derivation: Derivation | None

    @property
    def effect(self):
        """planner.impact.EffectDerivation, or None."""
        return self.derivation.effect if self.derivation else None

    def reduction(self, level: str = "central") -> float | None:
        """Relative risk reduction for one person who completes one course."""
        return self.effect.step(level).relative_reduction if self.effect else None

    def cases_per_100(self, level: str = "central") -> float | None:
        """Expected stunting cases averted per 100 people who complete a course."""
        return 100 * self.derivation.cases_per_course(level) if self.derivation else None

    @property
    def has_range(self) -> bool:
        """True when low and high differ from the central value (a range worth writing)."""
        effect = self.effect
        return effect is not None and not (effect.low.relative_reduction == effect.central.relative_reduction
                                           == effect.high.relative_reduction)

    @property
    def impact_per_unit(self) -> float | None:
        return self.derivation.impact_per_unit if self.derivation else None

    @property
    def course_cost(self) -> int | None:
        """The default cost of one person's course (unit cost × units per course)."""
        cost = self.item.default_unit_cost
        return None if cost is None else round(cost * self.item.units_per_course)

    def cost_per_case(self, level: str = "central") -> float | None:
        """Rupiah per case averted at the default unit cost, rounded to two significant digits;
        None when nothing is averted at this level or there is no cost."""
        cases = self.derivation.cases_per_course(level) if self.derivation else 0
        if not cases or self.course_cost is None:
            return None
        return round_significant(self.course_cost / cases)


def round_significant(value: float, digits: int = 2) -> int:
    """17_058_000 → 17_000_000: no more digits than an estimate carries."""
    if value <= 0:
        return 0
    magnitude = len(str(int(value))) - digits
    step = 10 ** max(magnitude, 0)
    return int(round(value / step) * step)


def item_impact(item, baseline: Baseline) -> ItemImpact:
    """The item's effect at `baseline`, with every step of the derivation."""
    return ItemImpact(item, item_derivation(item, baseline.value, baseline.kind, baseline.haz_sd))


def catalogue_listing(kabupaten, baseline: Baseline, *, package=None, category=None, include_inactive=False):
    """The catalogue grouped by service package, in the packages' fixed order.

    Returns [(package code, [ItemImpact, …]), …], leaving out empty packages.
    """
    items = catalogue_items(kabupaten, active_only=not include_inactive, package=package, category=category)
    groups = {code: [] for code in PACKAGES}
    for item in items:
        groups.setdefault(item.package, []).append(item_impact(item, baseline))
    return [(code, rows) for code, rows in groups.items() if rows]


def example_item(kabupaten, baseline: Baseline) -> ItemImpact | None:
    """An active catalogue item with a non-zero central effect, to show a village how an estimate is
    made (the PMBA class when the kabupaten has it active)."""
    rows = [item_impact(item, baseline) for item in catalogue_items(kabupaten, active_only=True)
            if item.has_effect and not item.enabling]
    rows = [row for row in rows if row.impact_per_unit]
    rows.sort(key=lambda row: (row.item.code != "konseling_pmba", row.item.name))
    return rows[0] if rows else None


def is_assumption(item) -> bool:
    """True when any end of the item's effect is a stated assumption rather than a measured result
    (its source starts with "Asumsi"); the catalogue labels it so."""
    sources = (item.impact_source, item.low_source, item.high_source)
    return item.has_effect and any((text or "").strip().lower().startswith("asumsi") for text in sources)


def trim_number(number: float, digits: int = 2) -> str:
    """`90.0` → `90`, `0.41` → `0,41` (en `0.41`), `1.1` → `1,1`: no trailing zeros, in the page's language."""
    return format_short_decimal(number, digits)


def effect_value_text(kind: str, value: float | None) -> str:
    """One evidence value in its kind's usual words: `−12%`, `SMD +0,11`, `HAZ +0,16`, `RR 0,66`."""
    if value is None:
        return "–"
    if kind == "relative_reduction":
        return "0%" if value == 0 else f"\u2212{trim_number(value * 100, 1)}%"
    if kind == "haz_smd":
        return f"SMD +{trim_number(value, 2)}"
    if kind == "haz_shift":
        return f"HAZ +{trim_number(value, 2)}"
    if kind == "sga_reduction":
        return f"RR {trim_number(1 - value, 2)}"
    return trim_number(value, 2)


def effect_label(item) -> str | None:
    """The evidence in short with its range: `SMD +0,11 (0,01–0,22)`, `RR 0,66 (0,89–0,49)`,
    `−12% (8–16%)`; None without evidence."""
    if not item.has_effect:
        return None
    central = effect_value_text(item.effect_kind, item.effect_value)
    if not item.has_range:
        return central
    low, high = item.effect_low, item.effect_high
    if low == high == item.effect_value:
        return central
    if item.effect_kind == "relative_reduction":
        span = f"{trim_number(low * 100, 1)}–{trim_number(high * 100, 1)}%"
    elif item.effect_kind == "sga_reduction":
        span = f"{trim_number(1 - low, 2)}–{trim_number(1 - high, 2)}"
    else:
        span = f"{trim_number(low, 2)}–{trim_number(high, 2)}"
    return f"{central} ({span})"


def short_source(item) -> str:
    """The central source in short, for lists: its text before the first colon, at most ~90 letters."""
    text = (item.impact_source or "").split(": ", 1)[0].strip()
    return text if len(text) <= 90 else text[:87].rstrip(" ,;") + "…"


def effect_source(item, level: str) -> str:
    """The source of one end of the effect (low/high fall back to the central source)."""
    text = {"low": item.low_source, "central": item.impact_source, "high": item.high_source}[level]
    return (text or "").strip() or item.impact_source


# --- Changing ----------------------------------------------------------------------------------------

def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _check_effect(values: dict, add) -> None:
    kind = values.get("effect_kind") or None
    numbers = {field: values.get(field) for field in EFFECT_FIELDS}
    given = {field for field, value in numbers.items() if value is not None}
    if kind is not None and kind not in EFFECT_KINDS:
        add("effect_kind", _("Pilih jenis bukti."))
        return
    if kind is None:
        if given:
            add("effect_kind", _("Pilih jenis bukti untuk besar efek ini, atau kosongkan besar efek."))
        return
    if values.get("enabling"):
        add("effect_kind", _("Kegiatan pendukung tidak punya efek sendiri: kosongkan jenis bukti, atau jangan "
                             "tandai sebagai kegiatan pendukung."))
    for field in EFFECT_FIELDS:
        if numbers[field] is None:
            add(field, _("Isi besar efek, atau kosongkan jenis bukti bila tidak ada bukti.")
                if field == "effect_value" else _("Isi nilai rendah dan tinggi dari sumbernya."))
    for field in given:
        value = numbers[field]
        if kind in FRACTION_KINDS and not 0 <= value <= 1:
            add(field, _("Penurunan risiko relatif harus antara 0 dan %(max)s%%.", max="100"))
        elif kind not in FRACTION_KINDS and not 0 <= value <= MAX_HAZ_SHIFT:
            add(field, _("Beda rerata HAZ harus antara 0 dan %(max)s SD.", max="3"))
    low, central, high = (numbers[field] for field in EFFECT_FIELDS)
    if None not in (low, central, high) and not low <= central <= high:
        add("effect_value", _("Urutan efek: rendah ≤ tengah ≤ tinggi (efek yang lebih kuat = angka lebih besar)."))
    if _blank(values.get("impact_source")):
        add("impact_source", _("Sebutkan sumber bukti efek (penulis, jurnal, tahun)."))


def check_item_values(values: dict) -> dict:
    """Rules on one item's values, alone and across fields. Returns {field: [messages]}."""
    errors: dict = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    if _blank(values.get("name")):
        add("name", _("Isi nama kegiatan."))
    if _blank(values.get("unit")):
        add("unit", _("Isi satuan, misalnya anak-hari."))
    if values.get("category") not in CATEGORIES:
        add("category", _("Pilih kategori."))
    if values.get("package") not in PACKAGES:
        add("package", _("Pilih paket layanan."))
    if values.get("target_group") not in TARGET_GROUPS:
        add("target_group", _("Pilih kelompok sasaran."))

    apbdes = (values.get("apbdes_code") or "").strip()
    if apbdes and not APBDES_PATTERN.match(apbdes):
        add("apbdes_code", _("Tulis kode kegiatan APBDes dengan angka dan titik, misalnya 2.2.02 atau 02.02.02 "
                             "(kode lokal 90–99, misalnya 2.2.90)."))
    elif apbdes.endswith(".00"):
        add("apbdes_code", _("Nomor kegiatan tidak boleh 00."))

    cost = values.get("default_unit_cost")
    if cost is not None and cost < 0:
        add("default_unit_cost", _("Biaya satuan tidak boleh negatif."))
    if cost is not None and _blank(values.get("cost_source")):
        add("cost_source", _("Sebutkan sumber biaya satuan (misalnya SSH kabupaten 2026 atau contoh desa)."))

    _check_effect(values, add)

    units = values.get("units_per_course")
    if units is None:
        add("units_per_course", _("Wajib diisi."))
    elif units <= 0:
        add("units_per_course", _("Jumlah satuan per program harus lebih dari 0."))
    for field in ("course_days", "evidence_min_days"):
        days = values.get(field)
        if days is not None and not 1 <= days <= MAX_COURSE_DAYS:
            add(field, _("Tulis jumlah hari antara 1 dan %(max)s.", max=MAX_COURSE_DAYS))
    if values.get("evidence_min_days") is not None and values.get("course_days") is None:
        add("course_days", _("Isi lama satu kursus: bukti ini butuh kursus paling sedikit %(days)s hari.",
                             days=values["evidence_min_days"]))

    platform = values.get("platform") or ""
    if platform and platform not in PLATFORMS:
        add("platform", _("Pilih platform."))
    elif values.get("enabling") and not platform:
        add("platform", _("Kegiatan pendukung: pilih platform yang dijalankannya."))
    programme = values.get("national_programme") or ""
    if programme and programme not in NATIONAL_PROGRAMMES:
        add("national_programme", _("Pilih program nasional."))
    return errors


def _clean_values(values: dict) -> dict:
    clean = {field: values.get(field) for field in ITEM_FIELDS}
    for field in TEXT_FIELDS:
        clean[field] = (clean[field] or "").strip()
    clean["effect_kind"] = clean["effect_kind"] or None
    for field in ("whole_courses", "targeted", "enabling"):
        clean[field] = bool(clean[field])
    return clean


def _duplicate_code(kabupaten, code) -> ServiceError:
    return ServiceError({"code": [_("Kode %(code)s sudah dipakai kegiatan lain di katalog kabupaten ini.", code=code)]})


def _item_values(item) -> dict:
    return {field: getattr(item, field) for field in ITEM_FIELDS}


def create_item(kabupaten, values: dict) -> CatalogueItem:
    """Add an item to the kabupaten's catalogue. Raises ServiceError; nothing is saved on error."""
    code = (values.get("code") or "").strip()
    errors = check_item_values(values)
    if not CODE_PATTERN.match(code):
        errors.setdefault("code", []).append(
            _("Kode: 2–40 huruf kecil, angka, garis bawah atau tanda hubung, misalnya pmt_lokal_balita."))
    elif db.session.scalar(select(CatalogueItem.id).where(CatalogueItem.region_id == kabupaten.id,
                                                          CatalogueItem.code == code)):
        errors.setdefault("code", []).extend(_duplicate_code(kabupaten, code).errors["code"])
    if errors:
        raise ServiceError(errors)
    item = CatalogueItem(region_id=kabupaten.id, code=code, active=True, **_clean_values(values))
    db.session.add(item)
    audit.record("catalogue.create", region=kabupaten, target=code, name=item.name)
    commit(duplicate=_duplicate_code(kabupaten, code))
    return item


def update_item(item: CatalogueItem, values: dict) -> CatalogueItem:
    """Change an item's descriptive fields, cost and evidence. Its code stays (plan files name it).

    Raises ServiceError; nothing changes on error. An edit leaves any review of changed defaults
    standing (the admin answers it on the review page).
    """
    errors = check_item_values(values)
    if errors:
        raise ServiceError(errors)
    before = _item_values(item)
    for field, value in _clean_values(values).items():
        setattr(item, field, value)
    changed = sorted(audit.changes(before, _item_values(item)))
    if changed:
        audit.record("catalogue.update", region=item.region, target=item.code, name=item.name, fields=changed)
    db.session.commit()
    return item


def set_item_active(item: CatalogueItem, active: bool) -> CatalogueItem:
    """Deactivate (hide from new proposals) or reactivate an item. Items are never deleted:
    proposals keep referring to them."""
    if item.active != bool(active):
        item.active = bool(active)
        audit.record("catalogue.activate" if active else "catalogue.deactivate", region=item.region,
                       target=item.code, name=item.name)
    db.session.commit()
    return item


# --- Reviewing changed defaults ----------------------------------------------------------------------

REVIEW_FIELDS = ITEM_FIELDS + ("active",)


@dataclass(frozen=True)
class ReviewLine:
    """One field whose shipped default changed: the old and new default and the kabupaten's value,
    each also in words (`*_text`) for the review page."""

    field: str
    old: object
    new: object
    current: object
    old_text: str
    new_text: str
    current_text: str


def pending_fields(item) -> dict:
    """{field: {"old": …, "new": …}} for the fields waiting for the admin's answer ({} if none)."""
    pending = item.pending_defaults or {}
    return {field: change for field, change in pending.items() if field in REVIEW_FIELDS}


def items_to_review(kabupaten) -> list:
    """The kabupaten's items whose shipped defaults changed after its admin edited them."""
    return [item for item in catalogue_items(kabupaten) if pending_fields(item)]


def review_lines(item) -> list:
    """The fields under review, in the catalogue form's order."""
    pending = pending_fields(item)
    kinds = {"old": pending.get("effect_kind", {}).get("old", item.effect_kind),
             "new": pending.get("effect_kind", {}).get("new", item.effect_kind), "current": item.effect_kind}
    lines = []
    for field in REVIEW_FIELDS:
        if field not in pending:
            continue
        old, new, current = pending[field].get("old"), pending[field].get("new"), getattr(item, field)
        lines.append(ReviewLine(field, old, new, current, describe_value(field, old, kinds["old"]),
                                describe_value(field, new, kinds["new"]),
                                describe_value(field, current, kinds["current"])))
    return lines


def describe_value(field: str, value, kind: str | None = None) -> str:
    """A stored value in words for the review page: labels for codes, Rupiah, percent for fractions."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("ya") if value else _("tidak")
    labels = {"category": CATEGORIES, "package": PACKAGES, "target_group": TARGET_GROUPS,
              "effect_kind": EFFECT_KINDS, "platform": PLATFORMS, "national_programme": NATIONAL_PROGRAMMES}
    if field in labels:
        return str(labels[field].get(value, value))
    if field == "default_unit_cost":
        return format_rupiah(value)
    if field in EFFECT_FIELDS:
        return effect_value_text(kind, value) if kind else trim_number(value, 3)
    if field in ("units_per_course", "course_days", "evidence_min_days") and isinstance(value, (int, float)):
        return trim_number(value, 2)
    return str(value)


def accept_defaults(item: CatalogueItem) -> CatalogueItem:
    """Give the item the new shipped defaults for every field under review; the admin's other edits
    stay. Raises ServiceError (nothing changes) when the result would not be a valid item."""
    pending = pending_fields(item)
    if not pending:
        return item
    values = _item_values(item)
    values.update({field: change.get("new") for field, change in pending.items() if field in ITEM_FIELDS})
    errors = check_item_values(values)
    if errors:
        raise ServiceError([message for messages in errors.values() for message in messages])
    for field, change in pending.items():
        setattr(item, field, change.get("new"))
    item.pending_defaults = None
    audit.record("catalogue.accept_defaults", region=item.region, target=item.code, name=item.name,
                   fields=sorted(pending))
    db.session.commit()
    return item


def keep_own(item: CatalogueItem) -> CatalogueItem:
    """Close the review keeping the kabupaten's values."""
    pending = pending_fields(item)
    item.pending_defaults = None
    if pending:
        audit.record("catalogue.keep_own", region=item.region, target=item.code, name=item.name,
                       fields=sorted(pending))
    db.session.commit()
    return item


# --- Impact assumptions ------------------------------------------------------------------------------

def impact_setting(kabupaten) -> ImpactSetting | None:
    return db.session.scalar(select(ImpactSetting).where(ImpactSetting.region_id == kabupaten.id))


def sga_assumptions() -> dict:
    """The SGA route's assumptions with their sources, for display."""
    return dict(SGA_ASSUMPTIONS)


def check_assumption_values(values: dict) -> dict:
    errors: dict = {}
    prevalence = values.get("baseline_prevalence")
    if prevalence is None:
        errors["baseline_prevalence"] = [_("Wajib diisi.")]
    elif not 0 < prevalence < 1:
        errors["baseline_prevalence"] = [_("Prevalensi acuan harus lebih dari %(min)s%% dan kurang dari %(max)s%%.", min="0", max="100")]
    if _blank(values.get("baseline_source")):
        errors["baseline_source"] = [_("Sebutkan sumber prevalensi acuan, misalnya SSGI 2024.")]
    elif len(values["baseline_source"].strip()) > 200:
        errors["baseline_source"] = [_("Paling banyak 200 huruf.")]
    sd = values.get("haz_sd")
    if sd is None:
        errors["haz_sd"] = [_("Wajib diisi.")]
    elif not 0 < sd <= MAX_HAZ_SD:
        errors["haz_sd"] = [_("Simpangan baku HAZ harus lebih dari 0 dan paling besar %(max)s.", max="3")]
    if "plausibility_bound" in values:
        bound = values.get("plausibility_bound")
        if bound is not None and not 0 < bound <= 1:
            errors["plausibility_bound"] = [_("Batas kewajaran harus lebih dari %(min)s%% dan paling besar %(max)s%%.",
                                              min="0", max="100")]
    return errors


def update_assumptions(kabupaten, values: dict) -> ImpactSetting:
    """Set the kabupaten's baseline prevalence (fraction), its source and the HAZ SD.

    Creates the setting if the kabupaten has none. Raises ServiceError; nothing changes on error.
    """
    errors = check_assumption_values(values)
    if errors:
        raise ServiceError(errors)
    setting = impact_setting(kabupaten)
    if setting is None:
        before = dict(DEFAULT_IMPACT_SETTING)
        setting = ImpactSetting(region_id=kabupaten.id)
        db.session.add(setting)
    else:
        before = {"baseline_prevalence": setting.baseline_prevalence, "baseline_source": setting.baseline_source,
                  "haz_sd": setting.haz_sd, "plausibility_bound": setting.plausibility_bound}
    before.setdefault("plausibility_bound", 0.1)
    setting.baseline_prevalence = values["baseline_prevalence"]
    setting.baseline_source = values["baseline_source"].strip()
    setting.haz_sd = values["haz_sd"]
    if values.get("plausibility_bound") is not None:
        setting.plausibility_bound = values["plausibility_bound"]
    elif setting.plausibility_bound is None:
        setting.plausibility_bound = 0.1
    after = {"baseline_prevalence": setting.baseline_prevalence, "baseline_source": setting.baseline_source,
             "haz_sd": setting.haz_sd, "plausibility_bound": setting.plausibility_bound}
    changed = audit.changes(before, after)
    if changed:
        audit.record("impact.update", region=kabupaten, fields=sorted(changed), changes=changed)
    db.session.commit()
    return setting
