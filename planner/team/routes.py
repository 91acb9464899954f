"""The village's team (TPPS desa) per year: the village's operator keeps it; officers read it."""
from flask import Blueprint, abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import get_region_or_404, in_scope
from ..extensions import db
from ..htmx import see_other
from ..models import TeamMember
from ..services import ServiceError
from ..services import team as service
from ..services.plans import default_plan_year, parse_year
from .forms import MemberForm

bp = Blueprint("team", __name__)


def _page(desa, year, form=None, status=200):
    members = service.members(desa, year)
    return render_template("team/view.html", desa=desa, year=year, members=members,
                           missing=service.missing_roles(m.role for m in members),
                           editable=service.can_edit(current_user, desa),
                           form=form or MemberForm(formdata=None, sex="P")), status


@bp.route("/wilayah/<code>/tim")
def view(code):
    """The team of `?tahun=` (the year being planned by default). 404 outside scope."""
    desa = get_region_or_404(code, level="desa")
    return _page(desa, parse_year(request.args.get("tahun")) or default_plan_year())


def _editable(code):
    desa = get_region_or_404(code, level="desa")
    if not service.can_edit(current_user, desa):
        abort(403)
    year = parse_year(request.args.get("tahun")) or default_plan_year()
    return desa, year


@bp.route("/wilayah/<code>/tim", methods=["POST"])
def add(code):
    desa, year = _editable(code)
    form = MemberForm()
    if form.validate_on_submit():
        try:
            service.add_member(desa, year, current_user, form.values())
        except ServiceError as error:
            error.apply_to(form)
        else:
            flash(_("Anggota tim tersimpan."), "success")
            return see_other(url_for("team.view", code=desa.code, tahun=year))
    return _page(desa, year, form, 422)


@bp.route("/wilayah/<code>/tim/salin", methods=["POST"])
def copy(code):
    desa, year = _editable(code)
    try:
        count = service.copy_previous_year(desa, year, current_user)
    except ServiceError as error:
        flash(str(error), "error")
    else:
        flash(_("%(n)s anggota disalin dari tahun sebelumnya.", n=count), "success")
    return see_other(url_for("team.view", code=desa.code, tahun=year))


@bp.route("/tim/<int:member_id>/hapus", methods=["POST"])
def remove(member_id):
    member = db.session.get(TeamMember, member_id)
    if member is None or not in_scope(current_user, member.desa):
        abort(404)
    if not service.can_edit(current_user, member.desa):
        abort(403)
    code, year = member.desa.code, member.year
    service.remove_member(member, current_user)
    flash(_("Anggota tim dihapus."), "success")
    return see_other(url_for("team.view", code=code, tahun=year))
