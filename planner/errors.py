"""Error pages in the user's language; htmx requests get a small fragment instead; every answer
under `/api/` is JSON (also for unknown paths, wrong methods with their `Allow` header, and 500).

A 500 after the request committed a change never says that nothing changed: the session's
commits are tracked per request (`g.commit_started`), and the message then asks the user to
reload and check.
"""
from flask import g, has_request_context, jsonify, make_response, render_template, request
from flask.globals import request_ctx
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import event
from sqlalchemy.orm import Session

from .access import Refused
from .extensions import db
from .htmx import is_htmx
from .services import audit, commit

MESSAGES = {
    400: _l("Permintaan tidak dapat diproses."),
    403: _l("Anda tidak berwenang membuka atau mengubah data ini."),
    404: _l("Halaman atau data tidak ditemukan."),
    405: _l("Cara permintaan ini tidak diizinkan."),
    409: _l("Data ini baru saja diubah orang lain. Muat ulang halaman lalu coba lagi."),
    413: _l("Berkas terlalu besar."),
    500: _l("Terjadi kesalahan di server. Data yang sudah tersimpan tidak berubah."),
}
AFTER_COMMIT = _l("Terjadi kesalahan di server setelah perubahan Anda dikirim ke basis data; perubahan itu "
                  "mungkin sudah tersimpan. Muat ulang halaman untuk memeriksanya sebelum mengulang.")
API_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
             405: "method_not_allowed", 409: "conflict", 413: "too_large", 429: "too_many_requests",
             500: "server_error"}


def _is_api() -> bool:
    return request.path.startswith("/api/")


def _api_error(code, exc=None):
    """The API's JSON error body: {"error": {"code", "message"}}, with `Allow` on a 405."""
    messages = {404: _("Tidak ditemukan atau di luar wilayah Anda."), 405: str(MESSAGES[405])}
    message = messages.get(code) or (str(AFTER_COMMIT) if code == 500 and g.get("commit_started")
                                     else str(MESSAGES.get(code, MESSAGES[500])))
    response = jsonify({"error": {"code": API_CODES.get(code, "error"), "message": message}})
    response.status_code = code
    if code == 405 and exc is not None and getattr(exc, "valid_methods", None):
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    return response


def _render(code, message=None, exc=None, action=None):
    if request_ctx.url_adapter is None:     # a Host outside TRUSTED_HOSTS: no URL can be built
        return app_response(str(MESSAGES.get(code, MESSAGES[400])), code)
    if _is_api():
        return _api_error(code, exc)
    if code == 500 and message is None and g.get("commit_started"):
        message = str(AFTER_COMMIT)
    text = message or str(MESSAGES.get(code, MESSAGES[500]))
    template = "errors/fragment.html" if is_htmx() else "errors/page.html"
    response = app_response(render_template(template, code=code, message=text, action=action), code)
    if code == 405 and exc is not None and getattr(exc, "valid_methods", None):
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    return response


def app_response(body, code):
    return make_response(body, code)


def _record_denial():
    """Write a refused request (403) to the audit trail: who tried what, from where."""
    try:
        db.session.rollback()
        user = current_user if current_user.is_authenticated else None
        audit.record("access.denied", user=user, region=user.region if user is not None else None,
                       target=request.path[:80], path=request.path[:200], method=request.method)
        commit()
    except Exception:  # never let the audit write turn a 403 into a 500
        db.session.rollback()


def init_app(app):
    @event.listens_for(Session, "before_commit")
    def _commit_started(session):
        if has_request_context():
            g.commit_started = True

    for code in MESSAGES:
        if code == 403:
            continue
        app.register_error_handler(code, lambda exc, code=code: _render(code, exc=exc))


    @app.errorhandler(403)
    def forbidden(exc):
        _record_denial()
        if isinstance(exc, Refused) and not _is_api():
            url, label = exc.action if exc.action else (None, None)
            return _render(403, str(exc.message), exc=exc, action=(url, str(label)) if url else None)
        return _render(403, exc=exc)

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return _render(400, _("Sesi formulir sudah kedaluwarsa atau tidak sah (CSRF). Muat ulang halaman lalu kirim lagi."))
