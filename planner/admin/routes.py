"""Kabupaten settings pages, for the kabupaten's admins only.

Every page starts with `_kabupaten(code)`: a kecamatan officer or village operator
gets 403, an admin of another kabupaten 404 (its existence is not revealed), and
every object is then looked up inside that kabupaten. Views parse and render;
services.settings, services.region_import and services.users apply the changes
and write the history.
"""
from flask import Blueprint, abort, current_app, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from .. import domain, money_rules
from ..access import get_region_or_404, require_admin
from ..documents.tables import write_csv, write_xlsx
from ..downloads import send_download
from ..extensions import csrf
from ..fields import page_number, record_id
from ..htmx import see_other
from ..services import ServiceError
from ..services import audit_review, region_import
from ..services.audit import record_download
from ..services import settings as settings_service
from ..services import users as users_service
from ..services.plans import MAX_YEAR, MIN_YEAR, default_plan_year, parse_year
from ..services.rules import DEFAULT_RULES
from .forms import (AuditFilterForm, BulkUsersForm, CopyYearForm, LokusUploadForm, PasswordResetForm, RegionConfirmForm,
                    RegionUploadForm, UserActiveForm, UserCreateForm, UserEditForm, YearSettingsForm, region_choices)

bp = Blueprint("admin", __name__)

ADMIN_ACTIONS = ("settings.", "regions.", "user.")


def _kabupaten(code):
    """The admin's own kabupaten: 403 unless an admin, 404 for any other code."""
    require_admin()
    region = get_region_or_404(code, level="kabupaten")
    if region.id != current_user.region_id:
        abort(404)
    return region


def _year_or_404(year):
    if not MIN_YEAR <= year <= MAX_YEAR:
        abort(404)
    return year


# --- Settings ----------------------------------------------------------------------------------------------

@bp.route("/kabupaten/<code>/pengaturan")
def index(code):
    """The kabupaten's settings: the years with a rule set, and links to regions, users and the catalogue."""
    kabupaten = _kabupaten(code)
    requested = request.args.get("tahun")
    if requested is not None:
        year = parse_year(requested)
        if year is not None:
            return see_other(url_for("admin.settings_year", code=code, year=year))
        flash(_("Tahun tidak dikenali: tulis tahun %(min)s–%(max)s.", min=MIN_YEAR, max=MAX_YEAR), "error")
    years = settings_service.settings_years(kabupaten)
    planning = default_plan_year()
    suggested = [y for y in (planning, planning + 1) if y not in {s.year for s in years}]
    return render_template("admin/index.html", kabupaten=kabupaten, years=years, suggested=suggested,
                           planning_year=planning, events=audit_review.recent_changes(kabupaten))


@bp.route("/kabupaten/<code>/pengaturan/<int:year>", methods=["GET", "POST"])
def settings_year(code, year):
    """The year's settings: the rule set villages start from, the floor, the deadline, the first
    tranche, the legal basis and the desa lokus. 422 with the messages at the fields; a stale
    version (someone saved in between) is refused with a message, nothing overwritten."""
    kabupaten = _kabupaten(code)
    _year_or_404(year)
    stored = settings_service.year_settings(kabupaten, year)
    villages = settings_service.kabupaten_villages(kabupaten)
    form = YearSettingsForm()
    form.priority_desa_ids.choices = domain.options((desa.id, desa.name) for _kec, desas in villages for desa in desas)
    if request.method == "GET":
        form.fill(settings_service.as_values(stored) if stored else settings_service.form_defaults(kabupaten, year))
        form.version_id.data = stored.version_id if stored else 0
    elif form.validate_on_submit():
        try:
            settings_service.save_year_settings(kabupaten, year, form.values(), current_user,
                                                expected_version=form.version_id.number())
        except ServiceError as error:
            error.apply_to(form)
        else:
            flash(_("Pengaturan tahun %(year)s tersimpan. Rencana desa tanpa aturan sendiri memakai aturan ini.",
                    year=year), "success")
            return see_other(url_for("admin.settings_year", code=code, year=year))
    status = 422 if request.method == "POST" else 200
    return _year_page(kabupaten, year, form, stored, villages, status)


def _year_page(kabupaten, year, form, stored, villages, status=200, lokus_form=None):
    previous = settings_service.previous_year_settings(kabupaten, year)
    _default, source = money_rules.default_for(year)
    if source is None:
        money_hint = _("Aplikasi tidak mengenal aturan dana desa tahun %(year)s: isi sesuai peraturan yang berlaku.",
                       year=year)
    elif source != year:
        money_hint = _("Aplikasi belum mengenal aturan tahun %(year)s: formulir diisi dengan aturan tahun %(source)s. "
                       "Periksa peraturan tahun ini sebelum menyimpan.", year=year, source=source)
    else:
        money_hint = _("Formulir diisi dengan aturan tahun %(year)s menurut aplikasi; periksa sebelum menyimpan.",
                       year=year)
    return render_template("admin/year.html", kabupaten=kabupaten, year=year, form=form, stored=stored,
                           villages=villages, previous=previous, defaults=DEFAULT_RULES, money_hint=money_hint,
                           copy_form=CopyYearForm(formdata=None, version_id=stored.version_id if stored else 0),
                           lokus_form=lokus_form or LokusUploadForm(formdata=None),
                           chosen=set(form.priority_desa_ids.data or [])), status


@bp.route("/kabupaten/<code>/pengaturan/<int:year>/lokus", methods=["POST"])
def lokus_import(code, year):
    """Replace the year's desa lokus with the villages of a CSV (one Kemendagri code per row), all or
    nothing; 422 with every unknown code named at the file field."""
    kabupaten = _kabupaten(code)
    _year_or_404(year)
    lokus_form = LokusUploadForm()
    if lokus_form.validate_on_submit():
        upload = lokus_form.file.data
        try:
            count = settings_service.import_priority_villages(kabupaten, year, upload.filename or "",
                                                              upload.read(settings_service.LOKUS_MAX_BYTES + 1),
                                                              current_user)
        except ServiceError as error:
            error.apply_to(lokus_form)
        else:
            flash(_("Desa lokus tahun %(year)s diganti: %(n)s desa dari berkas.", year=year, n=count), "success")
            return see_other(url_for("admin.settings_year", code=code, year=year) + "#lokus")
    stored = settings_service.year_settings(kabupaten, year)
    villages = settings_service.kabupaten_villages(kabupaten)
    form = YearSettingsForm(formdata=None)
    form.priority_desa_ids.choices = domain.options((desa.id, desa.name) for _kec, desas in villages for desa in desas)
    form.fill(settings_service.as_values(stored) if stored else settings_service.form_defaults(kabupaten, year))
    form.version_id.data = stored.version_id if stored else 0
    return _year_page(kabupaten, year, form, stored, villages, 422, lokus_form=lokus_form)


@bp.route("/kabupaten/<code>/pengaturan/<int:year>/salin", methods=["POST"])
def copy_year(code, year):
    """Start the year from the previous year's settings (the deadline is not copied), then show the form."""
    kabupaten = _kabupaten(code)
    _year_or_404(year)
    form = CopyYearForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        settings_service.copy_previous_year(kabupaten, year, current_user,
                                            expected_version=form.version_id.number())
    except ServiceError as error:
        for messages in error.errors.values():
            for message in messages:
                flash(str(message), "error")
    else:
        flash(_("Pengaturan tahun %(source)s disalin ke tahun %(year)s. Batas waktu komitmen tidak disalin: "
                "periksa dan isi untuk tahun ini.", source=year - 1, year=year), "success")
    return see_other(url_for("admin.settings_year", code=code, year=year))


# --- Regions -----------------------------------------------------------------------------------------------

@bp.route("/kabupaten/<code>/wilayah")
def regions(code):
    """The kabupaten's kecamatan and their villages, with their Kemendagri codes."""
    kabupaten = _kabupaten(code)
    villages = settings_service.kabupaten_villages(kabupaten)
    return render_template("admin/regions.html", kabupaten=kabupaten, villages=villages)


def _upload_page(kabupaten, form, status=200):
    return render_template("admin/region_upload.html", kabupaten=kabupaten, form=form,
                           max_mb=region_import.MAX_BYTES // (1024 * 1024)), status


def _file_error(kabupaten, message, status):
    form = RegionUploadForm(formdata=None)
    form.file.errors = [message]
    return _upload_page(kabupaten, form, status)


@bp.route("/kabupaten/<code>/wilayah/impor")
def region_import_form(code):
    """The upload form for a region list CSV."""
    kabupaten = _kabupaten(code)
    return _upload_page(kabupaten, RegionUploadForm())


@bp.route("/kabupaten/<code>/wilayah/impor", methods=["POST"])
@csrf.exempt
def region_import_preview(code):
    """Check the uploaded CSV and show every row: new, renamed, unchanged, passed over, or its errors.
    Saves nothing. 413 for a file over the limit, 422 for one that is not a readable CSV.

    Exempt from the blanket CSRF check and checked here (as the proposal import does), so that a
    too-large upload gets a message at the file field instead of a bare error page.
    """
    kabupaten = _kabupaten(code)
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit and request.content_length and request.content_length > limit:
        return _file_error(kabupaten, region_import.too_big_message(), 413)
    try:
        csrf.protect()
        form = RegionUploadForm()
        valid = form.validate_on_submit()
    except RequestEntityTooLarge:
        return _file_error(kabupaten, region_import.too_big_message(), 413)
    if not valid:
        return _upload_page(kabupaten, form, 422)
    upload = form.file.data
    data = upload.read(region_import.MAX_BYTES + 1)
    if len(data) > region_import.MAX_BYTES:
        return _file_error(kabupaten, region_import.too_big_message(), 413)
    try:
        preview = region_import.preview_import(kabupaten, current_user.id, upload.filename or "", data)
    except region_import.RegionFileError as error:
        form.file.errors = [str(error)]
        return _upload_page(kabupaten, form, 422)
    confirm = RegionConfirmForm(formdata=None, rows=preview.token)
    return render_template("admin/region_preview.html", kabupaten=kabupaten, preview=preview, confirm=confirm,
                           filename=upload.filename, upload=RegionUploadForm(formdata=None),
                           max_mb=region_import.MAX_BYTES // (1024 * 1024))


@bp.route("/kabupaten/<code>/wilayah/impor/simpan", methods=["POST"])
@csrf.exempt
def region_import_confirm(code):
    """Save the previewed changes, all or nothing, and show the region list (303).

    400 when the hidden data was changed or made for another kabupaten or user; a region
    list changed since the preview sends the admin back to upload again.
    """
    kabupaten = _kabupaten(code)
    request.max_form_memory_size = current_app.config.get("MAX_CONTENT_LENGTH")
    csrf.protect()
    form = RegionConfirmForm()
    try:
        changes, baseline = region_import.read_token(kabupaten, current_user.id, form.rows.data)
    except region_import.InvalidToken:
        message = _("Data impor tidak sah: data tersembunyi di halaman pratinjau berubah, atau dibuat untuk "
                    "kabupaten atau pengguna lain. Tidak ada yang disimpan. Unggah berkas lagi.")
        return render_template("errors/page.html", code=400, message=message), 400
    try:
        counts = region_import.apply_import(kabupaten, changes, baseline, current_user)
    except ServiceError as error:
        for messages in error.errors.values():
            for message in messages:
                flash(str(message), "error")
        return see_other(url_for("admin.region_import_form", code=code))
    flash(_("Daftar wilayah tersimpan: %(new)s wilayah baru, %(renamed)s berganti nama.", new=counts["new"],
            renamed=counts["renamed"]), "success")
    return see_other(url_for("admin.regions", code=code))


# --- Users -------------------------------------------------------------------------------------------------

def _user_or_404(kabupaten, user_id):
    user = users_service.get_user(kabupaten, user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/kabupaten/<code>/pengguna")
def users(code):
    """The kabupaten's accounts (admins, kecamatan officers, village operators)."""
    kabupaten = _kabupaten(code)
    return render_template("admin/users.html", kabupaten=kabupaten,
                           users=users_service.kabupaten_users(kabupaten), active_form=UserActiveForm())


@bp.route("/kabupaten/<code>/pengguna/baru", methods=["GET", "POST"])
def user_create(code):
    """Add an account: user name, name, role, a region of the role's level, the first password."""
    kabupaten = _kabupaten(code)
    form = UserCreateForm()
    form.region_id.choices = region_choices(users_service.regions_for_roles(kabupaten))
    if form.validate_on_submit():
        try:
            user = users_service.create_user(kabupaten, form.values(), current_user)
        except ServiceError as error:
            error.apply_to(form)
        else:
            flash(_("Akun %(username)s dibuat. Berikan kata sandinya kepada %(name)s secara langsung.",
                    username=user.username, name=user.name), "success")
            return see_other(url_for("admin.users", code=code))
    status = 422 if request.method == "POST" else 200
    return render_template("admin/user_form.html", kabupaten=kabupaten, form=form, user=None), status


@bp.route("/kabupaten/<code>/pengguna/<int:user_id>/ubah", methods=["GET", "POST"])
def user_edit(code, user_id):
    """Change an account's name, role, region and whether it may log in; not one's own role or status."""
    kabupaten = _kabupaten(code)
    user = _user_or_404(kabupaten, user_id)
    form = UserEditForm()
    form.region_id.choices = region_choices(users_service.regions_for_roles(kabupaten))
    if request.method == "GET":
        form.name.data, form.role.data = user.name, user.role
        form.region_id.data, form.active.data = str(user.region_id), user.active
    elif form.validate_on_submit():
        try:
            users_service.update_user(kabupaten, user, form.values(), current_user)
        except ServiceError as error:
            error.apply_to(form)
        else:
            flash(_("Akun %(username)s tersimpan.", username=user.username), "success")
            return see_other(url_for("admin.users", code=code))
    status = 422 if request.method == "POST" else 200
    return render_template("admin/user_form.html", kabupaten=kabupaten, form=form, user=user), status


@bp.route("/kabupaten/<code>/pengguna/<int:user_id>/sandi", methods=["GET", "POST"])
def user_password(code, user_id):
    """Set a new password for an account (the admin types it and passes it on)."""
    kabupaten = _kabupaten(code)
    user = _user_or_404(kabupaten, user_id)
    form = PasswordResetForm()
    if form.validate_on_submit():
        try:
            users_service.reset_password(kabupaten, user, form.password.data, current_user)
        except ServiceError as error:
            error.apply_to(form)
        else:
            flash(_("Kata sandi %(username)s diganti. Berikan kata sandi baru kepada %(name)s secara langsung.",
                    username=user.username, name=user.name), "success")
            return see_other(url_for("admin.users", code=code))
    status = 422 if request.method == "POST" else 200
    return render_template("admin/user_password.html", kabupaten=kabupaten, form=form, user=user), status


@bp.route("/kabupaten/<code>/pengguna/massal", methods=["GET", "POST"])
def users_bulk(code):
    """Accounts in bulk from the region list: every kecamatan and village of the chosen kecamatan
    that has no account yet gets one with a random first password, changed at the first log-in.
    GET lists them (all ticked); POST creates the ticked ones and answers the printable sheet of
    first passwords (200, never stored or cached: shown this once). 422 with the reason."""
    kabupaten = _kabupaten(code)
    missing = users_service.accounts_missing(kabupaten)
    kecamatan = sorted({(row["region"] if row["role"] == "kecamatan" else row["kecamatan"]) for row in missing},
                       key=lambda r: r.code)
    chosen = request.values.get("kecamatan") or (kecamatan[0].code if kecamatan else "")
    rows = [row for row in missing if (row["region"].code if row["role"] == "kecamatan"
                                       else row["kecamatan"].code) == chosen]
    form = BulkUsersForm()
    error = None
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        ids = [i for i in (record_id(v) for v in request.form.getlist("region_id")) if i]
        try:
            made = users_service.create_bulk(kabupaten, ids, current_user)
        except ServiceError as exc:
            error = " ".join(str(m) for ms in exc.errors.values() for m in ms)
        else:
            return render_template("admin/users_sheet.html", kabupaten=kabupaten, made=made)
    status = 422 if error else 200
    return render_template("admin/users_bulk.html", kabupaten=kabupaten, rows=rows, kecamatan=kecamatan,
                           chosen=chosen, form=form, error=error, limit=users_service.MAX_BULK,
                           counts={k.code: sum(1 for r in missing if (r["region"] if r["role"] == "kecamatan"
                                                                        else r["kecamatan"]).code == k.code)
                                   for k in kecamatan}), status


def _set_active(code, user_id, active):
    kabupaten = _kabupaten(code)
    user = _user_or_404(kabupaten, user_id)
    if not UserActiveForm().validate_on_submit():
        abort(400)
    try:
        users_service.set_active(kabupaten, user, active, current_user)
    except ServiceError as error:
        for messages in error.errors.values():
            for message in messages:
                flash(str(message), "error")
    else:
        if active:
            flash(_("Akun %(username)s aktif lagi.", username=user.username), "success")
        else:
            flash(_("Akun %(username)s dinonaktifkan: tidak dapat masuk lagi; riwayatnya tetap.",
                    username=user.username), "success")
    return see_other(url_for("admin.users", code=code))


@bp.route("/kabupaten/<code>/pengguna/<int:user_id>/nonaktifkan", methods=["POST"])
def user_deactivate(code, user_id):
    """Stop an account from logging in (never deleted: the history names it). Not one's own."""
    return _set_active(code, user_id, False)


@bp.route("/kabupaten/<code>/pengguna/<int:user_id>/aktifkan", methods=["POST"])
def user_activate(code, user_id):
    """Let a deactivated account log in again."""
    return _set_active(code, user_id, True)


# --- Audit trail -------------------------------------------------------------------------------------------

def _audit_filters(form):
    return audit_review.AuditFilter(group=form.kind.data or "", who=(form.who.data or "").strip(),
                       since=form.since.data, until=form.until.data)


@bp.route("/kabupaten/<code>/audit")
def audit(code):
    """The kabupaten's audit trail, newest first, filtered by kind, user and dates; 50 per page."""
    kabupaten = _kabupaten(code)
    form = AuditFilterForm(request.args, meta={"csrf": False})
    valid = form.validate()
    filters = _audit_filters(form) if valid else audit_review.AuditFilter()
    total = audit_review.count(kabupaten, filters)
    pages = max(1, -(-total // audit_review.PER_PAGE))
    try:
        page = min(page_number(), pages)
    except ValueError:
        page = 1
    lines = audit_review.lines(kabupaten, filters, offset=(page - 1) * audit_review.PER_PAGE)
    query = {k: v for k, v in request.args.items() if k != "halaman" and v}
    return render_template("admin/audit.html", kabupaten=kabupaten, form=form, lines=lines, total=total,
                           page=page, pages=pages, query=query,
                           groups=audit_review.GROUPS), 200 if valid else 422


@bp.route("/kabupaten/<code>/audit.<fmt>")
def audit_export(code, fmt):
    """The filtered audit trail as CSV or XLSX (the download itself is recorded)."""
    kabupaten = _kabupaten(code)
    if fmt not in ("csv", "xlsx"):
        abort(404)
    form = AuditFilterForm(request.args, meta={"csrf": False})
    if not form.validate():
        abort(400)
    table = audit_review.table(kabupaten, _audit_filters(form))
    name = f"audit-{kabupaten.code}.{fmt}"
    record_download(name, region=kabupaten)
    return send_download(write_csv(table) if fmt == "csv" else write_xlsx([table]), name)
