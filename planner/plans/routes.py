"""A village's yearly plan: create it, see it, change its budget and target figures."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ..access import can_edit_plan, get_plan_or_404, get_region_or_404
from ..htmx import see_other
from ..oversight.forms import CommentForm
from ..services import ServiceError
from ..services.history import history_count, plan_history
from ..fields import page_number
from ..services.plans import create_plan, default_plan_year, parse_year, plan_for_year, update_plan
from ..services.proposals import plan_overview
from ..services.reviews import can_comment, comments_of
from .forms import NewPlanForm, PlanForm

bp = Blueprint("plans", __name__)


@bp.route("/wilayah/<code>/rencana/baru", methods=["GET", "POST"])
def new(code):
    """Create a plan for the village `code`. 404 outside scope; 403 for anyone but its operator."""
    desa = get_region_or_404(code, level="desa")
    if current_user.role != "desa" or current_user.region_id != desa.id:
        abort(403)
    form = NewPlanForm()
    if request.method == "GET":
        form.year.data = parse_year(request.args.get("tahun")) or default_plan_year()
    if form.validate_on_submit():
        try:
            plan = create_plan(desa, form.year.data, form.values())
        except ServiceError as error:
            error.apply_to(form)
        else:
            return see_other(url_for("plans.view", plan_id=plan.id))
    status = 422 if request.method == "POST" else 200
    return render_template("plans/form.html", form=form, desa=desa, plan=None), status


@bp.route("/wilayah/<code>/rencana/<int:year>")
def by_year(code, year):
    """The village's plan for `year`. 404 if there is none or the village is out of scope."""
    plan = plan_for_year(get_region_or_404(code, level="desa"), year)
    if plan is None:
        abort(404)
    return redirect(url_for("plans.view", plan_id=plan.id))


@bp.route("/rencana/<int:plan_id>")
def view(plan_id):
    """The plan page: budget, target groups, proposals and their live totals. 404 outside scope."""
    plan = get_plan_or_404(plan_id)
    overview = plan_overview(plan)
    from ..optimize.routes import panel_context

    panel = panel_context(plan)
    amendable = (plan.status == "committed" and current_user.role == "desa"
                 and current_user.region_id == plan.desa_id)
    return render_template("plans/view.html", plan=plan, overview=overview, suggestion_view=panel["view"],
                           suggestion_job=panel["job"], suggestion_error=panel["error"],
                           editable=can_edit_plan(current_user, plan), amendable=amendable,
                           history=plan_history(plan, limit=8), comments=comments_of(plan),
                           comment_form=CommentForm(formdata=None) if can_comment(current_user, plan) else None)


@bp.route("/rencana/<int:plan_id>/ubah", methods=["GET", "POST"])
def edit(plan_id):
    """Change the plan's budget and target figures. 403 unless the village's operator."""
    plan = get_plan_or_404(plan_id, write=True)
    form = PlanForm(obj=plan)
    if request.method == "GET":
        form.version_id.data = plan.version_id
    if form.validate_on_submit():
        try:
            update_plan(plan, form.values(), expected_version=form.version_id.number())
        except ServiceError as error:
            error.apply_to(form)
        else:
            flash(_("Rencana tersimpan."), "success")
            return see_other(url_for("plans.view", plan_id=plan.id))
    status = 422 if request.method == "POST" else 200
    return render_template("plans/form.html", form=form, desa=plan.desa, plan=plan), status


HISTORY_PAGE = 50


@bp.route("/rencana/<int:plan_id>/riwayat")
def history(plan_id):
    """Everything done to the plan, newest first, 50 per page. Everyone in scope reads it."""
    plan = get_plan_or_404(plan_id)
    page = page_number()
    total = history_count(plan)
    lines = plan_history(plan, limit=HISTORY_PAGE, offset=(page - 1) * HISTORY_PAGE)
    pages = max((total + HISTORY_PAGE - 1) // HISTORY_PAGE, 1)
    return render_template("plans/history.html", plan=plan, lines=lines, page=page, pages=pages, total=total)
