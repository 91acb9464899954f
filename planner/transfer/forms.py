"""Forms of the import: the upload and the confirmation that carries the checked rows."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import HiddenField


class ImportForm(FlaskForm):
    """The file to check. Its content is checked by the sheet reader, not by the extension alone."""

    file = FileField(_l("Berkas usulan (.xlsx atau .csv)"), validators=[
        FileRequired(_l("Pilih berkas .xlsx atau .csv.")),
        FileAllowed(["csv", "xlsx"], _l("Pilih berkas .csv atau .xlsx.")),
    ], render_kw={"accept": ".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"})


class ConfirmImportForm(FlaskForm):
    """The preview's checked rows, signed for this plan and user (see services.proposal_import)."""

    rows = HiddenField()
