"""Forms of the import: the upload and the confirmation that carries the checked rows."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, HiddenField

ACCEPT = ".xlsx,.csv,.json,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv,application/json"


class ImportForm(FlaskForm):
    """The file to check. Its content is checked by the sheet reader, not by the extension alone."""

    file = FileField(_l("Berkas usulan (.xlsx, .csv, atau berkas rencana .json)"), validators=[
        FileRequired(_l("Pilih berkas .xlsx, .csv atau .json.")),
        FileAllowed(["csv", "xlsx", "json"], _l("Pilih berkas .csv, .xlsx atau berkas rencana .json.")),
    ], render_kw={"accept": ACCEPT})


class ConfirmImportForm(FlaskForm):
    """The preview's checked rows, signed for this plan and user (see services.proposal_import).

    `use_settings` is offered only for a plan file whose budget and rules fit the plan.
    """

    rows = HiddenField()
    use_settings = BooleanField(_l("Pakai anggaran dan aturan dari berkas"))
