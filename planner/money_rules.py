"""The year's Dana Desa money rules and what a plan's figures do against them. Pure: no Flask, no database.

Regulations change every year (../shared/domain.md, "Money"), so the rules are data: a
`MoneyRules` per year, with the legal basis it rests on. The kabupaten keeps its own copy per
year (`YearSettings.money_rules`, services.settings); `DEFAULTS` is what the app suggests for a
year the kabupaten has not set yet.

Every share is measured on a **base** the admin chooses per rule:

- `pagu`: the village's whole Dana Desa allocation;
- `regular`: the regular Dana Desa after the Koperasi Desa Merah Putih share. From 2026
  (PMK 7/2026 art. 15(3)) 58.03% of every village's pagu goes from the state treasury to the
  cooperative's holding account and never through the village's cash, so a share of "the
  village's money" means a share of what is left; measured against the whole pagu, an 8%
  floor would demand ≈19% of what the village controls.

`check()` returns the rules a plan's figures break, as `Breach` records (codes and numbers; the
web layer words them in the user's language). A breach is a warning and a flag for the
kecamatan, never a refusal: the village's APBDes is evaluated by the bupati or camat, not here.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace

BASES = ("pagu", "regular")
# Earmark fields of a plan a rule speaks about, in the plan form's order.
FIELDS = ("earmark_koperasi", "earmark_blt", "earmark_pangan", "earmark_operasional")
# A KDMP earmark within this share of the pagu of the rule's amount is taken as the rule's amount
# (the ministry's own allocation letter rounds; villages copy it, not pagu × 58.03%).
KDMP_TOLERANCE = 0.001


@dataclass(frozen=True)
class MoneyRules:
    """One year's rules. Shares are fractions in [0, 1]; None: no such rule this year."""

    kdmp_share: float | None = None         # Koperasi Desa Merah Putih, set aside before the village
    blt_max: float | None = None            # BLT Desa (cash transfers), at most
    blt_base: str = "pagu"
    food_min: float | None = None           # food security (ketahanan pangan), at least
    food_base: str = "pagu"
    ops_max: float | None = None            # village government operations, at most
    ops_base: str = "pagu"
    floor_base: str = "pagu"                # what the kabupaten's stunting floor is a share of
    tranche_months: tuple = (3, 7)          # months the first and second tranche usually arrive
    report_days: int = 15                   # days after a quarter ends by which its realisation is due
    legal_basis: str = ""
    notes: str = ""                         # what is uncertain, e.g. a figure read in a secondary source

    def as_dict(self) -> dict:
        data = asdict(self)
        data["tranche_months"] = list(self.tranche_months)
        return data

    @classmethod
    def from_dict(cls, data: dict | None, fallback: MoneyRules | None = None) -> MoneyRules:
        """Rules stored as a dict (YearSettings.money_rules); keys missing there come from `fallback`."""
        base = fallback or cls()
        if not data:
            return base
        known = {f for f in cls.__dataclass_fields__}
        values = {k: v for k, v in data.items() if k in known}
        if "tranche_months" in values:
            values["tranche_months"] = tuple(values["tranche_months"] or base.tranche_months)
        return replace(base, **values)


# The rules as ../shared/domain.md reads them (most from secondary sources: defaults an admin can
# change, never constants the app relies on).
DEFAULTS = {
    2024: MoneyRules(blt_max=0.25, food_min=0.20, ops_max=0.03,
                     legal_basis="PMK 145/2023; Permendesa PDTT 7/2023 dan 13/2023"),
    2025: MoneyRules(blt_max=0.15, food_min=0.20, ops_max=0.03,
                     legal_basis="PMK 108/2024 (diubah PMK 81/2025); Permendes PDT 2/2024"),
    2026: MoneyRules(kdmp_share=0.5803, blt_max=None, food_min=None, ops_max=0.03, blt_base="regular",
                     food_base="regular", ops_base="regular", floor_base="regular",
                     legal_basis="PMK 7/2026; Permendes PDT 16/2025",
                     notes="secondary"),
}


def default_for(year: int) -> tuple[MoneyRules, int | None]:
    """The suggested rules for `year` and the year they come from: the year itself when known; the
    latest known year for later years (an assumption the app states); no rules for earlier years."""
    if year in DEFAULTS:
        return DEFAULTS[year], year
    earlier = [y for y in DEFAULTS if y < year]
    if earlier:
        source = max(earlier)
        return DEFAULTS[source], source
    return MoneyRules(), None


# --- A plan's figures against the rules ------------------------------------------------------------------------

@dataclass(frozen=True)
class PlanMoney:
    """A plan's budget figures in whole Rupiah (the plan form's fields)."""

    pagu: int = 0
    earmark_koperasi: int = 0
    earmark_blt: int = 0
    earmark_pangan: int = 0
    earmark_operasional: int = 0
    earmark_other: int = 0
    stunting_budget: int = 0

    @classmethod
    def of(cls, obj) -> PlanMoney:
        """From a Plan (or anything with the same attributes, or a dict); missing or None read as 0."""
        get = obj.get if isinstance(obj, dict) else (lambda name: getattr(obj, name, None))
        return cls(**{name: int(get(name) or 0) for name in cls.__dataclass_fields__})


def kdmp_amount(rules: MoneyRules, pagu: int) -> int | None:
    """The cooperative's share of `pagu` under the rules (None when the year has no such share)."""
    if not rules.kdmp_share:
        return None
    return round(pagu * rules.kdmp_share)


def regular_dana_desa(rules: MoneyRules, money: PlanMoney) -> int:
    """The Dana Desa that reaches the village: the pagu less the cooperative's share (by the rule
    when the year has one, else as the plan records it)."""
    kdmp = kdmp_amount(rules, money.pagu)
    return max(0, money.pagu - (kdmp if kdmp is not None else money.earmark_koperasi))


def base_amount(rules: MoneyRules, money: PlanMoney, base: str) -> int:
    return regular_dana_desa(rules, money) if base == "regular" else money.pagu


@dataclass(frozen=True)
class Check:
    """One rule applied to a plan: the amount, its share of the base, the limit and whether it holds."""

    code: str               # "kdmp", "blt_max", "food_min", "ops_max", "stunting_floor"
    field: str              # the plan form's field it concerns
    kind: str               # "equal", "max" or "min"
    amount: int
    base: str
    base_amount: int
    limit_share: float | None
    limit_amount: int
    ok: bool

    @property
    def share(self) -> float | None:
        return self.amount / self.base_amount if self.base_amount else None


def checks(rules: MoneyRules, money: PlanMoney, stunting_floor: float | None = None) -> list[Check]:
    """Every rule of the year applied to the plan's figures (holding or not), in the form's order.

    A plan without a pagu is not checked (nothing to measure against). `stunting_floor` is the
    kabupaten's floor for the stunting budget (YearSettings.stunting_share_floor), measured on
    `rules.floor_base`.
    """
    return [Check(*values) for values in _evaluate(rules, money, stunting_floor)]


def _evaluate(rules: MoneyRules, money: PlanMoney, stunting_floor: float | None):
    """`checks` as plain tuples of Check's fields (a province dashboard asks this of thousands of plans)."""
    if money.pagu <= 0:
        return
    kdmp = kdmp_amount(rules, money.pagu)
    if kdmp is not None:
        ok = abs(money.earmark_koperasi - kdmp) <= max(1_000, KDMP_TOLERANCE * money.pagu)
        yield ("kdmp", "earmark_koperasi", "equal", money.earmark_koperasi, "pagu", money.pagu,
               rules.kdmp_share, kdmp, ok)
    for code, field_name, kind, share, base in (
            ("blt_max", "earmark_blt", "max", rules.blt_max, rules.blt_base),
            ("food_min", "earmark_pangan", "min", rules.food_min, rules.food_base),
            ("ops_max", "earmark_operasional", "max", rules.ops_max, rules.ops_base),
            ("stunting_floor", "stunting_budget", "min", stunting_floor, rules.floor_base)):
        if share is None:
            continue
        amount = getattr(money, field_name)
        base_value = base_amount(rules, money, base)
        if kind == "max":
            limit = math.floor(base_value * share)
            ok = amount <= limit
        else:
            limit = math.ceil(base_value * share - 1e-6)
            ok = amount >= limit
        yield (code, field_name, kind, amount, base, base_value, share, limit, ok)


def breaches(rules: MoneyRules, money: PlanMoney, stunting_floor: float | None = None) -> list[Check]:
    """The checks the plan fails."""
    return [c for c in checks(rules, money, stunting_floor) if not c.ok]


def breaks(rules: MoneyRules, money: PlanMoney, stunting_floor: float | None = None) -> bool:
    """Whether the plan fails any check (`breaches`, without building them)."""
    return any(not values[-1] for values in _evaluate(rules, money, stunting_floor))


def suggested_earmarks(rules: MoneyRules, pagu: int) -> dict:
    """What the plan form fills in for a pagu: the cooperative's share and the food-security minimum
    (rounded up to whole thousands). Maxima are left to the village: a cap is not an allocation."""
    values = {}
    kdmp = kdmp_amount(rules, pagu)
    if kdmp is not None:
        values["earmark_koperasi"] = kdmp
    if rules.food_min:
        money = PlanMoney(pagu=pagu, earmark_koperasi=kdmp or 0)
        values["earmark_pangan"] = math.ceil(base_amount(rules, money, rules.food_base) * rules.food_min / 1000) * 1000
    return values


@dataclass
class RuleSet:
    """The rules in force for a plan and where they come from, for pages that name them."""

    rules: MoneyRules
    year: int
    kabupaten_set: bool                  # the kabupaten saved its rules for this year
    source_year: int | None = None       # when not set: the year whose defaults stand in
    stunting_floor: float | None = None

    @property
    def assumed(self) -> bool:
        return not self.kabupaten_set and self.source_year != self.year
