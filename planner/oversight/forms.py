from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Catatan tinjauan"), render_kw={"rows": 3, "maxlength": 2000})
