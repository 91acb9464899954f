"""Error pages in the user's language; htmx requests get a small fragment instead."""
from flask import render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError

from .htmx import is_htmx

MESSAGES = {
    400: _l("Permintaan tidak dapat diproses."),
    403: _l("Anda tidak berwenang membuka atau mengubah data ini."),
    404: _l("Halaman atau data tidak ditemukan."),
    405: _l("Cara permintaan ini tidak diizinkan."),
    409: _l("Data ini baru saja diubah orang lain. Muat ulang halaman lalu coba lagi."),
    413: _l("Berkas terlalu besar."),
    500: _l("Terjadi kesalahan di server. Data yang sudah tersimpan tidak berubah."),
}


def _render(code, message=None, action=None):
    text = message or str(MESSAGES.get(code, MESSAGES[500]))
    template = "errors/fragment.html" if is_htmx() else "errors/page.html"
    return render_template(template, code=code, message=text, action=action), code


def _record_denial():
    """Write a refused request (403) to the audit trail: who tried what, from where."""
    from flask import request
    from flask_login import current_user

    from .extensions import db
    from .services import history

    try:
        db.session.rollback()
        user = current_user if current_user.is_authenticated else None
        history.record("access.denied", user=user, region=user.region if user is not None else None,
                       target=request.path[:80], path=request.path[:200], method=request.method)
        db.session.commit()
    except Exception:  # never let the audit write turn a 403 into a 500
        db.session.rollback()


def init_app(app):
    for code in MESSAGES:
        if code == 403:
            continue
        app.register_error_handler(code, lambda exc, code=code: _render(code))

    @app.errorhandler(403)
    def forbidden(exc):
        _record_denial()
        from .access import Refused

        if isinstance(exc, Refused):
            url, label = exc.action if exc.action else (None, None)
            return _render(403, str(exc.message), (url, str(label)) if url else None)
        return _render(403)

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return _render(400, _("Sesi formulir sudah kedaluwarsa atau tidak sah (CSRF). Muat ulang halaman lalu kirim lagi."))
