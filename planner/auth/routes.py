"""Log-in, log-out and the language switch."""
from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from ..extensions import db
from ..htmx import see_other
from ..models import User
from ..services import login_guard
from .forms import LoginForm

bp = Blueprint("auth", __name__)

PUBLIC_ENDPOINTS = {"auth.login", "auth.set_language", "static", "health.check"}


@bp.before_app_request
def require_login():
    """Every page but log-in, the language switch and static files needs a user."""
    if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None:
        return None
    if request.blueprint == "api":
        return None     # the read API answers 401 JSON itself (planner.api.auth), never a log-in redirect
    if not current_user.is_authenticated:
        return see_other(url_for("auth.login", next=request.full_path if request.method == "GET" else None))
    return None


def _safe_next(target):
    """Only follow `next` to a path on this site (no open redirect)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/masuk", methods=["GET", "POST"])
def login():
    """Show the log-in form; on valid credentials log in and go to `next` or home."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        username = form.username.data.strip()
        wait = login_guard.locked_minutes(username, request.remote_addr or "")
        if wait:
            form.password.errors.append(_("Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam %(minutes)s "
                                          "menit, atau minta admin kabupaten mengganti kata sandi.", minutes=wait))
            return render_template("auth/login.html", form=form), 429
        user = db.session.scalar(select(User).where(User.username == username))
        if user is not None and user.active and user.check_password(form.password.data):
            login_user(user)
            login_guard.record_success(user)
            if user.locale and "locale" not in session:
                session["locale"] = user.locale
            return see_other(_safe_next(request.args.get("next")) or url_for("main.home"))
        login_guard.record_failure(username)
        form.password.errors.append(_("Nama pengguna atau kata sandi salah."))
    return render_template("auth/login.html", form=form)


@bp.route("/keluar", methods=["POST"])
def logout():
    """Log out (POST only, with CSRF, so a link cannot log someone out)."""
    logout_user()
    return see_other(url_for("auth.login"))


@bp.route("/bahasa/<code>", methods=["POST"])
def set_language(code):
    """Switch the interface language; stay on the same page."""
    if code in current_app.config["LANGUAGES"]:
        session["locale"] = code
        if current_user.is_authenticated:
            current_user.locale = code
            db.session.commit()
    return see_other(_safe_next(request.form.get("next")) or url_for("main.home"))
