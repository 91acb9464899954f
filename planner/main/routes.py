"""Home and region pages: where each user starts, scoped to their region."""
from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user

from ..access import get_region_or_404
from ..services.plans import default_plan_year, parse_year, plan_steps
from ..services.regions import plan_years, proposal_counts, villages_in_scope

bp = Blueprint("main", __name__)


@bp.route("/")
def home():
    """A village operator goes to their village; others see the villages they oversee."""
    if current_user.role == "desa":
        return redirect(url_for("main.region", code=current_user.region.code))
    # Only the year travels on (never other query arguments: `_external`, `_method`, `code`…).
    year = parse_year(request.args.get("tahun"))
    return redirect(url_for("main.region", code=current_user.region.code, **({"tahun": year} if year else {})))


@bp.route("/wilayah/<code>")
def region(code):
    """A region page. Desa: its plans by year. Kecamatan/kabupaten: its villages and their plans.

    404 if the region is outside the user's scope.
    """
    region = get_region_or_404(code)
    year = parse_year(request.args.get("tahun")) or default_plan_year()
    if region.level == "desa":
        own = current_user.role == "desa" and current_user.region_id == region.id
        return render_template("main/desa.html", desa=region, years=plan_years(region), year=year,
                               steps=plan_steps(region, editable=own))
    rows = villages_in_scope(current_user, year, parent=region)
    counts = proposal_counts([plan.id for _, plan in rows if plan is not None])
    return render_template("main/region.html", region=region, rows=rows, year=year, counts=counts)
