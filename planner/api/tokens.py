"""Each user's API tokens: make one (shown once), see when they were used, revoke them."""
from flask import Blueprint, abort, flash, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField

from ..htmx import see_other
from ..services import ServiceError
from ..services.api_tokens import create_token, own_token, revoke_token, tokens_of

bp = Blueprint("tokens", __name__)


class TokenForm(FlaskForm):
    name = StringField(_l("Nama token"), render_kw={"maxlength": 80, "placeholder": _l("misalnya: dasbor Bappeda")})


class RevokeForm(FlaskForm):
    pass


@bp.route("/akun/token", methods=["GET", "POST"])
def index():
    form = TokenForm()
    new_token = None
    status = 200
    if form.validate_on_submit():
        try:
            _, new_token = create_token(current_user, form.name.data)
        except ServiceError as error:
            error.apply_to(form)
            status = 422
        else:
            form = TokenForm(formdata=None)
    elif form.is_submitted():
        status = 422
    return render_template("api/tokens.html", form=form, tokens=tokens_of(current_user), new_token=new_token,
                           revoke_form=RevokeForm()), status


@bp.route("/akun/token/<int:token_id>/cabut", methods=["POST"])
def revoke(token_id):
    record = own_token(current_user, token_id)
    if record is None:
        abort(404)
    if not RevokeForm().validate_on_submit():
        abort(400)
    revoke_token(record, current_user)
    flash(_("Token “%(name)s” dicabut; aplikasi yang memakainya tidak bisa lagi membaca data.", name=record.name),
          "success")
    return see_other(url_for("tokens.index"))
