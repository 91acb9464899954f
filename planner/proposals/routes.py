"""Proposals (usulan kegiatan) of a plan: add (blank or from the catalogue), edit inline, delete.

Every page works as a plain HTML form; htmx requests get a fragment of the same
templates instead (planner.htmx.is_htmx):

- the display row `proposals/_row.html` (id="proposal-<id>"),
- the edit row `proposals/_edit_row.html` (same id, swapped over the display row),
- the totals block `proposals/_totals.html` (id="totals"), sent out of band
  with every change so totals update live.

Validation errors answer 422 with the form re-rendered (htmx swaps 422, see
static/js/app.js). An edit that lost the race against someone else's save is
refused without writing: a plain form gets 422 with the conflict message above
the fields; htmx gets 409 with the edit row, which app.js swaps in (instead of
only showing the #htmx-error box) because the edit form is marked
`data-swap-conflict`, so the user's typing stays on screen.
"""
from flask import Blueprint, abort, flash, make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..fields import record_id
from ..access import can_edit_plan, get_plan_or_404, get_proposal_or_404
from ..htmx import add_vary, is_htmx, see_other
from ..services import ServiceError
from ..services import aks as aks_service
from ..services import proposals as service
from ..services.team import implementer_suggestions
from ..services.proposals import ProposalConflict
from ..services.catalogue import catalogue_listing, example_item, get_item, item_impact, plan_baseline
from ..services.optimization import is_stale, latest_suggestion
from .forms import ProposalForm

bp = Blueprint("proposals", __name__)


def _plan_url(plan, anchor="proposals"):
    return url_for("plans.view", plan_id=plan.id) + "#" + anchor


def _catalogue_item_or_404(plan):
    """The item named by `?katalog=`, of the plan's kabupaten and active; None without the parameter."""
    raw = request.args.get("katalog")
    if raw in (None, ""):
        return None
    item_id = record_id(raw)
    item = get_item(plan.desa.kabupaten, item_id) if item_id else None
    if item is None or not item.active:
        abort(404)
    return item


def _recommendation_or_404(plan):
    """The AKS recommendation named by `?rekomendasi=`, one the plan can answer; None without it."""
    raw = request.args.get("rekomendasi")
    if raw in (None, ""):
        return None
    rid = record_id(raw)
    if rid is None or rid not in {i for i, _label in aks_service.plan_choices(plan)}:
        abort(404)
    return aks_service.get_recommendation(rid)


def _recommendation_prefill(plan, recommendation) -> dict:
    """A proposal answering `recommendation`: from its catalogue item when it names one, else its
    intervention and target group; the units cover the people or households it counts when the
    unit counts people."""
    item = recommendation.catalogue_item
    if item is not None and item.active:
        values = service.catalogue_prefill(item, plan)
        if service.unit_counts_people(item.unit) and item.units_per_course:
            course = max(1, round(item.units_per_course))
            values["max_units"] = max(values["min_units"], course * recommendation.count)
    else:
        values = {"name": recommendation.intervention, "target_group": recommendation.target_group, "fixed_cost": 0}
    values["implementer"] = recommendation.responsible
    return values


def _impact_help(plan, item) -> dict:
    """What the impact field's help shows: the catalogue item's effect for this plan (`hint`, an
    ItemImpact, or None without an item) and a catalogue item with evidence as a worked example of a
    village estimate (`example`)."""
    baseline = plan_baseline(plan)
    return {"hint": item_impact(item, baseline) if item is not None else None,
            "example": example_item(plan.desa.kabupaten, baseline), "baseline": baseline,
            "team_implementers": implementer_suggestions(plan)}


def _validate(form, own_proposer: str = "") -> None:
    """Run the form's field checks and the service's checks; raise ServiceError with all messages.

    Field-level messages win; the service's cross-field and choice messages are
    added for fields that have none, so the user sees every problem at once.
    """
    if form.validate_on_submit():
        return
    extra = service.check_proposal_values(form.values(), own_proposer=own_proposer)
    failed = {name for name, f in form._fields.items() if f.errors}
    raise ServiceError({name: msgs for name, msgs in extra.items() if name not in failed} or {})


def _render_section_change(plan, proposal_id=None, affected=(), status=200):
    """htmx answer to a change: the proposal's display row (none after a delete) plus, out of
    band, the totals, the rows whose link names changed with it, and whether the suggestion on
    the page is now out of date (however it was computed, in this request or a later one)."""
    overview = service.plan_overview(plan)
    row = overview.row_for(proposal_id) if proposal_id else None
    others = [r for r in overview.rows if r.proposal.id in set(affected) and r.proposal.id != proposal_id]
    suggestion = latest_suggestion(plan)
    html = render_template("proposals/_changed.html", plan=plan, overview=overview, row=row, others=others,
                           editable=can_edit_plan(current_user, plan),
                           suggestion_stale=is_stale(plan, suggestion) if suggestion else None)
    return add_vary(make_response(html, status))


@bp.route("/rencana/<int:plan_id>/usulan/katalog")
def picker(plan_id):
    """Choose a catalogue item to start a proposal from. 403 unless the village's operator."""
    plan = get_plan_or_404(plan_id, write=True)
    baseline = plan_baseline(plan)
    groups = catalogue_listing(plan.desa.kabupaten, baseline)
    return render_template("proposals/picker.html", plan=plan, groups=groups, baseline=baseline)


@bp.route("/rencana/<int:plan_id>/usulan/baru", methods=["GET", "POST"])
def new(plan_id):
    """Add a proposal; `?katalog=<item id>` pre-fills it from the catalogue (see
    services.proposals.catalogue_prefill). 403 unless the village's operator; 404 for an
    item of another kabupaten or a deactivated one."""
    plan = get_plan_or_404(plan_id, write=True)
    recommendation = _recommendation_or_404(plan)
    item = _catalogue_item_or_404(plan)
    if item is None and recommendation is not None and recommendation.catalogue_item is not None \
            and recommendation.catalogue_item.active:
        item = recommendation.catalogue_item
    form = ProposalForm()
    form.set_link_choices(service.link_choices(plan))
    form.set_aks_choices(aks_service.plan_choices(plan))
    if request.method == "GET":
        if recommendation is not None:
            form.fill(_recommendation_prefill(plan, recommendation))
            form.aks_recommendation.data = str(recommendation.id)
        else:
            form.fill(service.catalogue_prefill(item, plan) if item else {"fixed_cost": 0})
    else:
        try:
            try:
                _validate(form)
            except ServiceError as error:
                try:
                    aks_service.check_link(plan, form.aks_recommendation.data)
                except ServiceError as link_error:
                    error.errors.update(link_error.errors)
                raise error
            linked = aks_service.check_link(plan, form.aks_recommendation.data)
            proposal = service.create_proposal(plan, form.values(), form.requires.data, form.excludes.data,
                                               catalogue_item=item, aks_recommendation_id=linked)
        except ServiceError as error:
            error.apply_to(form)
        else:
            flash(_("Usulan “%(name)s” ditambahkan.", name=proposal.name), "success")
            for warning in service.cost_warnings(proposal):
                flash(warning, "warning")
            return see_other(_plan_url(plan, f"proposal-{proposal.id}"))
    status = 422 if request.method == "POST" else 200
    return add_vary(make_response(render_template(
        "proposals/form.html", plan=plan, form=form, proposal=None, item=item, recommendation=recommendation,
        locations=service.plan_locations(plan), **_impact_help(plan, item)), status))


@bp.route("/usulan/<int:proposal_id>")
def show(proposal_id):
    """The proposal's display row (htmx: the "Batal" of an inline edit); a plain request goes
    to the plan page. 404 outside scope."""
    proposal = get_proposal_or_404(proposal_id)
    if not is_htmx():
        return add_vary(make_response(see_other(_plan_url(proposal.plan, f"proposal-{proposal.id}"))))
    plan = proposal.plan
    overview = service.plan_overview(plan)
    html = render_template("proposals/_row.html", plan=plan, overview=overview,
                           row=overview.row_for(proposal.id), editable=can_edit_plan(current_user, plan))
    return add_vary(make_response(html))


@bp.route("/usulan/<int:proposal_id>/ubah", methods=["GET", "POST"])
def edit(proposal_id):
    """Change a proposal: a page, or for htmx an edit row swapped over the display row.

    Saving answers the display row and out-of-band totals (htmx) or redirects
    303 to the plan page. Errors: 422 with the form as typed. An edit conflict
    (the hidden version_id is not the saved one): nothing written, the form as
    typed with the conflict message, 409 for htmx and 422 for a plain form.
    403 unless the village's operator; 404 outside scope.
    """
    proposal = get_proposal_or_404(proposal_id, write=True)
    plan = proposal.plan
    form = ProposalForm(obj=proposal if request.method == "GET" else None)
    form.keep_own_proposer(proposal.proposer)
    form.set_link_choices(service.link_choices(plan, proposal))
    form.set_aks_choices(aks_service.plan_choices(plan))
    conflict = False
    if is_htmx():
        form.use_id_prefix(f"p{proposal.id}")
    if request.method == "GET":
        form.version_id.data = proposal.version_id
        form.fill({}, service.current_links(proposal))
        form.aks_recommendation.data = str(proposal.aks_recommendation_id or "")
    else:
        affected_before = service.linked_ids(proposal)
        try:
            service.check_version(proposal, form.version_id.number())
            _validate(form, own_proposer=proposal.proposer)
            linked = aks_service.check_link(plan, form.aks_recommendation.data)
            service.update_proposal(proposal, form.values(), form.requires.data, form.excludes.data,
                                    expected_version=form.version_id.number(), aks_recommendation_id=linked)
        except ProposalConflict as error:
            error.apply_to(form)
            conflict = True
        except ServiceError as error:
            error.apply_to(form)
        else:
            if is_htmx():
                return _render_section_change(plan, proposal.id, affected_before | service.linked_ids(proposal))
            flash(_("Usulan “%(name)s” tersimpan.", name=proposal.name), "success")
            for warning in service.cost_warnings(proposal):
                flash(warning, "warning")
            return see_other(_plan_url(plan, f"proposal-{proposal.id}"))
    status = (409 if conflict and is_htmx() else 422) if request.method == "POST" else 200
    context = dict(plan=plan, form=form, proposal=proposal, item=proposal.catalogue_item,
                   locations=service.plan_locations(plan), **_impact_help(plan, proposal.catalogue_item))
    template = "proposals/_edit_row.html" if is_htmx() else "proposals/form.html"
    return add_vary(make_response(render_template(template, **context), status))


@bp.route("/usulan/<int:proposal_id>/hapus", methods=["GET", "POST"])
def delete(proposal_id):
    """GET: a confirmation page. POST: delete the proposal and every link to it; htmx gets an
    empty row and the totals out of band, a plain form a 303 to the plan page.
    403 unless the village's operator; 404 outside scope."""
    proposal = get_proposal_or_404(proposal_id, write=True)
    plan = proposal.plan
    if request.method == "GET":
        return render_template("proposals/confirm_delete.html", plan=plan, proposal=proposal)
    name, affected = proposal.name, service.linked_ids(proposal)
    service.delete_proposal(proposal)
    if is_htmx():
        return _render_section_change(plan, None, affected)
    flash(_("Usulan “%(name)s” dihapus.", name=name), "success")
    return see_other(_plan_url(plan))
