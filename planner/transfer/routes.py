"""Import proposals from CSV/XLSX (with a preview) and export them the same way.

Import: GET the upload form → POST the file (.csv, .xlsx, or an optimizer plan
file .json), see a preview with every row's errors (nothing saved) → POST the
confirmation, which adds the valid rows (and, for a plan file when ticked, its
budget and rules).
Only the village's operator imports; everyone who sees the plan exports.

The two POST views are exempt from the blanket CSRF check and call
`csrf.protect()` themselves: the blanket check reads the body before the view
runs, so a too-large upload would end as a bare 413 page instead of a message
at the file field, and the confirmation's hidden rows may exceed the default
500 kB form-field limit.
"""

from flask import Blueprint, current_app, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from ..access import get_plan_or_404
from ..downloads import send_download
from ..extensions import csrf
from ..htmx import see_other
from ..formatting import format_number
from ..services import ServiceError
from ..services.proposal_import import (InvalidToken, apply_import, export_file, preview_import, read_token,
                                        template_file)
from ..services.rules import effective_rules
from ..services.proposal_sheet import ALL_COLUMNS, COLUMNS, SheetFileError, column_help
from .labels import rule_labels
from .forms import ConfirmImportForm, ImportForm

bp = Blueprint("transfer", __name__)

FORMATS = "any(csv, xlsx)"


def _upload_page(plan, form, status=200):
    return render_template("transfer/upload.html", plan=plan, form=form, columns=ALL_COLUMNS,
                           column_help=column_help), status


def _too_large_message():
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    return _("Berkas terlalu besar: paling besar %(mb)s MB.", mb=format_number(limit // (1024 * 1024)))


@bp.route("/rencana/<int:plan_id>/impor")
def import_form(plan_id):
    """The upload form, with the column guide and the template links. 403 unless the village's operator."""
    plan = get_plan_or_404(plan_id, write=True)
    return _upload_page(plan, ImportForm())


@bp.route("/rencana/<int:plan_id>/impor", methods=["POST"])
@csrf.exempt
def import_preview(plan_id):
    """Check the uploaded file and show every row with its errors. Saves nothing.

    422 with the message at the file field when the file cannot be read at all
    (wrong type, not what its name says, too big, too many rows); 403/404 as `get_plan_or_404`.
    """
    plan = get_plan_or_404(plan_id, write=True)
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit and request.content_length and request.content_length > limit:
        return _file_error(plan, _too_large_message(), 413)
    try:
        csrf.protect()
        form = ImportForm()
        valid = form.validate_on_submit()
    except RequestEntityTooLarge:
        return _file_error(plan, _too_large_message(), 413)
    if not valid:
        return _upload_page(plan, form, 422)
    upload = form.file.data
    try:
        preview = preview_import(plan, current_user.id, upload.filename or "", upload.read())
    except SheetFileError as error:
        form.file.errors = [str(error)]
        return _upload_page(plan, form, 422)
    confirm = ConfirmImportForm(formdata=None, rows=preview.token)
    return render_template("transfer/preview.html", plan=plan, preview=preview, result=preview.result,
                           confirm=confirm, filename=upload.filename, columns=COLUMNS,
                           upload=ImportForm(formdata=None), rule_labels=rule_labels,
                           current_rules=effective_rules(plan))


def _file_error(plan, message, status):
    form = ImportForm(formdata=None)
    form.file.errors = [message]
    return _upload_page(plan, form, status)


@bp.route("/rencana/<int:plan_id>/impor/simpan", methods=["POST"])
@csrf.exempt
def import_confirm(plan_id):
    """Add the previewed valid rows to the plan (all or nothing) and go back to the plan page (303).

    400 when the hidden rows were changed or belong to another plan or user;
    a changed proposal list since the preview sends the user back to upload again.
    """
    plan = get_plan_or_404(plan_id, write=True)
    # The signed rows of up to IMPORT_MAX_ROWS proposals can exceed the default form-field limit.
    request.max_form_memory_size = current_app.config.get("MAX_CONTENT_LENGTH")
    csrf.protect()
    form = ConfirmImportForm()
    try:
        rows, baseline, settings = read_token(plan, current_user.id, form.rows.data)
    except InvalidToken:
        message = _("Data impor tidak sah: data tersembunyi di halaman pratinjau berubah, atau dibuat untuk "
                    "rencana atau pengguna lain. Tidak ada yang disimpan. Unggah berkas lagi.")
        return render_template("errors/page.html", code=400, message=message), 400
    use_settings = bool(form.use_settings.data and settings is not None)
    try:
        added = apply_import(plan, rows, baseline, settings if use_settings else None)
    except ServiceError as error:
        for messages in error.errors.values():
            for message in messages:
                flash(str(message), "error")
        return see_other(url_for("transfer.import_form", plan_id=plan.id))
    flash(_("%(n)s usulan ditambahkan.", n=len(added)), "success")
    if use_settings:
        flash(_("Anggaran stunting dan aturan rencana diganti dengan yang dari berkas."), "success")
    # No #proposals anchor: the page must open at the top, where the flash says what was added.
    return see_other(url_for("plans.view", plan_id=plan.id))


@bp.route(f"/rencana/<int:plan_id>/impor/templat.<{FORMATS}:fmt>")
def import_template(plan_id, fmt):
    """A blank sheet to fill: the headers and one example row. Anyone who sees the plan."""
    get_plan_or_404(plan_id)
    return send_download(*template_file(fmt))


@bp.route(f"/rencana/<int:plan_id>/usulan.<{FORMATS}:fmt>")
def export(plan_id, fmt):
    """The plan's proposals as CSV or XLSX, in the import's columns plus computed ones. Anyone who sees the plan."""
    plan = get_plan_or_404(plan_id)
    return send_download(*export_file(plan, fmt))
