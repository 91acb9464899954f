"""A village's yearly plan: create it, see it, change its budget and target figures."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from .. import money_rules
from ..access import can_edit_plan, get_plan_or_404, get_region_or_404
from ..fields import page_number
from ..htmx import is_htmx, see_other
from ..suggestions.routes import panel_context
from ..oversight.forms import ApbdesForm, CommentForm
from ..services import ServiceError, convergence
from ..services import money as money_service
from ..services import aks, oversight, reviews, scorecard, team
from ..services.history import history_count, plan_history
from ..services.plan_state import plan_state
from ..services.plans import (MAX_YEAR, MIN_YEAR, create_plan, default_plan_year, parse_year, plan_for_year,
                              update_apbdes_totals, update_plan)
from ..services.proposals import plan_overview
from ..services.rules import effective_rules
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
    year = form.year.data if isinstance(form.year.data, int) and MIN_YEAR <= form.year.data <= MAX_YEAR \
        else default_plan_year()
    rules = money_service.rule_set(desa.kabupaten, year)
    if request.method == "POST" and request.form.get("aturan"):
        return _money_rules_answer(form, desa, None, rules)
    if form.validate_on_submit():
        try:
            plan = create_plan(desa, form.year.data, form.values())
        except ServiceError as error:
            error.apply_to(form)
        else:
            return see_other(url_for("plans.view", plan_id=plan.id))
    status = 422 if request.method == "POST" else 200
    return _form_page(form, desa, None, rules, status)


def _form_page(form, desa, plan, rules, status=200, filled=()):
    checks = {line.field: line for line in money_service.check_lines(rules, form.values())}
    return render_template("plans/form.html", form=form, desa=desa, plan=plan, rules=rules, checks=checks,
                           rules_source=money_service.source_text(rules, desa.kabupaten.name), filled=filled,
                           base_label=money_service.base_label), status


def _money_rules_answer(form, desa, plan, rules):
    """The plan form asked about the year's money rules (no save): `aturan=isi` fills the earmarks
    the rules set (the cooperative's share, the food-security minimum) from the pagu typed,
    `aturan=periksa` (htmx, when the pagu changes) fills only those left empty. Both show the
    checks at the fields; htmx gets the money fieldset alone."""
    form.validate()
    for name, field in form._fields.items():
        if name != "pagu":
            field.errors = [e for e in field.errors if field.data is None and getattr(field, "raw", None)]
    filled = []
    if form.pagu.data and not form.pagu.errors:
        suggested = money_rules.suggested_earmarks(rules.rules, form.pagu.data)
        filled = form.fill_from_rules(suggested, only_empty=request.form.get("aturan") != "isi")
    if is_htmx():
        checks = {line.field: line for line in money_service.check_lines(rules, form.values())}
        return render_template("plans/_money.html", form=form, rules=rules, checks=checks, filled=filled,
                               rules_source=money_service.source_text(rules, desa.kabupaten.name), plan=plan,
                               base_label=money_service.base_label)
    return _form_page(form, desa, plan, rules, 200, filled)


@bp.route("/wilayah/<code>/rencana/<int:year>")
def by_year(code, year):
    """The village's plan for `year`. 404 if there is none or the village is out of scope."""
    plan = plan_for_year(get_region_or_404(code, level="desa"), year)
    if plan is None:
        abort(404)
    return redirect(url_for("plans.view", plan_id=plan.id))


@bp.route("/rencana/<int:plan_id>")
def view(plan_id):
    """The plan page: budget and the year's money rules, target groups, proposals and their live
    totals, the flags the kecamatan sees, review threads, the Dana Desa table. 404 outside scope."""
    return _view(get_plan_or_404(plan_id))


def _view(plan, apbdes_form=None, status=200):
    overview = plan_overview(plan)

    panel = panel_context(plan)
    amendable = (plan.status == "committed" and current_user.role == "desa"
                 and current_user.region_id == plan.desa_id)
    rules = money_service.rule_set_for_plan(plan)
    own_village = current_user.role == "desa" and current_user.region_id == plan.desa_id
    if apbdes_form is None and own_village:
        apbdes_form = ApbdesForm(formdata=None, obj=plan)
        apbdes_form.version_id.data = plan.version_id
    rows = oversight.village_rows(plan.desa, plan.year)
    threads = reviews.threads_of(plan)
    lagging = convergence.lagging(plan)
    return render_template("plans/view.html", plan=plan, overview=overview, suggestion_view=panel["view"], lagging=lagging,
                           suggestion_job=panel["job"], suggestion_error=panel["error"],
                           editable=can_edit_plan(current_user, plan), amendable=amendable,
                           history=plan_history(plan, limit=8), threads=threads,
                           awaiting=sum(1 for t in threads if t.awaiting_village),
                           can_reply=reviews.can_reply(current_user, plan),
                           comment_form=CommentForm(formdata=None) if reviews.can_comment(current_user, plan) else None,
                           reply_form=CommentForm(formdata=None), state=plan_state(plan),
                           money_rules=rules, money_checks=money_service.check_lines(rules, plan),
                           rules_source=money_service.source_text(rules, plan.desa.kabupaten.name),
                           base_label=money_service.base_label, village_row=rows[0] if rows else None,
                           scorecard=scorecard.plan_scorecard(plan), apbdes_form=apbdes_form,
                           aks_statuses=aks.plan_statuses(plan),
                           aks_rule_on=bool(effective_rules(plan).get("aks_first")),
                           team_missing=team.missing_by_village([plan.desa_id], plan.year)[plan.desa_id]), status


@bp.route("/rencana/<int:plan_id>/apbdes", methods=["POST"])
def apbdes_totals(plan_id):
    """The village enters its APBDes bidang totals (the scorecard's Dana Desa table), also after its
    commitment: they change no commitment and are recorded in the plan's history. 403 for anyone but
    the village's operator; 422 with the message at the field."""
    plan = get_plan_or_404(plan_id)
    if current_user.role != "desa" or current_user.region_id != plan.desa_id:
        abort(403)
    form = ApbdesForm()
    if form.validate_on_submit():
        try:
            update_apbdes_totals(plan, form.values(), expected_version=form.version_id.number())
        except ServiceError as error:
            error.apply_to(form)
        else:
            flash(_("Total APBDes per bidang tersimpan."), "success")
            return see_other(url_for("plans.view", plan_id=plan.id) + "#dana-desa")
    return _view(plan, apbdes_form=form, status=422)


@bp.route("/rencana/<int:plan_id>/ubah", methods=["GET", "POST"])
def edit(plan_id):
    """Change the plan's budget and target figures. 403 unless the village's operator."""
    plan = get_plan_or_404(plan_id, write=True)
    form = PlanForm(obj=plan)
    rules = money_service.rule_set_for_plan(plan)
    if request.method == "GET":
        form.version_id.data = plan.version_id
    elif request.form.get("aturan"):
        return _money_rules_answer(form, plan.desa, plan, rules)
    if form.validate_on_submit():
        try:
            update_plan(plan, form.values(), expected_version=form.version_id.number())
        except ServiceError as error:
            error.apply_to(form)
        else:
            flash(_("Rencana tersimpan."), "success")
            return see_other(url_for("plans.view", plan_id=plan.id))
    status = 422 if request.method == "POST" else 200
    return _form_page(form, plan.desa, plan, rules, status)


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
