from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField


class AmendForm(FlaskForm):
    version_id = HiddenField()
    reason = TextAreaField(_l("Alasan perubahan"), render_kw={"rows": 4, "maxlength": 2000})
