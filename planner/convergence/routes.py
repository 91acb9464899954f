"""Scorecard Konvergensi Desa pages. Views parse, call services.convergence(_sheet), render.

Everyone in scope reads a village's scorecards; only the village's own operator (who enters
them for the KPM, or the KPM with the village's account) saves or imports them: 403 for others.
"""
from flask import Blueprint, Response, abort, flash, make_response, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import get_region_or_404
from ..extensions import db
from ..htmx import add_vary, see_other
from ..services import ServiceError, audit, convergence
from ..documents.tables import write_csv, xlsx_file
from ..services import convergence_sheet as sheet
from ..services.oversight import today
from ..services.plans import parse_year

bp = Blueprint("convergence", __name__)


def _village(code):
    """The village in scope (404 for another level or out of scope)."""
    return get_region_or_404(code, level="desa")


def _can_enter(desa) -> bool:
    return current_user.role == "desa" and current_user.region_id == desa.id


def _year_arg():
    return parse_year(request.values.get("tahun")) or today().year


@bp.route("/wilayah/<code>/konvergensi")
def index(code):
    """A village's scorecards of one year (`tahun`): the four quarters with their tingkat konvergensi,
    the way to enter a quarter, the template and the import."""
    desa = _village(code)
    return _index(desa, _year_arg())


def _index(desa, year, import_errors=None, status=200):
    cards = convergence.year_cards(desa, year)
    years = sorted(set(convergence.years_with_data(desa)) | {today().year, year})
    current_year, current_quarter = convergence.current_quarter()
    return render_template("convergence/index.html", desa=desa, year=year, years=years, cards=cards,
                           card_levels={q: convergence.card_levels(c) for q, c in cards.items()},
                           editable=_can_enter(desa), import_errors=import_errors or [],
                           lagging=convergence.lagging(desa, year),
                           suggested_quarter=current_quarter if year == current_year else 1,
                           started={q: convergence.has_started(year, q) for q in convergence.QUARTERS},
                           quarter_names=convergence.QUARTER_NAMES), status


def _quarter_args(year, quarter):
    if parse_year(str(year)) is None or quarter not in convergence.QUARTERS:
        abort(404)


@bp.route("/wilayah/<code>/konvergensi/<int:year>/<int:quarter>", methods=["GET", "POST"])
def quarter(code, year, quarter):
    """One quarter's scorecard, laid out like the paper one: the village's operator enters or corrects it
    (every field checked, received ≤ should; 422 with the messages at the fields, nothing saved);
    others read it. 404 for a year or quarter that cannot be."""
    desa = _village(code)
    _quarter_args(year, quarter)
    editable = _can_enter(desa) and convergence.has_started(year, quarter)
    if request.method == "POST" and not _can_enter(desa):
        abort(403)
    card = convergence.get(desa, year, quarter)
    errors, typed, status = {}, None, 200
    if request.method == "POST":
        values, errors, typed = convergence.read_values(request.form)
        if errors:      # the checks across fields too, on what could be read: every problem at once
            for name, messages in convergence.check(values).items():
                errors.setdefault(name, messages)
        else:
            version = request.form.get("version", "")
            try:
                convergence.save_quarter(desa, year, quarter, values, current_user, "form",
                                         version=int(version) if version.isdigit() else None)
            except ServiceError as error:
                errors = {k: [str(m) for m in v] for k, v in error.errors.items()}
            else:
                flash(_("Scorecard triwulan %(q)s %(year)s tersimpan.", q=convergence.QUARTER_NAMES[quarter],
                        year=year), "success")
                return see_other(url_for("convergence.index", code=desa.code, tahun=year))
        status = 422
    values = convergence.values_of(card) if card is not None else {}
    shown_levels = convergence.card_levels(card) if card is not None else None
    return render_template("convergence/quarter.html", desa=desa, year=year, quarter=quarter, card=card,
                           values=values, typed=typed, errors=errors, editable=editable, levels=shown_levels,
                           indicators=convergence.INDICATORS, started=convergence.has_started(year, quarter),
                           quarter_names=convergence.QUARTER_NAMES), status


@bp.route("/wilayah/<code>/konvergensi/<int:year>/<int:quarter>/hitung", methods=["POST"])
def preview(code, year, quarter):
    """Table 4 of the counts being typed, not saved (htmx swaps it under the form as the operator
    types): the services whose two counts read and received ≤ should. 403 for anyone but the
    village's operator."""
    desa = _village(code)
    _quarter_args(year, quarter)
    if not _can_enter(desa):
        abort(403)
    values, _errors, _typed = convergence.read_values(request.form)
    pairs = {}
    for indicator in convergence.INDICATORS:
        should, received = values.get(f"should-{indicator.code}"), values.get(f"received-{indicator.code}")
        if should is not None and received is not None and received <= should:
            pairs[indicator.code] = (should, received)
    return add_vary(make_response(render_template("convergence/_live_levels.html",
                                                  levels=convergence.levels(pairs))))


@bp.route("/wilayah/<code>/konvergensi/templat.xlsx")
def template(code):
    """The XLSX template for the village, the year and the quarter asked for (`tahun`, `triwulan`),
    holding what is stored for that quarter, if anything."""
    desa = _village(code)
    year = _year_arg()
    quarter_number = request.args.get("triwulan", type=int) or 1
    if quarter_number not in convergence.QUARTERS:
        quarter_number = 1
    card = convergence.get(desa, year, quarter_number)
    data = sheet.template_xlsx(desa, year, quarter_number, convergence.values_of(card) if card else None)
    name = f"scorecard-konvergensi-{desa.code}-{year}-tw{quarter_number}.xlsx"
    audit.record("export", region=desa, what=name)
    db.session.commit()
    return send_file(data, as_attachment=True, download_name=name, mimetype=sheet.XLSX_MIMETYPE)


@bp.route("/wilayah/<code>/konvergensi/impor", methods=["POST"])
def upload(code):
    """Import a filled template: the quarter it names is saved whole, or nothing is (422 with a message
    per cell). A quarter already stored is replaced only when `ganti` is ticked."""
    desa = _village(code)
    if not _can_enter(desa):
        abort(403)
    upload_file = request.files.get("berkas")
    year = _year_arg()
    if upload_file is None or not upload_file.filename:
        return _index(desa, year, [_("Pilih berkas XLSX scorecard dulu.")], 422)
    data = upload_file.read(sheet.MAX_BYTES + 1)
    try:
        imported = sheet.read_xlsx(upload_file.filename, data, desa)
    except sheet.ConvergenceFileError as error:
        return _index(desa, year, error.messages, 422)
    if not convergence.has_started(imported.year, imported.quarter):
        return _index(desa, year, [_("Triwulan %(q)s %(year)s belum dimulai: scorecard mencatat layanan yang "
                                     "sudah diterima.", q=convergence.QUARTER_NAMES[imported.quarter],
                                     year=imported.year)], 422)
    existing = convergence.get(desa, imported.year, imported.quarter)
    if existing is not None and request.form.get("ganti") != "1":
        return _index(desa, imported.year, [_(
            "Scorecard triwulan %(q)s %(year)s sudah ada. Centang “Ganti triwulan yang sudah ada” bila berkas ini "
            "memang menggantikannya; belum ada yang berubah.", q=convergence.QUARTER_NAMES[imported.quarter],
            year=imported.year)], 422)
    try:
        convergence.save_quarter(desa, imported.year, imported.quarter, imported.values, current_user, "xlsx")
    except ServiceError as error:
        return _index(desa, year, [str(m) for ms in error.errors.values() for m in ms], 422)
    flash(_("Scorecard triwulan %(q)s %(year)s diimpor dari %(name)s.", q=convergence.QUARTER_NAMES[imported.quarter],
            year=imported.year, name=upload_file.filename), "success")
    return see_other(url_for("convergence.index", code=desa.code, tahun=imported.year))


@bp.route("/wilayah/<code>/konvergensi.<fmt>")
def region_download(code, fmt):
    """A kecamatan's or kabupaten's scorecards of `tahun` as XLSX or CSV: one row per village and
    quarter entered (404 for a village, another format, or a region out of scope)."""
    region = get_region_or_404(code)
    if region.level == "desa" or fmt not in ("csv", "xlsx"):
        abort(404)
    year = _year_arg()
    table = convergence.region_table(region, year)
    name = f"scorecard-konvergensi-{region.code}-{year}.{fmt}"
    audit.record("export", region=region, what=name)
    db.session.commit()
    if fmt == "csv":
        return Response(write_csv(table), mimetype="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
    return send_file(xlsx_file([table]), as_attachment=True, download_name=name, mimetype=sheet.XLSX_MIMETYPE)
