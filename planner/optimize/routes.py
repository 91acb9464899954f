"""The optimizer on the plan page: rules, the suggested allocation, and the plan file."""
import json

from flask import Blueprint, Response, abort, flash, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ..access import can_edit_plan, get_plan_or_404
from ..extensions import db
from ..htmx import add_vary, is_htmx, see_other
from ..models import Suggestion
from ..services import ServiceError
from ..services.optimization import (budget_rise_for, compute_suggestion, latest_suggestion,
                                     suggestion_view)
from ..services.planfile import plan_file
from ..services.rules import DEFAULT_RULES, effective_rules, update_rules
from .forms import RulesForm

bp = Blueprint("optimize", __name__)


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
    return render_template("optimize/rules.html", plan=plan, form=form, defaults=DEFAULT_RULES,
                           editable=can_edit_plan(current_user, plan)), status


@bp.route("/rencana/<int:plan_id>/hitung", methods=["POST"])
def compute(plan_id):
    """Run the optimizer on the plan as it stands and show the suggestion (fragment for htmx).

    The plan is never changed. 403 unless the village's operator.
    """
    plan = get_plan_or_404(plan_id, write=True)
    error = None
    try:
        compute_suggestion(plan, current_user)
    except ServiceError as exc:
        error = str(exc)
    if not is_htmx():
        if error:
            flash(error, "error")
            return see_other(url_for("plans.view", plan_id=plan.id))
        return see_other(url_for("optimize.suggestion", plan_id=plan.id))
    return add_vary(_render_panel(plan, error=error, status=422 if error else 200))


def _render_panel(plan, error=None, status=200):
    suggestion = latest_suggestion(plan)
    view = suggestion_view(plan, suggestion, _lang()) if suggestion else None
    html = render_template("optimize/_panel.html", plan=plan, view=view, error=error,
                           editable=can_edit_plan(current_user, plan))
    return Response(html, status=status)


@bp.route("/rencana/<int:plan_id>/usulan-alokasi")
def suggestion(plan_id):
    """The latest suggested allocation as a page of its own (printable). 404 outside scope."""
    plan = get_plan_or_404(plan_id)
    if is_htmx():
        return add_vary(_render_panel(plan))
    record = latest_suggestion(plan)
    view = suggestion_view(plan, record, _lang()) if record else None
    return add_vary(Response(render_template("optimize/suggestion.html", plan=plan, view=view, error=None,
                                             editable=can_edit_plan(current_user, plan))))


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
    error = text = None
    try:
        text = budget_rise_for(plan, suggestion, key, _lang())
    except ServiceError as exc:
        error = str(exc)
    template = "optimize/_budget_rise.html" if is_htmx() else "optimize/budget_rise.html"
    html = render_template(template, plan=plan, name=name, text=text, error=error)
    return add_vary(Response(html, status=422 if error else 200))


@bp.route("/rencana/<int:plan_id>/rencana.json")
def download_plan_file(plan_id):
    """The plan as an optimizer plan file (JSON v1), for `flask plan solve` or another tool."""
    plan = get_plan_or_404(plan_id)
    body = json.dumps(plan_file(plan), ensure_ascii=False, indent=2)
    filename = f"rencana-{plan.desa.code}-{plan.year}.json"
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
