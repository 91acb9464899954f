"""A user's own account: changing one's password (the current one first, then the rules)."""
from flask import Blueprint, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import EqualTo, InputRequired

from ..htmx import see_other
from ..services import ServiceError
from ..services import users as users_service

bp = Blueprint("account", __name__)


class OwnPasswordForm(FlaskForm):
    current = PasswordField(_l("Kata sandi sekarang"), validators=[InputRequired(_l("Isi kata sandi sekarang."))],
                            render_kw={"autocomplete": "current-password"})
    password = PasswordField(_l("Kata sandi baru"), validators=[InputRequired(_l("Isi kata sandi."))],
                             render_kw={"autocomplete": "new-password"})
    password_repeat = PasswordField(_l("Ulangi kata sandi baru"), validators=[
        InputRequired(_l("Ulangi kata sandi.")), EqualTo("password", _l("Kedua kata sandi tidak sama."))],
        render_kw={"autocomplete": "new-password"})


@bp.route("/akun/sandi", methods=["GET", "POST"])
def password():
    """Change one's own password: 422 with the message at the field; the old one stops working."""
    form = OwnPasswordForm()
    if form.validate_on_submit():
        try:
            users_service.change_own_password(current_user, form.current.data, form.password.data)
        except ServiceError as error:
            error.apply_to(form)
        else:
            flash(_("Kata sandi Anda diganti. Gunakan kata sandi baru saat masuk berikutnya."), "success")
            return see_other(url_for("main.home"))
    return render_template("account/password.html", form=form), 422 if request.method == "POST" else 200
