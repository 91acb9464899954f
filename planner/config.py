"""Configuration read from environment variables.

`SECRET_KEY` and `DATABASE_URL` are the two that matter in production; everything
else has a sensible default for a village laptop.
"""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
INSTANCE_DIR = BASE_DIR / "instance"


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs written the usual way (`postgresql://`)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-change-me")
    SQLALCHEMY_DATABASE_URI = normalise_database_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'planner.db'}")
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    WTF_CSRF_TIME_LIMIT = None  # a rembuk meeting may keep a page open all day
    BABEL_DEFAULT_LOCALE = "id"
    BABEL_DEFAULT_TIMEZONE = "Asia/Jakarta"
    LANGUAGES = ("id", "en")
    MAX_CONTENT_LENGTH = 5 * 1024 * 1024  # imports are small spreadsheets
    IMPORT_MAX_ROWS = 1000
    # Behind HTTPS set PLANNER_SECURE_COOKIES=1: cookies only over HTTPS, and HSTS (planner.security).
    SECURE_COOKIES = os.environ.get("PLANNER_SECURE_COOKIES", "") in ("1", "true", "yes")
    # Log-in: after this many failed attempts for a user name (or 4x as many from one address)
    # within the window, further attempts are refused until the window has passed.
    LOGIN_MAX_FAILURES = int(os.environ.get("PLANNER_LOGIN_MAX_FAILURES", "5"))
    LOGIN_WINDOW_MINUTES = int(os.environ.get("PLANNER_LOGIN_WINDOW_MINUTES", "15"))
    # How many reverse proxies stand in front (nginx: 1); their X-Forwarded-For gives the client address.
    PROXY_COUNT = int(os.environ.get("PLANNER_PROXY_COUNT", "0"))
    SOLVER = os.environ.get("PLANNER_SOLVER", "cbc")
    SOLVER_TIME_LIMIT = int(os.environ.get("PLANNER_SOLVER_TIME_LIMIT", "30"))
