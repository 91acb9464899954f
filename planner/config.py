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


def _list(name: str) -> list | None:
    """A comma-separated environment variable as a list, or None when unset or empty."""
    items = [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]
    return items or None


def _float(name: str, default: float) -> float:
    return float(os.environ.get(name) or default)


class Config:
    # No default: `make run` creates a random key in instance/secret_key on first start
    # (planner.secret_key); production (PLANNER_ENV=production, as `make serve` sets) refuses to start without one.
    SECRET_KEY = os.environ.get("SECRET_KEY") or None
    ENV_NAME = os.environ.get("PLANNER_ENV", "development")
    # Host names this server answers to (e.g. "stunting.jombangkab.go.id"); a request naming any
    # other Host is refused (400), so no URL is ever built from a forged Host header.
    TRUSTED_HOSTS = _list("PLANNER_TRUSTED_HOSTS")
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
    # An address past 4 x LOGIN_MAX_FAILURES failures in the window may try once per this many seconds.
    LOGIN_THROTTLE_SECONDS = int(os.environ.get("PLANNER_LOGIN_THROTTLE_SECONDS", "10"))
    # How many reverse proxies stand in front (nginx: 1); their X-Forwarded-For gives the client address.
    PROXY_COUNT = int(os.environ.get("PLANNER_PROXY_COUNT", "0"))
    SOLVER = os.environ.get("PLANNER_SOLVER", "highs")
    SOLVER_TIME_LIMIT = int(os.environ.get("PLANNER_SOLVER_TIME_LIMIT", "30"))
    # Sessions end after this long without a request, and at the latest this long after log-in.
    SESSION_IDLE_MINUTES = int(_float("PLANNER_SESSION_IDLE_HOURS", 8) * 60)
    SESSION_MAX_DAYS = _float("PLANNER_SESSION_MAX_DAYS", 7)
    # Background jobs (planner.jobs): one time budget for a whole job, in seconds (solve,
    # explanations, sensitivity, comparison); the queue is Redis when REDIS_URL is set, else a
    # SQLite file in instance/. JOB_CONSUMER: "inprocess" (threads in the web process, `make run`),
    # "external" (`flask jobs worker` processes, `make serve`) or "immediate" (run at once; tests).
    JOB_TIME_BUDGET = _float("PLANNER_JOB_TIME_BUDGET", 60)
    JOB_CONSUMER = os.environ.get("PLANNER_JOB_CONSUMER", "inprocess")
    JOB_INPROCESS_WORKERS = int(os.environ.get("PLANNER_JOB_INPROCESS_WORKERS", "1"))
    # A request that starts a job waits this long for it, so a village-sized solve answers at once.
    JOB_INLINE_WAIT = _float("PLANNER_JOB_INLINE_WAIT", 1.0)
    REDIS_URL = os.environ.get("REDIS_URL") or None
    JOB_QUEUE_PATH = os.environ.get("PLANNER_JOB_QUEUE_PATH") or None   # default: instance/jobs.sqlite3
