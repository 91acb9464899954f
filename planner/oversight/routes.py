"""Oversight pages: the kecamatan and kabupaten dashboards, a village's realisation, review comments,
and the recap downloads. Views parse, call services.oversight / realisation / recap, render."""
from datetime import date

from flask import Blueprint, Response, abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import charts
from ..access import get_plan_or_404, get_region_or_404
from ..domain import PACKAGES
from ..extensions import db
from ..htmx import see_other
from ..formatting import format_rupiah
from ..numerals import NumberFormatError, parse_decimal
from ..services import ServiceError, history, oversight, realisation
from ..services import recap as recap_service
from ..services.plans import default_plan_year, parse_year
from ..services.reviews import add_comment, can_comment
from .forms import CommentForm

bp = Blueprint("oversight", __name__)


def _date_arg(name):
    text = (request.args.get(name) or "").strip()
    if not text:
        return None, None
    try:
        return date.fromisoformat(text), None
    except ValueError:
        return None, _("Tanggal tidak dikenali; pilih tanggal dari kalender.")


def _dashboard_args():
    year = parse_year(request.args.get("tahun")) or default_plan_year()
    as_of, as_of_error = _date_arg("per")
    deadline, deadline_error = _date_arg("batas")
    return dict(year=year, as_of=as_of or date.today(), deadline=deadline,
                errors={k: v for k, v in (("per", as_of_error), ("batas", deadline_error)) if v},
                flag=request.args.get("tanda", "") if request.args.get("tanda", "") in oversight.FLAGS else "",
                status=request.args.get("status", "") if request.args.get("status", "") in oversight.STATUSES else "",
                priority_only=request.args.get("lokus") == "1",
                sort=request.args.get("urut", "kode") if request.args.get("urut", "kode") in oversight.SORTS else "kode",
                descending=request.args.get("turun") == "1")


@bp.route("/kecamatan/<code>/dasbor")
def kecamatan(code):
    """One row per village of the kecamatan: status, money, coverage, flags. Sort and filter by query."""
    region = get_region_or_404(code, level="kecamatan")
    args = _dashboard_args()
    settings = oversight.settings_of(region.kabupaten, args["year"])
    rows = oversight.village_rows(region, args["year"], as_of=args["as_of"], settings=settings,
                                  deadline=args["deadline"])
    shown = oversight.filter_and_sort(rows, args["flag"], args["status"], args["priority_only"], args["sort"],
                                      args["descending"])
    return render_template("oversight/kecamatan.html", region=region, rows=shown, all_rows=rows,
                           total=oversight.totals(rows), settings=settings, args=args,
                           charts=_charts(region, args["year"], rows)), 422 if args["errors"] else 200


@bp.route("/kabupaten/<code>/dasbor")
def kabupaten(code):
    """The kabupaten's kecamatan side by side (each a link to its dashboard), and its flagged villages."""
    region = get_region_or_404(code, level="kabupaten")
    args = _dashboard_args()
    settings = oversight.settings_of(region, args["year"])
    rows = oversight.village_rows(region, args["year"], as_of=args["as_of"], settings=settings,
                                  deadline=args["deadline"])
    flagged = oversight.filter_and_sort(rows, args["flag"], args["status"], args["priority_only"], "tanda", True)
    if not (args["flag"] or args["status"] or args["priority_only"]):
        flagged = [r for r in flagged if r.flags]
    return render_template("oversight/kabupaten.html", region=region, kecamatan=oversight.kecamatan_rows(rows),
                           total=oversight.totals(rows), flagged=flagged, settings=settings, args=args,
                           charts=_charts(region, args["year"], rows)), 422 if args["errors"] else 200


def _charts(region, year, rows):
    """The dashboards' charts: money per package, realisation per quarter, impact per million."""
    packages = oversight.package_totals(region, year)
    committed = sum(r.committed or 0 for r in rows)
    by_quarter = [sum(r.quarters[q] for r in rows) for q in range(4)]
    per_quarter_commitment = [committed / 4] * 4
    impact = sorted(((r.name, r.impact_per_million) for r in rows if r.impact_per_million is not None),
                    key=lambda item: -item[1])
    return {
        "packages": charts.bar_chart([(str(PACKAGES[k]), v) for k, v in packages.items()], format_rupiah),
        "quarters": charts.grouped_bar_chart(["I", "II", "III", "IV"], {
            _("Komitmen (seperempat per triwulan)"): per_quarter_commitment, _("Realisasi"): by_quarter}),
        "impact": charts.bar_chart([(name, value) for name, value in impact[:30]],
                                   lambda v: f"{v:.3f}".replace(".", ",")) if impact else None,
    }


@bp.route("/wilayah/<code>/rekap.<fmt>")
def recap(code, fmt):
    """The region's recap: villages and committed activities, as XLSX (two sheets) or CSV (one)."""
    region = get_region_or_404(code)
    if region.level == "desa" or fmt not in ("xlsx", "csv"):
        abort(404)
    year = parse_year(request.args.get("tahun")) or default_plan_year()
    rows = oversight.village_rows(region, year)
    name = f"rekap-{region.code}-{year}"
    if fmt == "xlsx":
        body = recap_service.recap_xlsx(region, year, rows)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        sheet = "kegiatan" if request.args.get("lembar") == "kegiatan" else "desa"
        body = recap_service.recap_csv(region, year, rows, sheet=sheet)
        name += f"-{sheet}"
        mimetype = "text/csv"
    history.record("export", region=region, what=f"{name}.{fmt}")
    db.session.commit()
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'})


# --- Realisation -----------------------------------------------------------------------------------------------

@bp.route("/rencana/<int:plan_id>/realisasi", methods=["GET", "POST"])
def realisation_sheet(plan_id):
    """What was spent and delivered per committed activity and quarter. The village's operator
    records a quarter at a time; everyone in scope reads it."""
    plan = get_plan_or_404(plan_id)
    editable = realisation.can_record(current_user, plan)
    if request.method == "POST" and not editable:
        abort(403)
    quarter = request.values.get("triwulan", type=int) or _current_quarter(plan.year)
    if quarter not in realisation.QUARTERS:
        quarter = 1
    current = realisation.sheet(plan)
    errors, typed, status = {}, {}, 200
    if request.method == "POST" and current is not None:
        values, errors, typed = _read_quarter(current)
        if not errors:
            try:
                changed = realisation.save_quarter(plan, current_user, quarter, values)
            except ServiceError as error:
                errors = {k: [str(m) for m in v] for k, v in error.errors.items()}
            else:
                flash(_("Realisasi triwulan %(q)s tersimpan (%(n)s baris berubah).",
                        q=realisation.QUARTER_NAMES[quarter], n=changed), "success")
                return see_other(url_for("oversight.realisation_sheet", plan_id=plan.id, triwulan=quarter))
        status = 422
        current = realisation.sheet(plan)
    return render_template("oversight/realisation.html", plan=plan, sheet=current, quarter=quarter,
                           editable=editable, errors=errors, typed=typed,
                           quarter_names=realisation.QUARTER_NAMES), status


def _current_quarter(year):
    today = date.today()
    if today.year < year:
        return 1
    if today.year > year:
        return 4
    return (today.month - 1) // 3 + 1


def _read_quarter(current):
    """The posted quarter: numbers read the Indonesian way; what was typed is kept for the form."""
    values, errors, typed = {}, {}, {}
    form = request.form
    for line in current.lines:
        key = line.key
        if f"spent-{key}" not in form and f"units-{key}" not in form:
            continue
        row = {}
        typed[key] = {name: form.get(f"{name}-{key}", "") for name in ("spent", "units", "note", "over_reason")}
        for name, label in (("spent", "spent"), ("units", "units")):
            text = (form.get(f"{name}-{key}") or "").strip()
            if not text:
                row[name] = 0
                continue
            try:
                number = parse_decimal(text)
            except NumberFormatError:
                errors[f"{key}-{label}"] = [_("Tulis angka, misalnya 1.250.000.")]
                continue
            if number != number.to_integral_value():
                errors[f"{key}-{label}"] = [_("Harus bilangan bulat.")]
                continue
            if abs(number) > 999_000_000_000_000:
                errors[f"{key}-{label}"] = [_("Terlalu besar.")]
                continue
            row[name] = int(number)
        row["note"] = form.get(f"note-{key}", "")
        row["over_reason"] = form.get(f"over_reason-{key}", "")
        version = form.get(f"version-{key}", "")
        row["version"] = int(version) if version.isdigit() else None
        values[key] = row
    return values, errors, typed


# --- Review comments -------------------------------------------------------------------------------------------

@bp.route("/rencana/<int:plan_id>/komentar", methods=["POST"])
def comment(plan_id):
    """A kecamatan or kabupaten officer's review comment on a village plan; the village sees it."""
    plan = get_plan_or_404(plan_id)
    if not can_comment(current_user, plan):
        abort(403)
    form = CommentForm()
    if form.validate_on_submit():
        try:
            add_comment(plan, current_user, form.body.data or "")
        except ServiceError as error:
            flash(" ".join(str(m) for ms in error.errors.values() for m in ms), "error")
        else:
            flash(_("Catatan tinjauan tersimpan; desa akan melihatnya di halaman rencana."), "success")
    return see_other(url_for("plans.view", plan_id=plan.id) + "#reviews")


@bp.app_context_processor
def _oversight_labels():
    return {"oversight_flags": oversight.FLAGS, "oversight_statuses": oversight.STATUSES}
