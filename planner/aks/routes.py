"""Audit Kasus Stunting per village: findings and recommendations (counts only), entered by the
kabupaten or kecamatan, imported from a recap XLSX, read by the village.

Scope: every page goes through `get_region_or_404` (404 outside the user's region); entering and
deleting is for kabupaten admins and kecamatan officers of the village's region (403 for the
village's operator, who reads its own).
"""
import io

from flask import Blueprint, abort, flash, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import get_region_or_404, in_scope
from ..extensions import db
from ..htmx import see_other
from ..models import AksFinding, AksRecommendation
from ..services import ServiceError
from ..services import aks as service
from ..services.catalogue import catalogue_items
from ..services.plans import default_plan_year, plan_for_year
from .forms import FindingForm, ImportForm, RecommendationForm

bp = Blueprint("aks", __name__)

_FIELD = {"catalogue_item_id": "catalogue_item"}


def _apply(error, form):
    error.errors = {_FIELD.get(name, name): messages for name, messages in error.errors.items()}
    error.apply_to(form)


def _apply_unchecked(error, form):
    """The service's messages for the fields the form's own checks passed (one message per field)."""
    error.errors = {_FIELD.get(k, k): v for k, v in error.errors.items()}
    error.errors = {k: v for k, v in error.errors.items() if k in form._fields and not form[k].errors}
    error.apply_to(form)


def _forms(desa, finding_form=None, recommendation_form=None):
    year = default_plan_year() - 1
    finding_form = finding_form or FindingForm(formdata=None, year=year, semester="2")
    recommendation_form = recommendation_form or RecommendationForm(formdata=None, year=year, semester="2")
    recommendation_form.set_catalogue(catalogue_items(desa.kabupaten, active_only=True))
    return finding_form, recommendation_form


def _page(desa, finding_form=None, recommendation_form=None, status=200):
    can_enter = service.can_enter(current_user, desa)
    finding_form, recommendation_form = _forms(desa, finding_form, recommendation_form)
    periods = service.audit_periods(desa)
    findings = service.findings_of(desa)
    recommendations = service.recommendations_of(desa)
    # What the village's plans do with each recommendation (the plan of the year after the audit,
    # or of the same year).
    statuses = {}
    plans = {}
    for year in sorted({r.year for r in recommendations} | {r.year + 1 for r in recommendations}):
        plan = plan_for_year(desa, year)
        if plan is not None:
            plans[year] = plan
            for s in service.plan_statuses(plan):
                statuses.setdefault(s.recommendation.id, []).append((plan, s))
    own = current_user.role == "desa" and current_user.region_id == desa.id
    return render_template("aks/village.html", desa=desa, periods=periods, findings=findings,
                           recommendations=recommendations, statuses=statuses, plans=plans, own=own,
                           can_enter=can_enter, finding_form=finding_form,
                           recommendation_form=recommendation_form, semester_label=service.semester_label), status


@bp.route("/wilayah/<code>/aks")
def village(code):
    """A village's audit results by semester, and what its plans do with each recommendation."""
    desa = get_region_or_404(code, level="desa")
    return _page(desa)


def _require_enter(desa):
    if not service.can_enter(current_user, desa):
        abort(403)


@bp.route("/wilayah/<code>/aks/temuan", methods=["POST"])
def add_finding(code):
    desa = get_region_or_404(code, level="desa")
    _require_enter(desa)
    form = FindingForm()
    if form.validate_on_submit():
        try:
            service.add_finding(desa, current_user, form.values())
        except ServiceError as error:
            _apply(error, form)
        else:
            flash(_("Temuan AKS tersimpan."), "success")
            return see_other(url_for("aks.village", code=desa.code) + "#temuan")
    else:
        try:
            service.check_finding(form.values())
        except ServiceError as error:
            _apply_unchecked(error, form)
    return _page(desa, finding_form=form, status=422)


@bp.route("/wilayah/<code>/aks/rekomendasi", methods=["POST"])
def add_recommendation(code):
    desa = get_region_or_404(code, level="desa")
    _require_enter(desa)
    form = RecommendationForm()
    form.set_catalogue(catalogue_items(desa.kabupaten, active_only=True))
    if form.validate_on_submit():
        try:
            service.add_recommendation(desa, current_user, form.values())
        except ServiceError as error:
            _apply(error, form)
        else:
            flash(_("Rekomendasi AKS tersimpan."), "success")
            return see_other(url_for("aks.village", code=desa.code) + "#rekomendasi")
    else:
        try:
            service.check_recommendation(form.values(), desa.kabupaten)
        except ServiceError as error:
            _apply_unchecked(error, form)
    return _page(desa, recommendation_form=form, status=422)


def _scoped(model, record):
    obj = db.session.get(model, record)
    if obj is None or not in_scope(current_user, obj.desa):
        abort(404)
    _require_enter(obj.desa)
    return obj


@bp.route("/aks/rekomendasi/<int:recommendation_id>/ubah", methods=["GET", "POST"])
def edit_recommendation(recommendation_id):
    """Correct a recommendation. 403 for the village, 404 outside scope; 422 with the messages."""
    recommendation = _scoped(AksRecommendation, recommendation_id)
    desa = recommendation.desa
    form = RecommendationForm(formdata=None if request.method == "GET" else request.form,
                              obj=recommendation if request.method == "GET" else None)
    form.set_catalogue(catalogue_items(desa.kabupaten, active_only=True))
    if request.method == "GET":
        form.semester.data = str(recommendation.semester)
        form.catalogue_item.data = str(recommendation.catalogue_item_id or "")
    elif form.validate_on_submit():
        try:
            service.update_recommendation(recommendation, current_user, form.values())
        except ServiceError as error:
            _apply(error, form)
        else:
            flash(_("Rekomendasi AKS tersimpan."), "success")
            return see_other(url_for("aks.village", code=desa.code) + f"#rekomendasi-{recommendation.id}")
    else:
        try:
            service.check_recommendation(form.values(), desa.kabupaten)
        except ServiceError as error:
            _apply_unchecked(error, form)
    return render_template("aks/edit.html", desa=desa, recommendation=recommendation, form=form), \
        422 if request.method == "POST" else 200


@bp.route("/aks/temuan/<int:finding_id>/hapus", methods=["POST"])
def delete_finding(finding_id):
    finding = _scoped(AksFinding, finding_id)
    code = finding.desa.code
    service.delete_finding(finding, current_user)
    flash(_("Temuan AKS dihapus."), "success")
    return see_other(url_for("aks.village", code=code) + "#temuan")


@bp.route("/aks/rekomendasi/<int:recommendation_id>/hapus", methods=["POST"])
def delete_recommendation(recommendation_id):
    recommendation = _scoped(AksRecommendation, recommendation_id)
    code = recommendation.desa.code
    service.delete_recommendation(recommendation, current_user)
    flash(_("Rekomendasi AKS dihapus. Usulan yang menjawabnya tetap ada, tanpa tautan."), "success")
    return see_other(url_for("aks.village", code=code) + "#rekomendasi")


@bp.route("/aks/templat-rekap-aks.xlsx")
def template():
    """The documented recap template (two sheets and a guide)."""
    return send_file(io.BytesIO(service.template_workbook()), as_attachment=True,
                     download_name="templat-rekap-aks.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.route("/wilayah/<code>/aks/impor", methods=["GET", "POST"])
def import_recap(code):
    """Import a recap XLSX for the villages of a kecamatan or kabupaten: all rows or none; every bad
    cell named by sheet, row and column; a file with a name, NIK or address column refused whole.
    403 for village operators; 404 outside scope."""
    region = get_region_or_404(code)
    if region.level == "desa" or current_user.role not in ("admin", "kecamatan"):
        abort(403)
    form = ImportForm()
    result, refused, status = None, None, 200
    if request.method == "POST":
        if form.validate_on_submit():
            data = form.file.data.read(service.MAX_BYTES + 1)
            try:
                result = service.import_recap(region, current_user, data)
            except service.AksImportError as error:
                refused = str(error)
                status = 422
            else:
                if result.errors:
                    status = 422
                else:
                    flash(_("Rekap AKS diimpor: %(f)s temuan dan %(r)s rekomendasi baru, %(u)s diperbarui.",
                            f=result.findings, r=result.recommendations, u=result.updated), "success")
                    return see_other(url_for("aks.import_recap", code=region.code))
        else:
            status = 422
    return render_template("aks/import.html", region=region, form=form, result=result, refused=refused), status
