"""Read API v1 (JSON), scoped like the UI. Documented in docs/api.md and docs/openapi.json, which is
also served at /api/v1/openapi.json.

Errors are JSON too: 401 without a valid token or session, 404 for anything outside the
user's scope (its existence is never revealed), 400 naming a bad parameter.
"""
from functools import lru_cache

from flask import Blueprint, abort, current_app, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from ..access import get_region_or_404
from ..activity_names import activity_label, activity_labels
from ..config import BASE_DIR
from ..domain import PACKAGES, TARGET_GROUPS
from ..errors import _api_error
from ..extensions import login_manager
from ..models.plan import TARGET_FIELDS
from ..models.region import CODE_PATTERNS, level_of_code
from ..services import commitments as commitment_service
from ..services import aks, convergence, oversight, realisation
from ..services import regions as region_service
from ..services.plan_state import plan_state
from ..services.plans import parse_year, plan_for_year
from .auth import user_from_header

bp = Blueprint("api", __name__, url_prefix="/api/v1")
MAX_LIMIT = 500


@login_manager.request_loader
def _load_user_from_request(req):
    """Bearer tokens count only on API paths; pages keep using the session."""
    if req.path.startswith("/api/"):
        return user_from_header()
    return None


@bp.before_request
def _authenticate():
    if request.endpoint == "api.spec":
        return None     # the description of the API is public; every answer with data needs a user
    if not current_user.is_authenticated:
        return _error(401, "unauthorized", _("Masuk dulu, atau kirim token API di header Authorization: Bearer …"))
    return None


def _error(status, code, message, parameter=None):
    body = {"error": {"code": code, "message": message}}
    if parameter:
        body["error"]["parameter"] = parameter
    return jsonify(body), status


def _http_error(exc):
    return _api_error(getattr(exc, "code", None) or 500, exc)


# By code, not by class: the app's own page handlers for 404 etc. would otherwise win.
for _code in (400, 401, 403, 404, 405, 500):
    bp.register_error_handler(_code, _http_error)


class BadParameter(Exception):
    def __init__(self, parameter, message):
        super().__init__(message)
        self.parameter, self.message = parameter, message


@bp.errorhandler(BadParameter)
def _bad_parameter(exc):
    return _error(400, "bad_parameter", exc.message, exc.parameter)


def _year(required=True):
    text = request.args.get("year")
    if text is None and not required:
        return None
    year = parse_year(text)
    if year is None:
        raise BadParameter("year", _("Isi tahun anggaran yang sah, misalnya year=2027."))
    return year


def _int_arg(name, default, low, high):
    text = request.args.get(name)
    if text is None:
        return default
    try:
        value = int(text)
    except ValueError:
        raise BadParameter(name, _("Harus bilangan bulat."))
    if not low <= value <= high:
        raise BadParameter(name, _("Harus antara %(low)s dan %(high)s.", low=low, high=high))
    return value


def _region_json(region):
    data = {"code": region.code, "name": region.name, "level": region.level}
    return data


def _flags(row):
    return [{"code": f.code, "label": f.label, "detail": f.detail, "severity": f.severity} for f in row.flags]


def _quarters(row):
    """Per quarter: spent as reported (null: not reported by today) and the expected cumulative spending."""
    if row is None or not row.committed:
        return {"spent": [None] * 4, "expected_cumulative": [None] * 4, "last_reported": None}
    return {"spent": list(row.quarters), "expected_cumulative": [round(v) for v in row.expected],
            "last_reported": row.last_reported}


def _totals_json(total):
    return {"villages": total.villages, "with_plan": total.with_plan, "committed_villages": total.committed_villages,
            "pagu": total.pagu, "stunting_budget": total.stunting_budget, "committed": total.committed,
            "spent": total.spent, "quarters": list(total.quarters), "reported_villages": list(total.reported),
            "expected_cumulative": [round(v) for v in total.expected], "stunted_children": total.stunted_children,
            "flagged_villages": total.flagged_villages, "attention_villages": total.attention_villages,
            "flags": total.flags}


def _village_json(r):
    return {
        "code": r.code, "name": r.name, "kecamatan": r.kecamatan_code, "status": r.status,
        "status_label": str(oversight.STATUSES[r.status]),
        "priority": r.priority, "pagu": r.pagu if r.plan_id else None,
        "stunting_budget": r.stunting_budget if r.plan_id else None, "stunting_share": r.stunting_share,
        "committed": r.committed, "commitment_version": r.commitment_version, "spent": r.spent,
        "spent_share": r.spent_share, "quarters": _quarters(r), "packages": sorted(r.packages & set(PACKAGES)),
        "packages_count": r.packages_count, "target_groups": sorted(r.groups & set(TARGET_GROUPS)),
        "stunted_children": r.stunted_children, "needs_attention": r.needs_attention, "flags": _flags(r)}


# --- Villages ------------------------------------------------------------------------------------------------

@bp.route("/villages/<code>/plans/<int:year>")
def village_plan(code, year):
    desa = get_region_or_404(code, level="desa")
    plan = plan_for_year(desa, year)
    if plan is None:
        abort(404)
    kecamatan = desa.parent
    rows = oversight.village_rows(desa, year)
    row = rows[0] if rows else None
    latest = plan.latest_commitment
    activities = []
    if latest is not None:
        realised = realisation.by_activity(plan)
        for activity in _activities_json(commitment_service.activities(latest)):
            activities.append({**activity, "realisation": [
                {"quarter": entry.quarter, "spent": entry.spent, "units_delivered": entry.units_delivered}
                for entry in realised.get(activity["key"], [])]})
    return jsonify({
        "village": {**_region_json(desa), "kecamatan": _region_json(kecamatan),
                    "kabupaten": _region_json(kecamatan.parent)},
        "plan": {
            "id": plan.id, "year": plan.year, "status": plan_state(plan),
            "status_label": str(oversight.STATUSES[plan_state(plan)]),
            "pagu": plan.pagu, "earmark_koperasi": plan.earmark_koperasi, "earmark_blt": plan.earmark_blt,
            "earmark_pangan": plan.earmark_pangan, "earmark_operasional": plan.earmark_operasional,
            "earmark_other": plan.earmark_other, "stunting_budget": plan.stunting_budget,
            "pagu_add": plan.pagu_add or 0,
            "apbdes_pembangunan": plan.apbdes_pembangunan, "apbdes_pemberdayaan": plan.apbdes_pemberdayaan,
            "targets": {f: plan.target_count(f) for f in TARGET_FIELDS},
            "balita_measured": plan.balita_measured, "stunted_children": plan.stunted_children,
        },
        "proposals": [{
            "id": p.id, "name": p.name, "category": p.category, "package": p.package, "target_group": p.target_group,
            "unit": p.unit or "", "unit_cost": p.unit_cost, "fixed_cost": p.fixed_cost, "min_units": p.min_units,
            "max_units": p.max_units, "apbdes_code": p.apbdes_code or "", "location": p.location or "",
            "proposer": p.proposer or "", "implementer": p.implementer or "", "funding_source": p.funding_source or "dd",
            "months": list(p.months or [])} for p in sorted(plan.proposals, key=lambda p: p.id)],
        "commitments": [{
            "version": c.version, "committed_at": c.committed_at.isoformat(), "total_cost": c.total_cost,
            "total_impact": c.total_impact, "content_hash": c.content_hash, "hash_valid": commitment_service.verify(c),
            "reason": c.reason or ""} for c in plan.commitments],
        "activities": activities,
        "quarters": _quarters(row) if row else _quarters(None),
        "flags": _flags(row) if row else [],
    })


@bp.route("/villages/<code>/aks-recommendations")
def village_aks(code):
    """A village's AKS recommendations (counts only), and for `?year=` the plan of that year's answer to
    each: funded / not_funded / proposed / none (services.aks)."""
    desa = get_region_or_404(code, level="desa")
    year = _year(required=False)
    plan = plan_for_year(desa, year) if year else None
    statuses = {s.recommendation.id: s for s in aks.plan_statuses(plan)} if plan is not None else {}
    items = []
    for r in aks.recommendations_of(desa):
        s = statuses.get(r.id)
        items.append({
            "id": r.id, "year": r.year, "semester": r.semester, "intervention": r.intervention,
            "catalogue_code": r.catalogue_item.code if r.catalogue_item else None, "target_group": r.target_group,
            "count": r.count, "count_unit": r.count_unit, "responsible": r.responsible,
            "due": r.due.isoformat() if r.due else None,
            "plan_status": s.status if s is not None else None,
            "proposals": [p.id for p in s.proposals] if s is not None else [],
        })
    return jsonify({"village": _region_json(desa), "plan_year": year, "plan_id": plan.id if plan else None,
                    "recommendations": items})


def _activity_json(a, label=None):
    return {"key": a.key, "name": a.name, "label": label or activity_label(a.name, a.location),
            "location": a.location or "", "apbdes_code": a.apbdes_code, "package": a.package,
            "category": a.category, "target_group": a.target_group, "units": a.units, "unit": a.unit,
            "unit_cost": a.unit_cost, "cost": a.cost, "implementer": a.implementer or "",
            "funding_source": a.funding_source or "dd", "months": list(a.months or [])}


def _activities_json(rows) -> list:
    """Activities with labels that tell the same activity in the same place apart."""
    rows = list(rows)
    labels = activity_labels(rows, name=lambda a: a.name, location=lambda a: a.location)
    return [_activity_json(a, label) for a, label in zip(rows, labels)]


# --- Kecamatan summary ----------------------------------------------------------------------------------------

@bp.route("/kecamatan/<code>/summary")
def kecamatan_summary(code):
    region = get_region_or_404(code, level="kecamatan")
    year = _year()
    rows = oversight.village_rows(region, year)
    return jsonify({
        "kecamatan": {**_region_json(region), "kabupaten": _region_json(region.parent)},
        "year": year,
        "totals": _totals_json(oversight.totals(rows)),
        "villages": [_village_json(r) for r in rows],
    })


# --- Kabupaten summary ------------------------------------------------------------------------------------------

@bp.route("/kabupaten/<code>/summary")
def kabupaten_summary(code):
    """The kabupaten dashboard as data: totals, one entry per kecamatan, and the villages needing attention."""
    region = get_region_or_404(code, level="kabupaten")
    year = _year()
    rows = oversight.village_rows(region, year)
    return jsonify({
        "kabupaten": _region_json(region),
        "year": year,
        "totals": _totals_json(oversight.totals(rows)),
        "kecamatan": [{"code": k.code, "name": k.name, **_totals_json(k)} for k in oversight.kecamatan_rows(rows)],
        "attention": [_village_json(r) for r in oversight.needing_attention(rows)],
    })


# --- Regions ------------------------------------------------------------------------------------------------

@bp.route("/regions")
def regions():
    """The regions the user sees (their own and everything inside it), by code; `parent` narrows
    to the children of one region, `level` to one level. Paginated like /commitments."""
    limit = _int_arg("limit", 100, 1, MAX_LIMIT)
    offset = _int_arg("offset", 0, 0, 10 ** 9)
    level = request.args.get("level")
    if level is not None and level not in CODE_PATTERNS:
        raise BadParameter("level", _("Pilih kabupaten, kecamatan atau desa."))
    parent_code = request.args.get("parent")
    parent = None
    if parent_code is not None:
        if level_of_code(parent_code) is None:
            raise BadParameter("parent", _("Kode wilayah seperti 35.17 atau 35.17.09."))
        parent = get_region_or_404(parent_code)
    total, page, parents = region_service.visible_regions(current_user, parent, level, limit, offset)
    return jsonify({"total": total, "limit": limit, "offset": offset,
                    "regions": [{**_region_json(r), "parent": parents.get(r.parent_id)} for r in page]})


# --- The specification ----------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _spec_text():
    return (BASE_DIR / "docs" / "openapi.json").read_text(encoding="utf-8")


@bp.route("/openapi.json")
def spec():
    """This API's OpenAPI 3.1 description (docs/openapi.json), for clients and validators."""
    return current_app.response_class(_spec_text(), mimetype="application/json")


# --- Commitments -----------------------------------------------------------------------------------------------

@bp.route("/commitments")
def commitments():
    year = _year()
    code = request.args.get("kecamatan")
    if code:
        if not CODE_PATTERNS["kecamatan"].match(code):
            raise BadParameter("kecamatan", _("Kode kecamatan seperti 35.17.09."))
        region = get_region_or_404(code, level="kecamatan")
    elif current_user.role == "admin":
        region = current_user.region
    else:
        raise BadParameter("kecamatan", _("Isi kode kecamatan, misalnya kecamatan=35.17.09."))
    limit = _int_arg("limit", 100, 1, MAX_LIMIT)
    offset = _int_arg("offset", 0, 0, 10 ** 9)
    total, page, by_commitment = oversight.latest_commitments(region, year, limit, offset)
    activities = {cid: _activities_json(rows) for cid, rows in by_commitment.items()}
    return jsonify({
        "year": year, "region": _region_json(region), "total": total, "limit": limit, "offset": offset,
        "commitments": [{
            "village": {"code": desa.code, "name": desa.name}, "version": c.version,
            "committed_at": c.committed_at.isoformat(), "content_hash": c.content_hash, "total_cost": c.total_cost,
            "total_impact": c.total_impact, "activities": activities.get(c.id, [])} for c, desa in page],
    })


# --- Convergence scorecards --------------------------------------------------------------------------------------

def _level_json(level):
    if level is None:
        return None
    return {"received": level.received, "should": level.should, "rate": level.rate}


def _scorecard_json(card):
    levels = convergence.card_levels(card)
    pairs = convergence.pairs_of(card)
    return {
        "year": card.year, "quarter": card.quarter, "source": card.source,
        "updated_at": card.updated_at.isoformat(),
        "targets": {name: getattr(card, name) for name, _label, _part in convergence.TABLE1},
        "growth_mat": {name.removeprefix("tikar_"): getattr(card, name) for name, _label in convergence.TABLE2},
        "indicators": [{"code": i.code, "group": i.group, "package": i.package, "label": str(i.label),
                        "should": pairs.get(i.code, (0, 0))[0], "received": pairs.get(i.code, (0, 0))[1],
                        "rate": convergence.Level(pairs.get(i.code, (0, 0))[1], pairs.get(i.code, (0, 0))[0]).rate}
                       for i in convergence.INDICATORS],
        "levels": {"groups": {g: _level_json(l) for g, l in levels.groups.items()},
                   "overall": _level_json(levels.overall)},
    }


@bp.route("/villages/<code>/convergence")
def village_convergence(code):
    """A village's Scorecard Konvergensi Desa, every quarter stored (of `year` when given), oldest first;
    the levels (table 4) are computed, never stored."""
    desa = get_region_or_404(code, level="desa")
    year = _year(required=False)
    cards = convergence.scorecards(desa, year)
    kecamatan = desa.parent
    return jsonify({
        "village": {**_region_json(desa), "kecamatan": _region_json(kecamatan),
                    "kabupaten": _region_json(kecamatan.parent)},
        "year": year,
        "lag_below": convergence.LAG_BELOW,
        "quarters": [_scorecard_json(card) for card in cards],
    })


@bp.route("/kecamatan/<code>/convergence")
def kecamatan_convergence(code):
    """Each village's overall tingkat konvergensi per quarter of `year` (null: no scorecard that quarter)."""
    region = get_region_or_404(code, level="kecamatan")
    year = _year()
    rows = convergence.region_quarters(region, year)
    return jsonify({
        "kecamatan": {**_region_json(region), "kabupaten": _region_json(region.parent)},
        "year": year,
        "villages": [{"code": row.code, "name": row.name, "quarters": [_level_json(l) for l in row.quarters]}
                     for row in rows],
    })
