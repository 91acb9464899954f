from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField

from ..fields import RupiahField, VersionField, record_id


class CommentForm(FlaskForm):
    """A review note (no parent) or a reply in a thread (`parent_id`: the thread's first note)."""

    body = TextAreaField(_l("Catatan tinjauan"), render_kw={"rows": 3, "maxlength": 2000})
    parent_id = HiddenField(filters=[lambda v: record_id(v) if v else None])


class ApbdesForm(FlaskForm):
    """The APBDes totals of the two bidang the scorecard's Dana Desa table compares with."""

    version_id = VersionField()
    apbdes_pembangunan = RupiahField(_l("Total bidang Pelaksanaan Pembangunan Desa (APBDes)"), required=False)
    apbdes_pemberdayaan = RupiahField(_l("Total bidang Pemberdayaan Masyarakat Desa (APBDes)"), required=False)

    def values(self) -> dict:
        return {"apbdes_pembangunan": self.apbdes_pembangunan.data, "apbdes_pemberdayaan": self.apbdes_pemberdayaan.data}
