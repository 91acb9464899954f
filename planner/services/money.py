"""The year's money rules in force for a kabupaten or a plan, and what they say about a plan's figures.

The rules themselves and the arithmetic are pure (planner.money_rules); this module finds the
rules that apply (the kabupaten's own for the year, else the app's defaults for the year, said
so) and words the checks in the user's language for the plan form, the plan page and the
dashboards.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import money_rules
from ..formatting import format_percent
from ..money_rules import MoneyRules, PlanMoney, RuleSet
from ..formatting import format_rupiah
from .year_settings import year_settings

BASE_LABELS = {
    "pagu": _l("pagu Dana Desa"),
    "regular": _l("Dana Desa reguler (setelah KDMP)"),
}
RULE_LABELS = {
    "kdmp": _l("Koperasi Desa Merah Putih"),
    "blt_max": _l("BLT Desa"),
    "food_min": _l("Ketahanan pangan"),
    "ops_max": _l("Operasional pemerintah desa"),
    "stunting_floor": _l("Anggaran stunting"),
}


def rule_set(kabupaten, year: int, settings=None) -> RuleSet:
    """The rules for `year` in `kabupaten`: its saved rules, else the app's defaults for the year
    (which may be another year's, see money_rules.default_for). The stunting floor is the
    kabupaten's own (YearSettings.stunting_share_floor) either way."""
    if settings is None and kabupaten is not None:
        settings = year_settings(kabupaten, year)
    default, source = money_rules.default_for(year)
    floor = settings.stunting_share_floor if settings is not None else None
    if settings is not None and settings.money_rules is not None:
        rules = MoneyRules.from_dict(settings.money_rules, fallback=default)
        if settings.legal_basis:
            rules = MoneyRules.from_dict({"legal_basis": settings.legal_basis}, fallback=rules)
        return RuleSet(rules, year, True, year, floor)
    return RuleSet(default, year, False, source, floor)


def rule_set_for_plan(plan) -> RuleSet:
    desa = getattr(plan, "desa", None)
    return rule_set(desa.kabupaten if desa is not None else None, plan.year)


@dataclass
class CheckLine:
    """A check worded for a page: the rule (hint), and the warning when it does not hold."""

    code: str
    field: str
    label: str
    rule: str
    warning: str
    ok: bool


def _share(value) -> str:
    """A rule's share with the digits it has: 3% → `3,0%`, 58.03% → `58,03%`."""
    if value is None:
        return format_percent(value)
    return format_percent(value, 2 if abs(value * 1000 - round(value * 1000)) > 1e-6 else 1)


def base_label(base: str) -> str:
    return str(BASE_LABELS.get(base, base))


def rule_text(check: money_rules.Check) -> str:
    """The rule in words, with its amount for this plan."""
    params = dict(share=_share(check.limit_share), base=base_label(check.base),
                  amount=format_rupiah(check.limit_amount))
    if check.kind == "equal":
        return _("%(share)s dari pagu disisihkan untuk koperasi, tidak lewat kas desa: %(amount)s.", **params)
    if check.kind == "max":
        return _("Paling banyak %(share)s dari %(base)s: %(amount)s.", **params)
    return _("Paling sedikit %(share)s dari %(base)s: %(amount)s.", **params)


def warning_text(check: money_rules.Check) -> str:
    """What is wrong, in words (empty when the rule holds)."""
    if check.ok:
        return ""
    params = dict(amount=format_rupiah(check.amount), actual=format_percent(check.share),
                  share=_share(check.limit_share), base=base_label(check.base),
                  limit=format_rupiah(check.limit_amount))
    if check.kind == "equal":
        return _("Tercatat %(amount)s; menurut aturan %(limit)s (%(share)s dari pagu).", **params)
    if check.kind == "max":
        return _("%(amount)s adalah %(actual)s dari %(base)s: melebihi batas %(share)s (%(limit)s).", **params)
    return _("%(amount)s adalah %(actual)s dari %(base)s: kurang dari %(share)s (%(limit)s).", **params)


def check_lines(rules: RuleSet, values) -> list[CheckLine]:
    """Every rule of the year applied to a plan (or a dict of the form's values), worded."""
    money = PlanMoney.of(values)
    return [CheckLine(c.code, c.field, str(RULE_LABELS[c.code]), rule_text(c), warning_text(c), c.ok)
            for c in money_rules.checks(rules.rules, money, rules.stunting_floor)]


def breach_summary(check: money_rules.Check) -> str:
    """A breach in a few words for a dashboard flag: "BLT Desa 18,0% > 15,0%"."""
    sign = {"max": ">", "min": "<", "equal": "≠"}[check.kind]
    if check.kind == "equal":
        return f"{RULE_LABELS[check.code]} {format_rupiah(check.amount)} {sign} {format_rupiah(check.limit_amount)}"
    return f"{RULE_LABELS[check.code]} {format_percent(check.share)} {sign} {_share(check.limit_share)}"


def source_text(rules: RuleSet, kabupaten_name: str = "") -> str:
    """Whose rules these are, for the village: the kabupaten's, or the app's defaults (and which year's)."""
    basis = rules.rules.legal_basis or _("tanpa dasar hukum tercatat")
    if rules.kabupaten_set:
        return _("Aturan %(kabupaten)s untuk tahun %(year)s (dasar hukum: %(basis)s).",
                 kabupaten=kabupaten_name or _("kabupaten"), year=rules.year, basis=basis)
    if rules.source_year is None:
        return _("Kabupaten belum menetapkan aturan dana desa tahun %(year)s, dan aplikasi tidak mengenal aturan "
                 "tahun itu.", year=rules.year)
    if rules.source_year != rules.year:
        return _("Kabupaten belum menetapkan aturan dana desa tahun %(year)s. Yang dipakai: aturan tahun %(source)s "
                 "(%(basis)s) sebagai perkiraan, sampai kabupaten menetapkannya.", year=rules.year,
                 source=rules.source_year, basis=basis)
    return _("Kabupaten belum menetapkan aturan dana desa tahun %(year)s. Yang dipakai: aturan nasional tahun itu "
             "menurut aplikasi (%(basis)s).", year=rules.year, basis=basis)
