"""Which language and time zone a request is served in."""
from flask import current_app, request, session
from flask_login import current_user


def select_locale():
    """The session's choice, then the user's saved choice, then Indonesian."""
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    if current_user and getattr(current_user, "is_authenticated", False) and current_user.locale in languages:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone():
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]
