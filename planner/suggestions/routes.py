"""The suggestion pages: the optimizer's rules, the suggested allocation, its explanations, budget
rise and robustness, and the plan file."""
import json

from flask import Blueprint, Response, abort, current_app, flash, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ..access import can_edit_plan, get_plan_or_404
from ..extensions import db
from ..fields import record_id
from ..htmx import add_vary, is_htmx, see_other
from ..models import RembukMeeting, Suggestion
from ..services import ServiceError
from .. import jobs
from ..services import robustness as robustness_service
from ..services import solve_jobs
from ..services.optimization import (budget_rise_for, check_budget_rise, latest_suggestion,
                                     suggestion_view)
from ..services.plan_file_builder import plan_file
from ..services.rules import DEFAULT_RULES, effective_rules, set_aks_first, update_rules
from .forms import RulesForm

bp = Blueprint("suggestions", __name__)


def _lang():
    return str(get_locale() or "id")


@bp.route("/rencana/<int:plan_id>/aturan", methods=["GET", "POST"])
def rules(plan_id):
    """The optimizer's rules for the plan. Everyone in scope reads; only the village's operator saves."""
    plan = get_plan_or_404(plan_id, write=request.method == "POST")
    form = RulesForm()
    if request.method == "GET":
        form.fill(effective_rules(plan))
    elif form.validate_on_submit():
        try:
            update_rules(plan, form.values())
        except ServiceError as error:
            error.apply_to(form)
        else:
            flash(_("Aturan tersimpan. Hitung ulang usulan alokasi untuk melihat pengaruhnya."), "success")
            return see_other(url_for("plans.view", plan_id=plan.id) + "#suggestion")
    status = 422 if request.method == "POST" else 200
    return render_template("suggestions/rules.html", plan=plan, form=form, defaults=DEFAULT_RULES,
                           editable=can_edit_plan(current_user, plan)), status


@bp.route("/rencana/<int:plan_id>/aturan/aks", methods=["POST"])
def aks_rule(plan_id):
    """Switch the rule "dahulukan usulan yang menjawab rekomendasi AKS" (`aktif=1` on, else off), from the
    plan page or the rembuk (`rembuk=<meeting id>` of this plan: back there). 403 unless the village's
    operator on a plan open to change."""

    plan = get_plan_or_404(plan_id, write=True)
    on = request.form.get("aktif") == "1"
    try:
        set_aks_first(plan, on, current_user)
    except ServiceError as error:
        flash(str(error), "error")
    else:
        flash(_("Aturan AKS aktif: usulan yang menjawab rekomendasi AKS didahulukan. Hitung ulang untuk melihat "
                "pengaruhnya.") if on else _("Aturan AKS dimatikan. Hitung ulang untuk melihat pengaruhnya."),
              "success")
    sid = record_id(request.form.get("rembuk") or "")
    meeting = db.session.get(RembukMeeting, sid) if sid else None
    if meeting is not None and meeting.plan_id == plan.id:
        return see_other(url_for("rembuk.view", sid=meeting.id) + "#aks")
    return see_other(url_for("plans.view", plan_id=plan.id) + "#aks")


@bp.route("/rencana/<int:plan_id>/hitung", methods=["POST"])
def compute(plan_id):
    """Ask the optimizer about the plan as it stands, as a background job (planner.jobs), and show
    the suggestion: at once when the job finishes within JOB_INLINE_WAIT (a village-sized plan),
    otherwise the panel with the job's progress, which polls itself until the answer replaces it
    (htmx), or a waiting page that refreshes itself (plain form). The plan is never changed.
    403 unless the village's operator.
    """
    plan = get_plan_or_404(plan_id, write=True)
    job = jobs.enqueue(solve_jobs.SUGGESTION, {"plan_id": plan.id}, user=current_user, plan=plan)
    job = jobs.wait(job, current_app.config.get("JOB_INLINE_WAIT", 1.0))
    error = job.error if job.status == "failed" else None
    if not is_htmx():
        if error:
            flash(error, "error")
            return see_other(url_for("plans.view", plan_id=plan.id))
        if not job.finished:
            return see_other(url_for("jobs.view", job_id=job.id))
        return see_other(url_for("suggestions.suggestion", plan_id=plan.id))
    return add_vary(_render_panel(plan, error=error, status=422 if error else 200))


def panel_context(plan):
    """What the suggestion panel shows: a job still computing (its progress only: the panel asks
    for itself every second meanwhile, so it stays cheap), else the latest answer, or the last
    job's failure when it came after the latest answer."""
    job = jobs.active(solve_jobs.SUGGESTION, plan)
    if job is not None:
        return {"view": None, "job": job, "error": None}
    suggestion = latest_suggestion(plan)
    view = suggestion_view(plan, suggestion, _lang()) if suggestion else None
    error = None
    if job is None:
        last = jobs.latest(solve_jobs.SUGGESTION, plan)
        if last is not None and last.status == "failed" and (suggestion is None or last.created_at >= suggestion.created_at):
            error = last.error
    return {"view": view, "job": job, "error": error}


def _render_panel(plan, error=None, status=200):
    context = panel_context(plan)
    if error:
        context["error"] = error
    html = render_template("suggestions/_panel.html", plan=plan, editable=can_edit_plan(current_user, plan),
                           **context)
    return Response(html, status=status)


@bp.route("/rencana/<int:plan_id>/usulan-alokasi")
def suggestion(plan_id):
    """The latest suggested allocation as a page of its own (printable). 404 outside scope."""
    plan = get_plan_or_404(plan_id)
    if is_htmx():
        return add_vary(_render_panel(plan))
    return add_vary(Response(render_template("suggestions/suggestion.html", plan=plan,
                                             editable=can_edit_plan(current_user, plan), **panel_context(plan))))


@bp.route("/rencana/<int:plan_id>/usulan-alokasi/<int:suggestion_id>/anggaran/<key>")
def budget_rise(plan_id, suggestion_id, key):
    """How much more budget an unfunded proposal of a stored suggestion needs to enter the best
    plan (exact; computed on request, then kept). Fragment for htmx, else a small page."""
    plan = get_plan_or_404(plan_id)
    suggestion = db.session.get(Suggestion, suggestion_id)
    if suggestion is None or suggestion.plan_id != plan.id:
        abort(404)
    name = next((p.get("name") or key for p in suggestion.plan_file["proposals"] if p["id"] == key), None)
    if name is None:
        abort(404)
    error = text = job = None
    if key in (suggestion.result.get("budget_rises") or {}):
        text = budget_rise_for(plan, suggestion, key, _lang())        # kept: no solve
    else:
        try:
            check_budget_rise(plan, suggestion, key)
        except ServiceError as exc:
            error = str(exc)
        else:
            subject = solve_jobs.rise_subject(suggestion.id, key)
            job = jobs.active(solve_jobs.BUDGET_RISE, plan, subject) or jobs.enqueue(
                solve_jobs.BUDGET_RISE, {"suggestion_id": suggestion.id, "key": key}, user=current_user, plan=plan,
                subject=subject)
            job = jobs.wait(job, current_app.config.get("JOB_INLINE_WAIT", 1.0))
            if job.status == "failed":
                error = job.error
            elif job.status == "done":
                db.session.refresh(suggestion)
                text = budget_rise_for(plan, suggestion, key, _lang())
                job = None
    if job is not None and job.finished:
        job = None
    template = "suggestions/_budget_rise.html" if is_htmx() else "suggestions/budget_rise.html"
    html = render_template(template, plan=plan, name=name, text=text, error=error, job=job, key=key,
                           url=request.full_path if request.query_string else request.path)
    return add_vary(Response(html, status=422 if error else 200))


@bp.route("/rencana/<int:plan_id>/usulan-alokasi/<int:suggestion_id>/seberapa-yakin", methods=["GET", "POST"])
def robustness(plan_id, suggestion_id):
    """"Seberapa yakin?": GET shows the kept answer, the job still running (the page refreshes
    itself; htmx polls the fragment), or the button; POST starts the job (a background job: it
    never blocks other users) and comes back here. Anyone in scope reads; the village's operator
    starts it (403 otherwise). 404 outside scope or for another plan's suggestion."""
    plan = get_plan_or_404(plan_id, write=request.method == "POST")
    suggestion = db.session.get(Suggestion, suggestion_id)
    if suggestion is None or suggestion.plan_id != plan.id:
        abort(404)
    subject = robustness_service.subject(suggestion.id)
    error = None
    job = jobs.active(robustness_service.KIND, plan, subject)
    if request.method == "POST" and robustness_service.view(suggestion) is None and job is None:
        try:
            robustness_service.check(plan, suggestion)
        except ServiceError as exc:
            error = str(exc)
        else:
            job = jobs.enqueue(robustness_service.KIND, {"suggestion_id": suggestion.id}, user=current_user,
                               plan=plan, subject=subject)
            job = jobs.wait(job, current_app.config.get("JOB_INLINE_WAIT", 1.0))
            if not is_htmx():
                if job.status == "failed":
                    flash(job.error, "error")
                return see_other(url_for("suggestions.robustness", plan_id=plan.id, suggestion_id=suggestion.id))
    if job is not None and job.finished:
        job = None
    if error is None and job is None:
        last = jobs.latest(robustness_service.KIND, plan, subject)
        if last is not None and last.status == "failed" and robustness_service.view(suggestion) is None:
            error = last.error
    db.session.refresh(suggestion)
    context = dict(plan=plan, suggestion=suggestion, result=robustness_service.view(suggestion), job=job,
                   error=error, editable=can_edit_plan(current_user, plan))
    template = "suggestions/_robustness.html" if is_htmx() else "suggestions/robustness.html"
    status = 422 if error and request.method == "POST" else 200
    return add_vary(Response(render_template(template, **context), status=status))


@bp.route("/rencana/<int:plan_id>/rencana.json")
def download_plan_file(plan_id):
    """The plan as an optimizer plan file (JSON, version 2 when the optimizer reads it), for `flask plan solve` or another tool."""
    plan = get_plan_or_404(plan_id)
    body = json.dumps(plan_file(plan), ensure_ascii=False, indent=2)
    filename = f"rencana-{plan.desa.code}-{plan.year}.json"
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
