"""The kabupaten's intervention catalogue: seeding, reading with derived impacts, and admin edits.

Reading: `baseline_for_user` / `plan_baseline` / `reference_baseline` choose the
baseline risk, `catalogue_listing` and `item_impact` attach to each item the
derivation of its default impact per unit (see planner.impact).

Changing (admins only; the views check the role): `create_item`, `update_item`,
`set_item_active`, `update_assumptions`. They validate across fields, commit,
and raise ServiceError({field: [messages]}) with nothing saved when they refuse.
Values are in model units: relative reductions as fractions (0.12), prevalence
as a fraction (0.198), money in whole Rupiah.
"""
import re
from dataclasses import dataclass
from statistics import NormalDist

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..catalogue_defaults import CATALOGUE, DEFAULT_IMPACT_SETTING
from ..domain import CATEGORIES, EFFECT_KINDS, PACKAGES, TARGET_GROUPS
from ..extensions import db
from ..impact import Derivation, derive
from ..models import CatalogueItem, ImpactSetting, Plan
from . import ServiceError
from .impact import ImpactAssumptions, assumptions_for

# Item codes are stable keys (plan files refer to them): lower-case slugs.
CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{1,39}$")
# APBDes activity codes, Permendagri 20/2018: bidang.sub-bidang.kegiatan, written `2.2.02` or,
# as Siskeudes does, `02.02.02`. Bidang 1–5; kegiatan 01–99, where 90–99 are local additions.
APBDES_PATTERN = re.compile(r"^0?([1-5])\.(0?[1-9]|[1-9][0-9])\.([0-9]{2})$")
MAX_HAZ_SHIFT = 3.0
MAX_HAZ_SD = 3.0
ITEM_FIELDS = ("name", "description", "category", "package", "target_group", "unit", "apbdes_code",
               "default_unit_cost", "cost_source", "effect_kind", "effect_value", "units_per_course",
               "impact_source", "impact_note")
_NORMAL = NormalDist()


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
    """A catalogue item with its default impact per unit at one baseline (None: no evidence)."""

    item: CatalogueItem
    derivation: Derivation | None

    @property
    def impact_per_unit(self) -> float | None:
        return self.derivation.impact_per_unit if self.derivation else None

    @property
    def impact_per_course(self) -> float | None:
        """Cases averted per person given a full course: baseline × relative reduction."""
        if self.derivation is None:
            return None
        return self.derivation.baseline * self.derivation.relative_reduction

    @property
    def impact_per_million(self) -> float | None:
        """Cases averted per Rp 1.000.000 spent at the default unit cost."""
        cost = self.item.default_unit_cost
        if self.derivation is None or not cost:
            return None
        return self.derivation.impact_per_unit * 1_000_000 / cost

    @property
    def cost_per_case(self) -> float | None:
        """Rupiah per case averted at the default unit cost."""
        cost = self.item.default_unit_cost
        if self.derivation is None or not cost or self.derivation.impact_per_unit <= 0:
            return None
        return cost / self.derivation.impact_per_unit

    @property
    def z_before(self) -> float | None:
        """For a HAZ shift: the z-score whose normal CDF is the baseline prevalence."""
        d = self.derivation
        if d is None or d.effect_kind != "haz_shift" or not 0 < d.baseline < 1:
            return None
        return _NORMAL.inv_cdf(d.baseline)

    @property
    def z_shift(self) -> float | None:
        """For a HAZ shift: the shift in SD units of the population (d ÷ SD)."""
        d = self.derivation
        if d is None or d.effect_kind != "haz_shift":
            return None
        return d.effect_value / d.haz_sd


def item_impact(item, baseline: Baseline) -> ItemImpact:
    """The item's default impact per unit at `baseline`, with every step of the derivation."""
    if not item.has_effect:
        return ItemImpact(item, None)
    derivation = derive(baseline.value, baseline.kind, item.effect_kind, item.effect_value,
                        item.units_per_course, baseline.haz_sd)
    return ItemImpact(item, derivation)


def catalogue_listing(kabupaten, baseline: Baseline, *, package=None, category=None, include_inactive=False):
    """The catalogue grouped by service package, in the packages' fixed order.

    Returns [(package code, [ItemImpact, …]), …], leaving out empty packages.
    """
    items = catalogue_items(kabupaten, active_only=not include_inactive, package=package, category=category)
    groups = {code: [] for code in PACKAGES}
    for item in items:
        groups.setdefault(item.package, []).append(item_impact(item, baseline))
    return [(code, rows) for code, rows in groups.items() if rows]


def is_assumption(item) -> bool:
    """True when the item's effect is a stated assumption rather than a measured result.

    The seeded WASH items and any admin entry whose impact source starts with
    "Asumsi" count as assumptions; the catalogue labels them so.
    """
    return item.has_effect and (item.impact_source or "").strip().lower().startswith("asumsi")


def trim_number(number: float, digits: int = 2) -> str:
    """`90.0` → `90`, `0.41` → `0,41`, `1.1` → `1,1`: a decimal comma, no trailing zeros."""
    text = f"{number:.{digits}f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def effect_label(item) -> str | None:
    """The effect in short: `HAZ +0,41` or `−12%`; None without evidence."""
    if not item.has_effect:
        return None
    if item.effect_kind == "haz_shift":
        return f"HAZ +{trim_number(item.effect_value, 2)}"
    return f"\u2212{trim_number(item.effect_value * 100, 1)}%"


# --- Changing ----------------------------------------------------------------------------------------

def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


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

    kind, value = values.get("effect_kind") or None, values.get("effect_value")
    if kind is not None and kind not in EFFECT_KINDS:
        add("effect_kind", _("Pilih jenis bukti."))
    elif kind is not None and value is None:
        add("effect_value", _("Isi besar efek, atau kosongkan jenis bukti bila tidak ada bukti."))
    elif kind is None and value is not None:
        add("effect_kind", _("Pilih jenis bukti untuk besar efek ini, atau kosongkan besar efek."))
    elif kind == "relative_reduction" and not 0 <= value <= 1:
        add("effect_value", _("Penurunan risiko relatif harus antara 0 dan %(max)s%%.", max="100"))
    elif kind == "haz_shift" and not 0 <= value <= MAX_HAZ_SHIFT:
        add("effect_value", _("Kenaikan rerata HAZ harus antara 0 dan %(max)s SD.", max="3"))
    if (kind is not None or value is not None) and _blank(values.get("impact_source")):
        add("impact_source", _("Sebutkan sumber bukti efek (penulis, jurnal, tahun)."))

    units = values.get("units_per_course")
    if units is None:
        add("units_per_course", _("Wajib diisi."))
    elif units <= 0:
        add("units_per_course", _("Jumlah satuan per program harus lebih dari 0."))
    return errors


def _clean_values(values: dict) -> dict:
    clean = {field: values.get(field) for field in ITEM_FIELDS}
    for field in ("name", "unit", "apbdes_code", "description", "cost_source", "impact_source", "impact_note"):
        clean[field] = (clean[field] or "").strip()
    clean["effect_kind"] = clean["effect_kind"] or None
    return clean


def _duplicate_code(kabupaten, code) -> ServiceError:
    return ServiceError({"code": [_("Kode %(code)s sudah dipakai kegiatan lain di katalog kabupaten ini.", code=code)]})


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
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise _duplicate_code(kabupaten, code)
    return item


def update_item(item: CatalogueItem, values: dict) -> CatalogueItem:
    """Change an item's descriptive fields, cost and evidence. Its code stays (plan files name it).

    Raises ServiceError; nothing changes on error.
    """
    errors = check_item_values(values)
    if errors:
        raise ServiceError(errors)
    for field, value in _clean_values(values).items():
        setattr(item, field, value)
    db.session.commit()
    return item


def set_item_active(item: CatalogueItem, active: bool) -> CatalogueItem:
    """Deactivate (hide from new proposals) or reactivate an item. Items are never deleted:
    proposals keep referring to them."""
    item.active = bool(active)
    db.session.commit()
    return item


def impact_setting(kabupaten) -> ImpactSetting | None:
    return db.session.scalar(select(ImpactSetting).where(ImpactSetting.region_id == kabupaten.id))


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
        setting = ImpactSetting(region_id=kabupaten.id)
        db.session.add(setting)
    setting.baseline_prevalence = values["baseline_prevalence"]
    setting.baseline_source = values["baseline_source"].strip()
    setting.haz_sd = values["haz_sd"]
    db.session.commit()
    return setting
