"""`GET /health`: is the database reachable and at the latest migration, and which solvers can run.

For load balancers and monitoring: 200 with `"status": "ok"` when the database answers and a
solver is available, else 503 with what is wrong. Public (no log-in) and reveals no data.
"""
from alembic.script import ScriptDirectory
from flask import Blueprint, current_app, jsonify
from flask_migrate import Config
from sqlalchemy import text

from .extensions import db
from .optimizer.backends import available_solvers

bp = Blueprint("health", __name__)


def _database():
    try:
        db.session.execute(text("SELECT 1"))
        revision = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception as error:  # any failure to reach or read the database is reported, not raised
        db.session.rollback()
        return {"ok": False, "error": type(error).__name__}
    return {"ok": True, "revision": revision, "latest": revision == _head_revision()}


def _head_revision():
    directory = current_app.extensions["migrate"].directory
    config = Config()
    config.set_main_option("script_location", directory)
    return ScriptDirectory.from_config(config).get_current_head()


@bp.route("/health")
def check():
    database = _database()
    solvers = available_solvers()
    ok = database["ok"] and database.get("latest") and bool(solvers)
    body = {"status": "ok" if ok else "fail", "database": database, "solvers": solvers,
            "default_solver": current_app.config.get("SOLVER")}
    response = jsonify(body)
    response.status_code = 200 if ok else 503
    response.headers["Cache-Control"] = "no-store"
    return response
