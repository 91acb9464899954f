"""Response headers, cookie settings and cache-busted static files.

- A Content-Security-Policy that allows only this site's own scripts, styles, images and fonts:
  no inline script, no eval. htmx works under it because the app uses no `hx-on` attributes or
  `js:` values, and its indicator styles come from app.css (`htmx-config` turns off the ones it
  would inject). Inline `style` attributes are not allowed either.
- Session and remember-me cookies are HttpOnly and SameSite=Lax; `Secure` when
  `PLANNER_SECURE_COOKIES=1` (set it behind HTTPS; a village laptop serves plain HTTP).
- Form and query values lose NUL characters before any view sees them.
- `Cache-Control: no-store` on every answer to a signed-in user, every API answer and every
  download, so a shared computer's cache or a proxy never keeps a plan, a token or a file.
- `url_for('static', ...)` adds `?v=<hash of the file>`, so a changed file gets a new URL and
  static files can be cached for a year.
"""
import hashlib
from functools import lru_cache
from pathlib import Path

from flask import Request, request
from flask_login import current_user
from werkzeug.datastructures import ImmutableMultiDict, iter_multi_items

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
STATIC_MAX_AGE = 365 * 24 * 3600


@lru_cache(maxsize=512)
def _file_version(path: str, mtime_ns: int) -> str:
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()[:10]


def static_version(static_folder: str, filename: str) -> str | None:
    """A short hash of the file's content (cached per modification time), or None if it is missing."""
    path = Path(static_folder) / filename
    try:
        stat = path.stat()
    except OSError:
        return None
    return _file_version(str(path), stat.st_mtime_ns)


class _WithoutNul(ImmutableMultiDict):
    """Form and query values with NUL characters removed: no one types them, and PostgreSQL
    refuses them in text columns (a save would fail with a server error instead of a message)."""

    def __init__(self, mapping=None):
        if mapping is not None:
            mapping = [(_clean(key), _clean(value)) for key, value in iter_multi_items(mapping)]
        super().__init__(mapping)


def _clean(value):
    return value.replace("\x00", "") if isinstance(value, str) else value


class CleanRequest(Request):
    parameter_storage_class = _WithoutNul


def init_app(app):
    app.request_class = CleanRequest
    secure = app.config.get("SECURE_COOKIES", False)
    for prefix in ("SESSION_COOKIE_", "REMEMBER_COOKIE_"):
        app.config[prefix + "HTTPONLY"] = True
        app.config[prefix + "SAMESITE"] = app.config.get(prefix + "SAMESITE") or "Lax"
        app.config[prefix + "SECURE"] = app.config.get(prefix + "SECURE") or secure

    @app.url_defaults
    def _bust_static_cache(endpoint, values):
        if endpoint == "static" and "filename" in values and "v" not in values:
            version = static_version(app.static_folder, values["filename"])
            if version:
                values["v"] = version

    @app.after_request
    def _headers(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if request.endpoint == "static":
            if request.args.get("v"):
                response.cache_control.public = True
                response.cache_control.max_age = STATIC_MAX_AGE
                response.cache_control.immutable = True
        elif _private(response):
            response.headers["Cache-Control"] = "no-store"
            response.headers.pop("Expires", None)
        return response


def _private(response) -> bool:
    """Whether the answer must not be stored: signed-in pages, the API, downloads."""
    if request.path.startswith("/api/") or "attachment" in response.headers.get("Content-Disposition", ""):
        return True
    try:
        return bool(current_user and current_user.is_authenticated)
    except Exception:   # no user could be loaded (e.g. the database is down): stay on the safe side
        return True
