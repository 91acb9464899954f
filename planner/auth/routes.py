"""Log-in, log-out and the language switch."""
from urllib.parse import urlsplit

from flask import (Blueprint, current_app, flash, jsonify, make_response, redirect, render_template, request, session,
                   url_for)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ..htmx import see_other
from ..services import login_guard, sessions, users
from .forms import LoginForm

bp = Blueprint("auth", __name__)

PUBLIC_ENDPOINTS = {"auth.login", "auth.set_language", "static", "health.check"}
# What a user who must choose a new password may still open.
CHANGE_PASSWORD_ENDPOINTS = {"account.password", "auth.logout", "auth.set_language", "static", "health.check"}


@bp.before_app_request
def require_login():
    """Every page but log-in, the language switch and static files needs a user; a user whose
    password was reset (or made in bulk) must choose a new one before anything else."""
    if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None:
        return None
    if request.blueprint == "api":
        if current_user.is_authenticated and current_user.must_change_password:
            response = jsonify({"error": {"code": "password_change_required",
                                          "message": _("Ganti kata sandi Anda dulu di /akun/sandi.")}})
            response.status_code = 403
            return response
        return None     # the read API answers 401 JSON itself (planner.api.auth), never a log-in redirect
    if not current_user.is_authenticated:
        return see_other(url_for("auth.login", next=request.full_path if request.method == "GET" else None))
    if current_user.must_change_password and request.endpoint not in CHANGE_PASSWORD_ENDPOINTS:
        return see_other(url_for("account.password"))
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
        address = request.remote_addr or ""
        verdict = login_guard.check(username, address)
        if not verdict.allowed:
            if verdict.seconds:
                message = _("Terlalu banyak percobaan masuk yang gagal dari alamat ini. Coba lagi dalam %(seconds)s "
                            "detik.", seconds=verdict.seconds)
            else:
                message = _("Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam %(minutes)s menit, atau "
                            "minta admin kabupaten mengganti kata sandi.", minutes=verdict.minutes)
            form.password.errors.append(message)
            response = make_response(render_template("auth/login.html", form=form), 429)
            response.headers["Retry-After"] = str(verdict.seconds or verdict.minutes * 60)
            return response
        user = users.by_username(username)
        if login_guard.password_matches(user, form.password.data):
            sessions.start(user)
            login_user(user)
            login_guard.record_success(user, address)
            if user.locale and "locale" not in session:
                session["locale"] = user.locale
            if user.must_change_password:
                flash(_("Ganti kata sandi pertama Anda sebelum memakai aplikasi."), "info")
                return see_other(url_for("account.password"))
            return see_other(_safe_next(request.args.get("next")) or url_for("main.home"))
        login_guard.record_failure(username, address)
        form.password.errors.append(_("Nama pengguna atau kata sandi salah."))
    return render_template("auth/login.html", form=form)


@bp.route("/keluar", methods=["POST"])
def logout():
    """Log out (POST only, with CSRF, so a link cannot log someone out): the session ends on the
    server too, so a copy of the cookie opens nothing afterwards."""
    sessions.end_current("logout")
    logout_user()
    return see_other(url_for("auth.login"))


@bp.route("/bahasa/<code>", methods=["POST"])
def set_language(code):
    """Switch the interface language; stay on the same page."""
    if code in current_app.config["LANGUAGES"]:
        session["locale"] = code
        if current_user.is_authenticated:
            users.save_locale(current_user, code)
    return see_other(_safe_next(request.form.get("next")) or url_for("main.home"))
