from ..services import sessions

"""Log-in, log-out and language choice."""


def load_user(user_id):
    """Flask-Login's user loader: the user only while the cookie's server-side session is open."""
    return sessions.user_for(user_id)
