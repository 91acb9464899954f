"""Home and region pages: where each user starts, scoped to their region."""

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user

from ..access import get_region_or_404
from ..oversight.forms import CommentForm
from ..services import aks, convergence, oversight, reviews, team
from ..services.plan_state import state_of
from ..services.plans import default_plan_year, parse_year, plan_for_year, plan_steps
from ..services.regions import open_meeting_plans, plan_years, proposal_counts, villages_in_scope

bp = Blueprint("main", __name__)


@bp.route("/")
def home():
    """Everyone lands where their work is: a village operator on the village's page (its plans, its
    flags, the kecamatan's notes), a kecamatan officer on the kecamatan dashboard, a kabupaten admin
    on the kabupaten dashboard. Only the year travels on (never other query arguments: `_external`,
    `_method`, `code`…)."""
    year = parse_year(request.args.get("tahun"))
    keep = {"tahun": year} if year else {}
    if current_user.role == "kecamatan":
        return redirect(url_for("oversight.kecamatan", code=current_user.region.code, **keep))
    if current_user.role == "admin":
        return redirect(url_for("oversight.kabupaten", code=current_user.region.code, **keep))
    return redirect(url_for("main.region", code=current_user.region.code))


@bp.route("/wilayah/<code>")
def region(code):
    """A region page. Desa: its plans by year, what the kecamatan sees (flags) and the review threads.
    Kecamatan/kabupaten: its villages and their plans.

    404 if the region is outside the user's scope.
    """
    region = get_region_or_404(code)
    year = parse_year(request.args.get("tahun")) or default_plan_year()
    if region.level == "desa":
        return _village_home(region, year)
    rows = villages_in_scope(current_user, year, parent=region)
    counts = proposal_counts([plan.id for _, plan in rows if plan is not None])
    open_meetings = open_meeting_plans([plan.id for _, plan in rows if plan is not None])
    states = {plan.id: state_of(plan.status, plan.id in open_meetings) for _, plan in rows if plan is not None}
    return render_template("main/region.html", region=region, rows=rows, year=year, counts=counts, states=states)


def _village_home(desa, year):
    """The village's plans by year; for the year being carried out and the year being planned, the
    status and the flags the kecamatan sees; the review threads of its plans, those awaiting its
    answer first."""
    years = plan_years(desa)
    today = oversight.today()
    focus = sorted({today.year, default_plan_year(today)}, reverse=True)
    cards = []
    for y in focus:
        plan = plan_for_year(desa, y)
        rows = oversight.village_rows(desa, y) if plan is not None else []
        cards.append((y, plan, rows[0] if rows else None))
    threads = []
    for y in years:
        plan = plan_for_year(desa, y)
        threads += [(plan, t) for t in reviews.threads_of(plan)]
    threads.sort(key=lambda item: (not item[1].awaiting_village, -item[1].last.id))
    can_reply = current_user.role in reviews.OFFICERS or (current_user.role == "desa"
                                                          and current_user.region_id == desa.id)
    own = current_user.role == "desa" and current_user.region_id == desa.id
    latest_card = convergence.latest(desa)
    aks_by_plan = {plan.id: aks.plan_statuses(plan) for _y, plan, _row in cards if plan is not None}
    team_missing = {y: team.missing_by_village([desa.id], y)[desa.id] for y, _plan, _row in cards}
    return render_template("main/desa.html", convergence_card=latest_card,
                           convergence_levels=convergence.card_levels(latest_card) if latest_card else None,
                           desa=desa, years=years, year=year, cards=cards, threads=threads,
                           aks_by_plan=aks_by_plan, team_missing=team_missing,
                           awaiting=sum(1 for _p, t in threads if t.awaiting_village), can_reply=can_reply,
                           reply_form=CommentForm(formdata=None), steps=plan_steps(desa, editable=own))
