"""Oversight pages: the kecamatan and kabupaten dashboards, the quarter view, the scorecard's Dana Desa
table, a village's realisation, review threads, the APBDes bidang totals, and the recap downloads.
Views parse, call services.oversight / realisation / recap / scorecard / reviews, render."""
import heapq
from datetime import date

from flask import Blueprint, abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import charts
from ..access import get_plan_or_404, get_region_or_404
from ..domain import PACKAGES
from ..downloads import send_download
from ..htmx import see_other
from ..formatting import cost_per_case, format_percent, format_rupiah, format_rupiah_short
from ..numerals import NumberFormatError, parse_decimal
from ..services import ServiceError, aks, audit, money, oversight, realisation, reviews
from ..services import convergence as convergence_service
from ..services import recap as recap_service
from ..services import scorecard as scorecard_service
from ..services.plans import default_plan_year, parse_year
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
    flag, status, sort = request.args.get("tanda", ""), request.args.get("status", ""), request.args.get("urut", "")
    return dict(year=year, as_of=as_of or oversight.today(), as_of_given=as_of is not None, deadline=deadline,
                errors={k: v for k, v in (("per", as_of_error), ("batas", deadline_error)) if v},
                flag=flag if flag in oversight.FLAGS else "",
                status=status if status in oversight.STATUSES else "",
                priority_only=request.args.get("lokus") == "1",
                sort=sort if sort in oversight.SORTS else "kode",
                descending=request.args.get("turun") == "1")


def _years(selected):
    """The years a dashboard offers as tabs: the one being carried out, the one being planned, and
    the one asked for."""
    today = oversight.today()
    return sorted({today.year, default_plan_year(today), selected})


def _rows(region, args):
    context = oversight.context_for(region.kabupaten, args["year"], args["as_of"], deadline=args["deadline"])
    return oversight.village_rows(region, args["year"], context=context), context


def _rules_source(region, context):
    return money.source_text(context.rules, region.kabupaten.name)


@bp.route("/kecamatan/<code>/dasbor")
def kecamatan(code):
    """One row per village of the kecamatan (status, money, reports, flags beside the name) and the
    villages that need attention first. Sort and filter by query; 422 for an unreadable date."""
    region = get_region_or_404(code, level="kecamatan")
    args = _dashboard_args()
    rows, context = _rows(region, args)
    shown = oversight.filter_and_sort(rows, args["flag"], args["status"], args["priority_only"], args["sort"],
                                      args["descending"])
    total = oversight.totals(rows)
    return render_template("oversight/kecamatan.html", region=region, rows=shown, all_rows=rows,
                           attention=oversight.needing_attention(rows), total=total,
                           context=context, args=args, years=_years(args["year"]),
                           rules_source=_rules_source(region, context), awaiting=reviews.awaiting_officer([r.plan_id for r in rows if r.plan_id]),
                           charts=_charts(rows, total), aks_lines=aks.dashboard_lines(shown, args["year"]),
                           convergence=_convergence(region, args["year"])), 422 if args["errors"] else 200


def _convergence(region, year):
    """The convergence section: each village's (kecamatan dashboard) or kecamatan's (kabupaten dashboard)
    level per quarter and a small chart per row; None when no village has a scorecard for the year or
    the year before."""
    data = convergence_service.region_convergence(region, year)
    if not data.has_data:
        return None

    def text(levels):
        return ", ".join(_("Tw %(q)s %(v)s", q=name, v=(_("belum") if level is None else
                                                         format_percent(level.rate, 0, trim=True)))
                         for name, level in zip(("I", "II", "III", "IV"), levels))

    return {"year": data.year, "rows": data.rows, "level": region.level, "total": data.total, "notes": data.notes,
            "sparks": [charts.quarter_sparkline(row.rates, convergence_service.LAG_BELOW) for row in data.rows],
            "texts": [text(row.quarters) for row in data.rows],
            "total_spark": charts.quarter_sparkline([level.rate if level else None for level in data.total],
                                                    convergence_service.LAG_BELOW),
            "total_text": text(data.total)}


@bp.route("/kabupaten/<code>/dasbor")
def kabupaten(code):
    """The kabupaten's kecamatan side by side (each a link to its dashboard), and the villages that
    need attention, worst first."""
    region = get_region_or_404(code, level="kabupaten")
    args = _dashboard_args()
    rows, context = _rows(region, args)
    if args["flag"] or args["status"] or args["priority_only"]:
        flagged = oversight.filter_and_sort(rows, args["flag"], args["status"], args["priority_only"], "tanda", True)
    else:
        flagged = oversight.needing_attention(rows)
    kecamatan_rows = oversight.kecamatan_rows(rows)
    total = oversight.sum_of(kecamatan_rows)
    return render_template("oversight/kabupaten.html", region=region, kecamatan=kecamatan_rows,
                           total=total, flagged=flagged, context=context, args=args,
                           years=_years(args["year"]), rules_source=_rules_source(region, context),
                           charts=_charts(rows, total),
                           aks_lines=aks.dashboard_lines(rows, args["year"], with_team=False,
                                                         only_with_recommendations=True,
                                                         villages=oversight.village_ids(region)),
                           convergence=_convergence(region, args["year"])), 422 if args["errors"] else 200


def _charts(rows, total):
    """The dashboards' charts: money per package, expected and reported spending per quarter, and the
    committed Dana Desa per stunting case averted (model estimate, two significant figures), cheapest first."""
    packages = oversight.package_totals(rows)
    expected = [total.expected[0]] + [total.expected[q] - total.expected[q - 1] for q in range(1, 4)]
    per_case = heapq.nsmallest(30, (item for item in ((r.name, cost_per_case(r.committed, r.impact))
                                                      for r in rows if r.impact) if item[1] is not None),
                               key=lambda item: item[1])
    return {
        "packages": charts.bar_chart([(str(PACKAGES[k]), v) for k, v in packages.items()], format_rupiah),
        "quarters": charts.grouped_bar_chart(["I", "II", "III", "IV"], {
            _("Perkiraan (tahap penyaluran dan waktu kegiatan)"): expected, _("Realisasi dilaporkan"): total.quarters}),
        "cost_per_case": charts.bar_chart(per_case, format_rupiah_short) if per_case else None,
    }


def _oversight_region(code):
    """A kecamatan or kabupaten in scope (404 for a village or out of scope)."""
    region = get_region_or_404(code)
    if region.level == "desa":
        abort(404)
    return region


@bp.route("/wilayah/<code>/triwulan")
def quarters(code):
    """Villages (or, for a kabupaten, kecamatan) × quarters: what was reported, what not yet, and
    what the tranches and the activities' months lead one to expect."""
    region = _oversight_region(code)
    args = _dashboard_args()
    rows, context = _rows(region, args)
    due = [oversight.report_due(args["year"], q, context.rules.rules.report_days) for q in range(1, 5)]
    return render_template("oversight/quarters.html", region=region, rows=rows, args=args, context=context,
                           kecamatan=oversight.kecamatan_rows(rows) if region.level == "kabupaten" else None,
                           total=oversight.totals(rows), due=due, years=_years(args["year"])), \
        422 if args["errors"] else 200


@bp.route("/wilayah/<code>/penggunaan-dana-desa")
def scorecard(code):
    """The scorecard's table "Penggunaan Dana Desa dalam Pencegahan Stunting" for the region, with a
    line per village (kecamatan) or per kecamatan (kabupaten)."""
    region = _oversight_region(code)
    args = _dashboard_args()
    rows, _context = _rows(region, args)
    card = scorecard_service.region_scorecard(rows, by="desa" if region.level == "kecamatan" else "kecamatan")
    return render_template("oversight/scorecard.html", region=region, card=card, args=args,
                           years=_years(args["year"])), 422 if args["errors"] else 200


def _download_name(region, year, what, fmt):
    return f"{what}-{region.code}-{year}.{fmt}"


@bp.route("/wilayah/<code>/penggunaan-dana-desa.<fmt>")
def scorecard_download(code, fmt):
    """The region's Dana Desa table as CSV or XLSX."""
    region = _oversight_region(code)
    if fmt not in ("csv", "xlsx"):
        abort(404)
    args = _dashboard_args()
    rows, _context = _rows(region, args)
    card = scorecard_service.region_scorecard(rows, by="desa" if region.level == "kecamatan" else "kecamatan")
    table = recap_service.scorecard_table(region, args["year"], card)
    name = _download_name(region, args["year"], "penggunaan-dana-desa", fmt)
    audit.record_download(name, region=region)
    return send_download(recap_service.csv_bytes(table) if fmt == "csv" else recap_service.xlsx_file([table]), name)


@bp.route("/wilayah/<code>/rekap.<fmt>")
def recap(code, fmt):
    """The region's recap to send upward: XLSX (summary, villages, a sheet per kecamatan for a
    kabupaten, activities, the Dana Desa table) or CSV (`lembar=desa|kegiatan|kecamatan`), both
    streamed, as of `per`."""
    region = _oversight_region(code)
    if fmt not in ("xlsx", "csv"):
        abort(404)
    args = _dashboard_args()
    if args["errors"]:
        abort(400)
    rows, context = _rows(region, args)
    name = f"rekap-{region.code}-{args['year']}"
    if fmt == "xlsx":
        audit.record_download(f"{name}.xlsx", region=region)
        return send_download(recap_service.recap_xlsx_file(region, args["year"], rows, context), f"{name}.xlsx")
    sheet = request.args.get("lembar") if request.args.get("lembar") in recap_service.CSV_SHEETS else "desa"
    name += f"-{sheet}"
    audit.record_download(f"{name}.csv", region=region)
    body = recap_service.recap_csv_stream(region, args["year"], rows, context, sheet)
    return send_download(body, f"{name}.csv")


# --- Realisation -----------------------------------------------------------------------------------------------

@bp.route("/rencana/<int:plan_id>/realisasi", methods=["GET", "POST"])
def realisation_sheet(plan_id):
    """What was spent and delivered per committed activity and quarter. The village's operator
    records a quarter at a time (saving reports the quarter, even with nothing spent); everyone
    in scope reads it."""
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
                           editable=editable, errors=errors, typed=typed, reports=realisation.reports(plan),
                           quarter_names=realisation.QUARTER_NAMES), status


def _current_quarter(year):
    today = oversight.today()
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


# --- Review threads ----------------------------------------------------------------------------------------------

@bp.route("/rencana/<int:plan_id>/komentar", methods=["POST"])
def comment(plan_id):
    """A review note of a kecamatan or kabupaten officer (a new thread), or a reply in a thread by the
    village's operator or an officer. 403 for anyone else; the message goes back to the page."""
    plan = get_plan_or_404(plan_id)
    form = CommentForm()
    parent = None
    if form.parent_id.data:
        parent = reviews.thread_or_404(plan, form.parent_id.data)
    if not reviews.can_write(current_user, plan, parent):
        abort(403)
    back = request.form.get("kembali")
    target = (url_for("main.region", code=plan.desa.code) + "#catatan" if back == "desa"
              else url_for("plans.view", plan_id=plan.id) + "#reviews")
    if form.validate_on_submit():
        try:
            reviews.add_comment(plan, current_user, form.body.data or "", parent=parent)
        except ServiceError as error:
            flash(" ".join(str(m) for ms in error.errors.values() for m in ms), "error")
        else:
            flash(_("Jawaban tersimpan; kecamatan akan melihatnya.") if parent is not None and current_user.role == "desa"
                  else _("Catatan tinjauan tersimpan; desa akan melihatnya di beranda dan halaman rencana."), "success")
    return see_other(target)


@bp.app_context_processor
def _oversight_labels():
    return {"oversight_flags": oversight.FLAGS, "oversight_statuses": oversight.STATUSES,
            "oversight_severities": oversight.SEVERITIES, "today": oversight.today(), "base_label": money.base_label}
