"""planner: plan a village's Dana Desa spending on stunting prevention.

`create_app` builds the Flask application; everything else hangs off it.
"""
import os
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .config import BASE_DIR, Config
from .extensions import babel, csrf, db, login_manager, migrate


def create_app(config=None):
    """Build the app. `config` is a mapping that overrides `Config` (tests pass their own)."""
    # The blueprints, services and helpers are imported here, not at module level: importing
    # any planner module (the pure optimizer in a bench script or `flask plan solve`) runs this
    # package first, and should not pay for the whole web application (start-up cost).
    app = Flask(
        __name__,
        instance_path=str(BASE_DIR / "instance"),
        template_folder=str(BASE_DIR / "templates"),
        static_folder=str(BASE_DIR / "static"),
    )
    # `<int:…>` in a URL takes only ids a database column can hold: a larger number is a plain
    # 404, not a query error (a bigger-than-64-bit id would overflow the database driver).
    from werkzeug.routing import IntegerConverter

    from .fields import MAX_ID

    class RecordIdConverter(IntegerConverter):
        def __init__(self, map, *args, **kwargs):
            kwargs.setdefault("max", MAX_ID)
            super().__init__(map, *args, **kwargs)

    app.url_map.converters["int"] = RecordIdConverter
    app.config.from_object(Config)
    if config:
        app.config.update(config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    from . import secret_key
    secret_key.ensure(app)
    from datetime import timedelta
    app.config.setdefault("PERMANENT_SESSION_LIFETIME", timedelta(days=app.config["SESSION_MAX_DAYS"]))
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(days=app.config["SESSION_MAX_DAYS"])
    if app.config.get("PROXY_COUNT"):
        # Behind a reverse proxy: take the client's address and scheme from its X-Forwarded-* headers.
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"), render_as_batch=True)
    csrf.init_app(app)

    from . import i18n
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(Path(__file__).parent / "translations"))

    from . import auth
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.user_loader(auth.load_user)

    from . import formatting
    formatting.init_app(app)
    from .activity_names import activity_labels
    app.jinja_env.globals["activity_labels"] = activity_labels
    import operator
    app.jinja_env.globals["attrgetter"] = operator.attrgetter

    from .errors import init_app as init_errors
    init_errors(app)

    from . import security
    security.init_app(app)

    from .auth.routes import bp as auth_bp
    from .catalogue.routes import bp as catalogue_bp
    from .main.routes import bp as main_bp
    from .plans.routes import bp as plans_bp
    from .proposals.routes import bp as proposals_bp
    from .suggestions.routes import bp as suggestions_bp
    from .transfer.routes import bp as transfer_bp
    from .rembuk.routes import bp as rembuk_bp
    from .commitments.routes import bp as commitments_bp
    from .oversight.routes import bp as oversight_bp
    from .api.routes import bp as api_bp
    from .api.tokens import bp as tokens_bp
    from .admin.routes import bp as admin_bp
    from .health import bp as health_bp
    from .account.routes import bp as account_bp
    from .job_pages import bp as jobs_bp
    from .convergence.routes import bp as convergence_bp
    from .aks.routes import bp as aks_bp
    from .team.routes import bp as team_bp

    for blueprint in (auth_bp, main_bp, plans_bp, proposals_bp, transfer_bp, suggestions_bp, catalogue_bp,
                      rembuk_bp, commitments_bp, oversight_bp, api_bp, tokens_bp, admin_bp, health_bp,
                      account_bp, jobs_bp, convergence_bp, aks_bp, team_bp):
        app.register_blueprint(blueprint)

    from . import jobs
    from .services import solve_jobs  # noqa: F401  (registers the optimizer's job handlers)
    jobs.init_app(app)

    from .cli import register as register_cli
    register_cli(app)

    return app


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """SQLite: enforce foreign keys, and let readers and a writer work at once."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()
