"""Plan rules in words, for the import preview's "budget and rules from the file" choice."""
from flask_babel import gettext as _

from ..domain import CATEGORIES, PACKAGES, TARGET_GROUPS
from ..formatting import format_percent


def _percent(share) -> str:
    return format_percent(share, trim=True)


def rule_labels(rules: dict | None) -> list:
    """One sentence per rule of a plan-file "rules" object; unknown codes are shown as written."""
    if not rules:
        return []
    lines = []
    for category, share in (rules.get("category_min_share") or {}).items():
        lines.append(_("%(category)s paling sedikit %(share)s anggaran",
                       category=CATEGORIES.get(category, category), share=_percent(share)))
    for category, share in (rules.get("category_max_share") or {}).items():
        lines.append(_("%(category)s paling banyak %(share)s anggaran",
                       category=CATEGORIES.get(category, category), share=_percent(share)))
    if rules.get("location_max_share") is not None:
        lines.append(_("Satu lokasi paling banyak %(share)s anggaran", share=_percent(rules["location_max_share"])))
    if rules.get("packages_required"):
        lines.append(_("Paket yang harus didanai: %(names)s",
                       names=", ".join(str(PACKAGES.get(p, p)) for p in rules["packages_required"])))
    if rules.get("target_groups_required"):
        lines.append(_("Sasaran yang harus terjangkau: %(names)s",
                       names=", ".join(str(TARGET_GROUPS.get(g, g)) for g in rules["target_groups_required"])))
    return lines or [_("Tanpa aturan")]
