from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField

from ..fields import VersionField


class AmendForm(FlaskForm):
    version_id = VersionField()
    reason = TextAreaField(_l("Alasan perubahan"), render_kw={"rows": 4, "maxlength": 2000})
