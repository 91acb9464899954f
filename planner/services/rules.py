"""The optimizer's rules for a plan: what they are by default, reading and changing them.

Rules are kept on the plan in the optimizer's plan-file shape:
`category_min_share`, `category_max_share`, `location_max_share`,
`packages_required`, `target_groups_required` (see docs/optimizer.md).
"""
from copy import deepcopy

from flask_babel import gettext as _

from ..domain import CATEGORIES, PACKAGES, TARGET_GROUPS
from . import ServiceError, audit, commit_or_conflict
from .plans import plan_changed_message
from .year_settings import settings_for_plan

# Perpres 72/2021 puts the first 1,000 days first: pregnant women and children
# under two. No regulation sets a share of the stunting envelope (domain.md), so
# no share rule is on by default; the village sets its own.
DEFAULT_RULES = {
    "category_min_share": {},
    "category_max_share": {},
    "location_max_share": None,
    "packages_required": [],
    "target_groups_required": ["ibu_hamil", "baduta"],
}
# Rules the services turn into locks before the optimizer sees the plan file, kept in the rules only
# when on. `aks_first`: fund the proposals answering an AKS recommendation first
# (services.aks.rule_locks); not an optimizer rule, so the plan file carries it as locks, never in
# its "rules" object.
SERVICE_RULES = ("aks_first",)


def effective_rules(plan) -> dict:
    """The plan's rules; when it has none yet, its kabupaten's rule set for the plan's year
    (services.settings), else the defaults. Keys missing there come from DEFAULT_RULES.
    Always a full, fresh dict."""
    stored = plan.rules
    if not stored:
        settings = settings_for_plan(plan)
        # A copy: callers may change the dict they get without touching the kabupaten's settings.
        stored = deepcopy(settings.rules if settings is not None else None) or {}
    rules = {key: (list(value) if isinstance(value, list) else dict(value) if isinstance(value, dict) else value)
             for key, value in DEFAULT_RULES.items()}
    for key in rules:
        if key in stored:
            rules[key] = stored[key]
    for key in SERVICE_RULES:
        if stored.get(key):
            rules[key] = True
    return rules


def clean_rules(values: dict) -> dict:
    """Check rules given as shares in [0, 1]; return them in stored form or raise ServiceError."""
    errors = {}
    rules = {"category_min_share": {}, "category_max_share": {}, "location_max_share": None,
             "packages_required": [], "target_groups_required": []}
    if values.get("aks_first"):
        rules["aks_first"] = True
    for category in CATEGORIES:
        low = values.get(f"min_{category}")
        high = values.get(f"max_{category}")
        for name, share in ((f"min_{category}", low), (f"max_{category}", high)):
            if share is not None and not 0 <= share <= 1:
                errors[name] = [_("Isi persentase antara 0 dan 100.")]
        if low is not None and high is not None and low > high:
            errors[f"min_{category}"] = [_("Batas bawah tidak boleh lebih besar dari batas atas.")]
        if low:
            rules["category_min_share"][category] = low
        if high is not None and high < 1:
            rules["category_max_share"][category] = high
    minimums = sum(rules["category_min_share"].values())
    if minimums > 1:
        errors["min_spesifik"] = [_("Jumlah batas bawah semua kategori melebihi 100%.")]
    location = values.get("location_max_share")
    if location is not None:
        if not 0 < location <= 1:
            errors["location_max_share"] = [_("Isi persentase lebih dari 0 dan paling banyak 100.")]
        elif location < 1:
            rules["location_max_share"] = location
    unknown = [p for p in values.get("packages_required") or [] if p not in PACKAGES]
    if unknown:
        errors["packages_required"] = [_("Paket layanan tidak dikenal.")]
    rules["packages_required"] = [p for p in PACKAGES if p in (values.get("packages_required") or [])]
    unknown = [g for g in values.get("target_groups_required") or [] if g not in TARGET_GROUPS]
    if unknown:
        errors["target_groups_required"] = [_("Kelompok sasaran tidak dikenal.")]
    rules["target_groups_required"] = [g for g in TARGET_GROUPS if g in (values.get("target_groups_required") or [])]
    if errors:
        raise ServiceError(errors)
    return rules


def update_rules(plan, values: dict) -> dict:
    """Store the plan's rules. Raises ServiceError (nothing saved) when they are inconsistent."""
    rules = clean_rules(values)
    changed = audit.changes({"rules": effective_rules(plan)}, {"rules": rules})
    plan.rules = rules
    if changed:
        audit.record("rules.update", plan=plan, changes=changed)
    commit_or_conflict(plan_changed_message())
    return rules


def set_aks_first(plan, on: bool, user=None) -> dict:
    """Switch the rule "dahulukan usulan yang menjawab rekomendasi AKS" for the plan (the plan
    page's rules or the rembuk), keeping its other rules as they are."""
    before = effective_rules(plan)
    rules = dict(before)
    rules.pop("aks_first", None)
    if on:
        rules["aks_first"] = True
    if bool(before.get("aks_first")) != bool(on):
        plan.rules = rules
        audit.record("rules.update", plan=plan, user=user, changes=audit.changes({"rules": before},
                                                                                    {"rules": rules}))
    commit_or_conflict(plan_changed_message())
    return rules
