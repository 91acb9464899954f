"""The plan file (JSON, format "planner-plan" version 1): parse, validate, dump.

It is also the project's import/export format. Contract of `load_plan(data)`:
- `data` is the decoded JSON (a dict). "format" and "version" are optional on input; if present
  they must be "planner-plan" and 1. A "result" key (written by `dump_plan`) is ignored.
- Unknown keys at top level and on proposals are kept in `extra` and written back by `dump_plan`.
  Unknown keys inside "rules" are rejected, because a misspelt rule would silently not apply.
- Invalid input raises `PlanError`, whose `code` and `params` name the field and the proposal;
  `message("id")` / `message("en")` (and `str(error)`, English) render it.
"""
from __future__ import annotations

import json
import math
from fractions import Fraction
from typing import Any, Optional

from .messages import render
from .model import LOCK_IN, LOCK_OUT, Plan, Proposal, Result, Rules, exact
from .report import result_to_dict

FORMAT = "planner-plan"
#: The newest version this module reads and writes; version 1 files are read as they always were.
VERSION = 2
VERSIONS = (1, 2)
#: Money and units above this cannot be handled exactly by double-precision solvers.
MAX_AMOUNT = 10 ** 15

_TOP_KEYS = {"format", "version", "budget", "rules", "proposals", "result"}
_TOP_KEYS_V2 = _TOP_KEYS | {"groups", "stunted_children"}
_RULE_KEYS = {"category_min_share", "category_max_share", "location_max_share",
              "packages_required", "target_groups_required"}
_PROPOSAL_KEYS = {"id", "name", "unit_cost", "fixed_cost", "min_units", "max_units",
                  "impact_per_unit", "category", "package", "target_group", "location", "lock",
                  "requires", "excludes"}
_PROPOSAL_KEYS_V2 = _PROPOSAL_KEYS | {"units_per_course", "whole_courses", "effect",
                                      "already_reached", "enabling"}
_EFFECT_LEVELS = ("low", "central", "high")


class PlanError(ValueError):
    """An invalid plan. `code` + `params` (with `where`, usually `field`) say what and where."""

    def __init__(self, code: str, **params):
        self.code = code
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str = "id") -> str:
        return render(self.code, self.params, lang)

    @property
    def field(self) -> Optional[str]:
        return self.params.get("field")

    @property
    def proposal_id(self) -> Optional[str]:
        return self.params.get("proposal_id")

    def to_dict(self) -> dict:
        return {"code": self.code, "params": _jsonable(self.params),
                "text": {"id": self.message("id"), "en": self.message("en")}}


def _jsonable(params):
    return {k: (v if isinstance(v, (str, int, float, bool, type(None), list)) else repr(v))
            for k, v in params.items()}


def _show(value) -> str:
    return json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else f'"{value}"'


def _integer(value, where, field, *, minimum=0, extra=None):
    params = dict(where=where, field=field, value=_show(value), **(extra or {}))
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise PlanError("not_integer", **params)
    if isinstance(value, float):
        if not math.isfinite(value) or value != int(value):
            raise PlanError("not_integer", **params)
        value = int(value)
    if value < minimum:
        raise PlanError("negative" if minimum == 0 else "below_minimum", minimum=minimum, **params)
    if value > MAX_AMOUNT:
        raise PlanError("too_large", limit=MAX_AMOUNT, **params)
    return value


def _number(value, where, field, extra=None):
    params = dict(where=where, field=field, value=_show(value), **(extra or {}))
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise PlanError("not_number", **params)
    if isinstance(value, float) and not math.isfinite(value):
        raise PlanError("not_number", **params)
    if value < 0:
        raise PlanError("negative", **params)
    if value > MAX_AMOUNT:
        raise PlanError("too_large", limit=MAX_AMOUNT, **params)
    return value


def _share(value, where, field):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (
            isinstance(value, float) and not math.isfinite(value)):
        raise PlanError("not_number", where=where, field=field, value=_show(value))
    if not 0 <= value <= 1:
        raise PlanError("share_range", where=where, field=field, value=_show(value))
    return value


def _text(value, where, field, *, required=False, extra=None):
    if value is None and not required:
        return ""
    params = dict(where=where, field=field, value=_show(value), **(extra or {}))
    if not isinstance(value, str):
        raise PlanError("not_string", **params)
    if required and not value.strip():
        raise PlanError("empty", **params)
    return value


def _text_list(value, where, field, extra=None):
    if value is None:
        return ()
    if not isinstance(value, list):
        raise PlanError("not_list", where=where, field=field, value=_show(value), **(extra or {}))
    out = []
    for i, item in enumerate(value):
        item = _text(item, where, f"{field}[{i}]", required=True, extra=extra)
        if item not in out:
            out.append(item)
    return tuple(out)


def load_plan(data: Any) -> Plan:
    """Decoded plan file -> validated `Plan`. Raises PlanError (see module docstring)."""
    if not isinstance(data, dict):
        raise PlanError("not_object", where="plan", value=_show(data))
    if "format" in data and data["format"] != FORMAT:
        raise PlanError("wrong_format", where="format", field="format",
                        value=_show(data["format"]))
    if "version" in data and (isinstance(data["version"], bool) or data["version"] not in VERSIONS):
        raise PlanError("unsupported_version", where="version", field="version",
                        value=_show(data["version"]))
    # Version 2 when the file says so, or says nothing and describes its groups.
    version = data.get("version", 2 if "groups" in data else 1)
    version = int(version)
    if "budget" not in data:
        raise PlanError("missing", where="plan", field="budget")
    budget = _integer(data["budget"], "budget", "budget")
    rules = _load_rules(data.get("rules") or {})
    raw = data.get("proposals")
    if raw is None:
        raise PlanError("missing", where="plan", field="proposals")
    if not isinstance(raw, list):
        raise PlanError("not_list", where="plan", field="proposals", value=_show(raw))
    groups, stunted = {}, None
    if version >= 2:
        groups = _load_groups(data.get("groups"))
        if data.get("stunted_children") is not None:
            stunted = float(_number(data["stunted_children"], "stunted_children",
                                    "stunted_children"))
    proposals = tuple(_load_proposal(item, k, version, groups) for k, item in enumerate(raw))
    keys = _TOP_KEYS_V2 if version >= 2 else _TOP_KEYS
    extra = {k: v for k, v in data.items() if k not in keys}
    plan = Plan(budget=budget, proposals=proposals, rules=rules, extra=extra, version=version,
                groups=groups, stunted_children=stunted)
    validate_plan(plan)
    return plan


def _load_groups(raw) -> dict:
    """Version 2 "groups": {name: {"population": N >= 0, "baseline_risk": b in [0, 1],
    "source": text}}; other keys of a group are kept."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise PlanError("not_object", where="groups", field="groups", value=_show(raw))
    groups = {}
    for name, group in raw.items():
        where = f'groups["{name}"]'
        if not isinstance(group, dict):
            raise PlanError("not_object", where=where, field=name, value=_show(group))
        for key in ("population", "baseline_risk"):
            if key not in group:
                raise PlanError("missing", where=where, field=key)
        population = _number(group["population"], where, "population")
        risk = _share(group["baseline_risk"], where, "baseline_risk")
        source = _text(group.get("source"), where, "source")
        groups[str(name)] = {**group, "population": population, "baseline_risk": risk,
                             "source": source}
    return groups


def _boolean(value, where, field, extra):
    if not isinstance(value, bool):
        raise PlanError("not_boolean", where=where, field=field, value=_show(value), **extra)
    return value


def _load_effect(raw, where, ctx) -> dict:
    """{"low", "central", "high"}: relative risk reductions in [0, 1], low <= central <= high."""
    if not isinstance(raw, dict):
        raise PlanError("not_object", where=where, field="effect", value=_show(raw), **ctx)
    for key in raw:
        if key not in _EFFECT_LEVELS:
            raise PlanError("unknown_effect_level", where=where, field=f"effect.{key}", **ctx)
    effect = {}
    for level in _EFFECT_LEVELS:
        if level not in raw:
            raise PlanError("missing", where=where, field=f"effect.{level}", **ctx)
        effect[level] = float(_share(raw[level], where, f"effect.{level}"))
    if not effect["low"] <= effect["central"] <= effect["high"]:
        raise PlanError("effect_order", where=where, field="effect", low=effect["low"],
                        central=effect["central"], high=effect["high"], **ctx)
    return effect


def _load_rules(raw) -> Rules:
    if not isinstance(raw, dict):
        raise PlanError("not_object", where="rules", field="rules", value=_show(raw))
    for key in raw:
        if key not in _RULE_KEYS:
            raise PlanError("unknown_rule", where="rules", field=key)
    shares = {}
    for name in ("category_min_share", "category_max_share"):
        value = raw.get(name) or {}
        if not isinstance(value, dict):
            raise PlanError("not_object", where=f"rules.{name}", field=name, value=_show(value))
        shares[name] = {str(cat): _share(s, f"rules.{name}.{cat}", name)
                        for cat, s in value.items()}
    location = raw.get("location_max_share")
    if location is not None:
        location = _share(location, "rules.location_max_share", "location_max_share")
    return Rules(
        category_min_share=shares["category_min_share"],
        category_max_share=shares["category_max_share"],
        location_max_share=location,
        packages_required=_text_list(raw.get("packages_required"), "rules", "packages_required"),
        target_groups_required=_text_list(raw.get("target_groups_required"), "rules",
                                          "target_groups_required"),
    )


def _where(k, pid=None):
    return f'proposals[{k}] (id "{pid}")' if pid else f"proposals[{k}]"


def _load_proposal(raw, k, version=1, groups=None) -> Proposal:
    if not isinstance(raw, dict):
        raise PlanError("not_object", where=_where(k), value=_show(raw))
    if "id" not in raw:
        raise PlanError("missing", where=_where(k), field="id")
    pid = _text(raw["id"], _where(k), "id", required=True)
    where = _where(k, pid)
    ctx = {"proposal_id": pid, "index": k}
    required = ("unit_cost", "max_units", "impact_per_unit") if version < 2 else (
        "unit_cost", "max_units")
    for name in required:
        if name not in raw:
            raise PlanError("missing", where=where, field=name, **ctx)
    unit_cost = _integer(raw["unit_cost"], where, "unit_cost", extra=ctx)
    fixed_cost = _integer(raw.get("fixed_cost", 0) or 0, where, "fixed_cost", extra=ctx)
    min_units = _integer(raw.get("min_units", 1), where, "min_units", extra=ctx)
    max_units = _integer(raw["max_units"], where, "max_units", extra=ctx)
    impact = _number(raw.get("impact_per_unit", 0) or 0, where, "impact_per_unit", extra=ctx)
    lock = raw.get("lock")
    if isinstance(lock, dict):
        if set(lock) != {"units"}:
            raise PlanError("bad_lock", where=where, field="lock", value=_show(lock), **ctx)
        lock = _integer(lock["units"], where, "lock.units", extra=ctx)
    elif lock not in (None, LOCK_IN, LOCK_OUT):
        raise PlanError("bad_lock", where=where, field="lock", value=_show(lock), **ctx)
    v2 = {}
    if version >= 2:
        v2 = _load_v2_fields(raw, where, ctx, groups or {}, impact)
    keys = _PROPOSAL_KEYS_V2 if version >= 2 else _PROPOSAL_KEYS
    return Proposal(
        id=pid,
        name=_text(raw.get("name"), where, "name", extra=ctx),
        unit_cost=unit_cost, fixed_cost=fixed_cost, min_units=min_units, max_units=max_units,
        impact_per_unit=impact,
        category=_text(raw.get("category"), where, "category", extra=ctx),
        package=_text(raw.get("package"), where, "package", extra=ctx),
        target_group=_text(raw.get("target_group"), where, "target_group", extra=ctx),
        location=_text(raw.get("location"), where, "location", extra=ctx),
        lock=lock,
        requires=_text_list(raw.get("requires"), where, "requires", extra=ctx),
        excludes=_text_list(raw.get("excludes"), where, "excludes", extra=ctx),
        extra={key: v for key, v in raw.items() if key not in keys},
        **v2,
    )


def _load_v2_fields(raw, where, ctx, groups, impact) -> dict:
    """units_per_course, whole_courses, effect, already_reached, enabling (docs/optimizer.md)."""
    per_course = _number(raw.get("units_per_course", 1), where, "units_per_course", extra=ctx)
    whole = _boolean(raw.get("whole_courses", False), where, "whole_courses", ctx)
    if per_course <= 0:
        raise PlanError("below_minimum", where=where, field="units_per_course", minimum="> 0",
                        value=_show(per_course), **ctx)
    if per_course == int(per_course):
        per_course = int(per_course)        # 56.0 from a database column is 56
    elif whole:
        # whole courses are whole multiples of whole units
        raise PlanError("not_integer", where=where, field="units_per_course",
                        value=_show(per_course), **ctx)
    enabling = _boolean(raw.get("enabling", False), where, "enabling", ctx)
    effect = raw.get("effect")
    if effect is not None:
        effect = _load_effect(effect, where, ctx)
        group = raw.get("target_group")
        if group not in groups:
            raise PlanError("effect_unknown_group", where=where, field="target_group",
                            value=_show(group), **ctx)
        if enabling:
            raise PlanError("enabling_with_effect", where=where, field="effect", **ctx)
    elif enabling and impact:
        raise PlanError("enabling_with_effect", where=where, field="impact_per_unit", **ctx)
    reached = _number(raw.get("already_reached", 0) or 0, where, "already_reached", extra=ctx)
    group = groups.get(raw.get("target_group"))
    if reached and group is not None and reached > group["population"]:
        raise PlanError("reached_beyond_population", where=where, field="already_reached",
                        value=_show(reached), population=group["population"], **ctx)
    return {"units_per_course": per_course, "whole_courses": whole, "effect": effect,
            "already_reached": reached, "enabling": enabling}


def validate_plan(plan: Plan) -> None:
    """Check the cross-field rules of a `Plan` (however it was built). Raises PlanError.

    Field-level types are checked by `load_plan`; this repeats the checks that matter when the web
    layer builds a Plan itself: unique non-empty ids, whole non-negative money and units,
    1 <= max_units, min_units <= max_units, shares in [0, 1], lock form and range, references.
    """
    if isinstance(plan.budget, bool) or not isinstance(plan.budget, int) or plan.budget < 0:
        raise PlanError("not_integer" if not isinstance(plan.budget, int) else "negative",
                        where="budget", field="budget", value=_show(plan.budget))
    for name in ("category_min_share", "category_max_share"):
        for cat, share in getattr(plan.rules, name).items():
            _share_value(share, f"rules.{name}.{cat}", name)
    if plan.rules.location_max_share is not None:
        _share_value(plan.rules.location_max_share, "rules.location_max_share",
                     "location_max_share")
    seen = {}
    for k, p in enumerate(plan.proposals):
        if not isinstance(p.id, str) or not p.id.strip():
            raise PlanError("empty", where=_where(k), field="id", value=_show(p.id))
        where = _where(k, p.id)
        ctx = {"proposal_id": p.id, "index": k}
        if p.id in seen:
            raise PlanError("duplicate_id", where=where, field="id", value=p.id,
                            other=seen[p.id], **ctx)
        seen[p.id] = k
        for name in ("unit_cost", "fixed_cost", "min_units", "max_units"):
            value = getattr(p, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise PlanError("not_integer", where=where, field=name, value=_show(value), **ctx)
            if value < 0:
                raise PlanError("negative", where=where, field=name, value=_show(value), **ctx)
            if value > MAX_AMOUNT:
                raise PlanError("too_large", where=where, field=name, value=_show(value),
                                limit=MAX_AMOUNT, **ctx)
        if p.max_units < 1:
            raise PlanError("max_units_zero", where=where, field="max_units", **ctx)
        if p.min_units > p.max_units:
            raise PlanError("min_gt_max", where=where, field="min_units",
                            min_units=p.min_units, max_units=p.max_units, **ctx)
        try:
            impact = exact(p.impact_per_unit)
        except (TypeError, ValueError):
            raise PlanError("not_number", where=where, field="impact_per_unit",
                            value=_show(p.impact_per_unit), **ctx) from None
        if impact < 0:
            raise PlanError("negative", where=where, field="impact_per_unit",
                            value=_show(p.impact_per_unit), **ctx)
        lock = p.lock
        if lock not in (None, LOCK_IN, LOCK_OUT):
            if isinstance(lock, bool) or not isinstance(lock, int):
                raise PlanError("bad_lock", where=where, field="lock", value=_show(lock), **ctx)
            if lock != 0 and not p.low_units <= lock <= p.max_units:
                raise PlanError("lock_units_range", where=where, field="lock", value=lock,
                                min_units=p.min_units, max_units=p.max_units, **ctx)
            if lock % p.step:
                raise PlanError("lock_not_whole", where=where, field="lock", value=lock,
                                units_per_course=p.units_per_course, **ctx)
        if p.whole_courses and p.max_units < p.units_per_course:
            raise PlanError("max_below_course", where=where, field="max_units",
                            max_units=p.max_units, units_per_course=p.units_per_course, **ctx)
    for k, p in enumerate(plan.proposals):
        where = _where(k, p.id)
        ctx = {"proposal_id": p.id, "index": k}
        for name in ("requires", "excludes"):
            for other in getattr(p, name):
                if other == p.id:
                    raise PlanError("self_reference", where=where, field=name, value=other,
                                    **ctx)
                if other not in seen:
                    raise PlanError("unknown_reference", where=where, field=name, value=other,
                                    **ctx)


def _share_value(value, where, field):
    try:
        share = exact(value)
    except (TypeError, ValueError):
        raise PlanError("not_number", where=where, field=field, value=_show(value)) from None
    if not 0 <= share <= 1:
        raise PlanError("share_range", where=where, field=field, value=_show(value))


def _plain_number(value):
    if isinstance(value, Fraction):
        return int(value) if value.denominator == 1 else float(value)
    return value


def dump_plan(plan: Plan, result: Optional[Result] = None) -> dict:
    """`Plan` (and optionally its `Result`) -> plan-file dict, format and version included.

    Extra fields are written back; a known field always wins over an extra one of the same name.
    """
    rules = plan.rules
    out = dict(plan.extra)
    out.update({
        "format": FORMAT,
        "version": plan.version,
        "budget": plan.budget,
        "rules": {
            "category_min_share": {c: _plain_number(s)
                                   for c, s in rules.category_min_share.items()},
            "category_max_share": {c: _plain_number(s)
                                   for c, s in rules.category_max_share.items()},
            "location_max_share": _plain_number(rules.location_max_share),
            "packages_required": list(rules.packages_required),
            "target_groups_required": list(rules.target_groups_required),
        },
        "proposals": [_dump_proposal(p, plan.version) for p in plan.proposals],
    })
    if plan.version >= 2:
        out["groups"] = {name: dict(group) for name, group in plan.groups.items()}
        if plan.stunted_children is not None:
            out["stunted_children"] = plan.stunted_children
    if result is not None:
        out["result"] = result_to_dict(result)
    return out


def _dump_proposal(p: Proposal, version: int = 1) -> dict:
    out = dict(p.extra)
    lock = p.lock
    if isinstance(lock, int) and not isinstance(lock, bool):
        lock = {"units": lock}
    out.update({
        "id": p.id, "name": p.name, "unit_cost": p.unit_cost, "fixed_cost": p.fixed_cost,
        "min_units": p.min_units, "max_units": p.max_units,
        "impact_per_unit": _plain_number(p.impact_per_unit),
        "category": p.category, "package": p.package, "target_group": p.target_group,
        "location": p.location, "lock": lock,
        "requires": list(p.requires), "excludes": list(p.excludes),
    })
    if version >= 2:
        out.update({"units_per_course": p.units_per_course, "whole_courses": p.whole_courses,
                    "already_reached": _plain_number(p.already_reached), "enabling": p.enabling})
        if p.effect is not None:
            out["effect"] = dict(p.effect)
    return out
