"""The intervention catalogue (menu kegiatan): everyone in the kabupaten reads it, admins edit it.

Every item is looked up within the user's own kabupaten: another kabupaten's
item is reported missing (404). Changes need the admin role (403 otherwise).
"""
from flask import Blueprint, abort, flash, make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..fields import record_id
from ..access import get_plan_or_404, require_admin
from ..catalogue_defaults import NO_EFFECT
from ..htmx import add_vary, is_htmx, see_other
from ..services import ServiceError
from ..services import catalogue as service
from ..services.history import FIELD_LABELS
from ..services.unit_impact import assumptions_for
from .forms import AssumptionsForm, FilterForm, ItemForm

bp = Blueprint("catalogue", __name__, url_prefix="/katalog")


@bp.app_context_processor
def _effect_helpers():
    """For every template that shows a catalogue item's effect (catalogue, proposal picker and form)."""
    return {"effect_label": service.effect_label, "is_assumption": service.is_assumption,
            "effect_source": service.effect_source, "short_source": service.short_source,
            "num_trim": service.trim_number}


@bp.context_processor
def _helpers():
    return {"no_effect_text": NO_EFFECT, "describe_value": service.describe_value, "field_labels": FIELD_LABELS}


def _kabupaten():
    return current_user.region.kabupaten


def _item_or_404(item_id):
    """The item in the user's kabupaten; 404 if absent or another kabupaten's."""
    item = service.get_item(_kabupaten(), item_id)
    if item is None:
        abort(404)
    return item


@bp.route("/")
def index():
    """The kabupaten's catalogue grouped by service package, with default impacts.

    Filters `paket` and `kategori` come from a GET form; an htmx request gets
    only the results fragment. Admins also see deactivated items.
    """
    kabupaten = _kabupaten()
    filters = FilterForm(request.args)
    baseline = service.baseline_for_user(current_user)
    groups = service.catalogue_listing(kabupaten, baseline, include_inactive=current_user.role == "admin",
                                       **filters.selected())
    to_review = service.items_to_review(kabupaten) if current_user.role == "admin" else []
    context = dict(kabupaten=kabupaten, filters=filters, baseline=baseline, groups=groups,
                   count=sum(len(rows) for _, rows in groups), to_review=to_review)
    template = "catalogue/_results.html" if is_htmx() else "catalogue/index.html"
    return add_vary(make_response(render_template(template, **context)))


@bp.route("/<int:item_id>")
def detail(item_id):
    """One item and the step-by-step derivation of its default impact per unit.

    `?rencana=<plan id>` computes with that plan's measured prevalence (404 if
    the plan is outside the user's scope); otherwise with the kabupaten reference.
    """
    item = _item_or_404(item_id)
    raw = request.args.get("rencana")
    if raw not in (None, ""):
        plan_id = record_id(raw)
        if plan_id is None:
            abort(404)
        baseline = service.plan_baseline(get_plan_or_404(plan_id))
    else:
        baseline = service.reference_baseline(_kabupaten())
    return render_template("catalogue/detail.html", item=item, row=service.item_impact(item, baseline),
                           baseline=baseline, sga=service.sga_assumptions(),
                           review=service.review_lines(item) if current_user.role == "admin" else [])


@bp.route("/baru", methods=["GET", "POST"])
def create():
    """Add an item to the kabupaten's catalogue. 403 unless admin."""
    require_admin()
    form = ItemForm()
    if request.method == "GET":
        form.units_per_course.data = 1
        form.whole_courses.data = True
    if form.validate_on_submit():
        try:
            item = service.create_item(_kabupaten(), form.values())
        except ServiceError as error:
            error.apply_to(form)
        else:
            flash(_("Kegiatan %(name)s ditambahkan ke katalog.", name=item.name), "success")
            return see_other(url_for("catalogue.detail", item_id=item.id))
    status = 422 if request.method == "POST" else 200
    return render_template("catalogue/form.html", form=form, item=None), status


@bp.route("/<int:item_id>/ubah", methods=["GET", "POST"])
def edit(item_id):
    """Change an item's description, cost and evidence (not its code). 404 outside the kabupaten, 403 unless admin."""
    item = _item_or_404(item_id)
    require_admin()
    form = ItemForm()
    del form.code
    if request.method == "GET":
        form.load(item)
    if form.validate_on_submit():
        try:
            service.update_item(item, form.values())
        except ServiceError as error:
            error.apply_to(form)
        else:
            flash(_("Perubahan katalog tersimpan."), "success")
            return see_other(url_for("catalogue.detail", item_id=item.id))
    status = 422 if request.method == "POST" else 200
    return render_template("catalogue/form.html", form=form, item=item), status


def _set_active(item_id, active):
    item = _item_or_404(item_id)
    require_admin()
    service.set_item_active(item, active)
    if active:
        flash(_("%(name)s aktif lagi: desa dapat memilihnya.", name=item.name), "success")
    else:
        flash(_("%(name)s dinonaktifkan: tidak ditawarkan untuk usulan baru; usulan yang ada tetap.",
                name=item.name), "success")
    return see_other(url_for("catalogue.detail", item_id=item.id))


@bp.route("/<int:item_id>/nonaktifkan", methods=["POST"])
def deactivate(item_id):
    """Hide the item from new proposals (never deleted: proposals refer to it). Admin only."""
    return _set_active(item_id, False)


@bp.route("/<int:item_id>/aktifkan", methods=["POST"])
def reactivate(item_id):
    """Offer a deactivated item again. Admin only."""
    return _set_active(item_id, True)


@bp.route("/<int:item_id>/tinjau")
def review(item_id):
    """What changed in the shipped defaults of an item the admin had edited, field by field, with the
    kabupaten's value. Nothing to review: back to the item. 404 outside the kabupaten, 403 unless admin."""
    item = _item_or_404(item_id)
    require_admin()
    lines = service.review_lines(item)
    if not lines:
        return see_other(url_for("catalogue.detail", item_id=item.id))
    return render_template("catalogue/review.html", item=item, lines=lines)


@bp.route("/<int:item_id>/tinjau/terima", methods=["POST"])
def accept_defaults(item_id):
    """Take the new shipped defaults for the fields under review. Admin only."""
    item = _item_or_404(item_id)
    require_admin()
    try:
        service.accept_defaults(item)
    except ServiceError as error:
        for messages in error.errors.values():
            for message in messages:
                flash(str(message), "error")
        return see_other(url_for("catalogue.review", item_id=item.id))
    flash(_("%(name)s memakai bawaan katalog yang baru.", name=item.name), "success")
    return see_other(url_for("catalogue.detail", item_id=item.id))


@bp.route("/<int:item_id>/tinjau/tetap", methods=["POST"])
def keep_own(item_id):
    """Close the review keeping the kabupaten's values. Admin only."""
    item = _item_or_404(item_id)
    require_admin()
    service.keep_own(item)
    flash(_("%(name)s tetap memakai isian kabupaten.", name=item.name), "success")
    return see_other(url_for("catalogue.detail", item_id=item.id))


@bp.route("/asumsi", methods=["GET", "POST"])
def assumptions():
    """The kabupaten's impact assumptions: reference prevalence, its source, HAZ SD. 403 unless admin."""
    require_admin()
    kabupaten = _kabupaten()
    form = AssumptionsForm()
    if request.method == "GET":
        form.load(assumptions_for(kabupaten))
    if form.validate_on_submit():
        try:
            service.update_assumptions(kabupaten, form.values())
        except ServiceError as error:
            error.apply_to(form)
        else:
            flash(_("Asumsi dampak tersimpan. Dampak bawaan semua kegiatan dihitung ulang dengan angka ini."),
                  "success")
            return see_other(url_for("catalogue.index"))
    status = 422 if request.method == "POST" else 200
    return render_template("catalogue/assumptions.html", form=form, kabupaten=kabupaten), status
