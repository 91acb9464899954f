"""Log-in, log-out and language choice."""
from ..extensions import db
from ..models import User


def load_user(user_id):
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.active else None
