"""Server-side log-in sessions: a session cookie opens pages only while its row says so.

At log-in `start` writes a `LoginSession` row and puts a random session id in the (signed)
cookie; only its SHA-256 is stored. `user_for` (Flask-Login's user loader) accepts the cookie
only while the row is open, the account active, the last request no longer ago than
`SESSION_IDLE_MINUTES` and the log-in no older than `SESSION_MAX_DAYS`. So:

- log-out ends the row (a copied cookie opens nothing afterwards);
- a password change ends the user's other sessions; an admin's reset or a deactivation ends
  all of them (`end_all`), and reactivating an account revives none;
- `last_seen_at` is written at most once a minute, so a page view costs no write.
"""
import hashlib
import secrets
from datetime import timedelta

from flask import current_app, g, request, session
from sqlalchemy import select, update

from ..extensions import db
from ..models import LoginSession, User
from ..times import naive_utc, utcnow
from . import commit

SESSION_KEY = "sid"
TOUCH_EVERY = timedelta(minutes=1)


def _hash(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()



def start(user) -> LoginSession:
    """A new session for `user` (after the password was checked): a fresh cookie, a new row.

    The cookie is cleared first (no session fixation); only the chosen language is kept.
    The caller commits."""
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    sid = secrets.token_urlsafe(32)
    row = LoginSession(user_id=user.id, sid_hash=_hash(sid), ip=(request.remote_addr or "")[:64])
    db.session.add(row)
    session[SESSION_KEY] = sid
    session.permanent = True      # the cookie lives PERMANENT_SESSION_LIFETIME (the absolute lifetime)
    return row


def user_for(user_id) -> User | None:
    """The signed-in user for this request's cookie, or None when its session has ended."""
    sid = session.get(SESSION_KEY)
    try:
        user_id = int(user_id)
    except (TypeError, ValueError):
        return None
    if not sid or not isinstance(sid, str):
        return None
    row = db.session.scalar(select(LoginSession).where(LoginSession.sid_hash == _hash(sid)))
    if row is None or row.user_id != user_id or row.ended_at is not None:
        return None
    user = row.user
    if user is None or not user.active:
        return None
    now = naive_utc(utcnow())
    idle = timedelta(minutes=current_app.config.get("SESSION_IDLE_MINUTES", 480))
    lifetime = timedelta(days=current_app.config.get("SESSION_MAX_DAYS", 7))
    if now - naive_utc(row.last_seen_at) > idle or now - naive_utc(row.created_at) > lifetime:
        row.ended_at, row.ended_why = utcnow(), "expired"
        db.session.commit()
        return None
    if now - naive_utc(row.last_seen_at) > TOUCH_EVERY:
        row.last_seen_at = utcnow()
        db.session.commit()
    g.login_session_id = row.id
    return user


def end_current(why: str = "logout") -> None:
    """End this request's session (log-out), and commit."""
    sid = session.get(SESSION_KEY)
    if sid and isinstance(sid, str):
        db.session.execute(update(LoginSession).where(LoginSession.sid_hash == _hash(sid),
                                                      LoginSession.ended_at.is_(None))
                           .values(ended_at=utcnow(), ended_why=why))
    session.pop(SESSION_KEY, None)
    commit()


def end_all(user, why: str, keep_current: bool = False) -> int:
    """End every open session of `user` (all but this request's with `keep_current`); the
    caller commits. Returns how many were ended."""
    query = update(LoginSession).where(LoginSession.user_id == user.id, LoginSession.ended_at.is_(None))
    current = g.get("login_session_id") if keep_current else None
    if current is not None:
        query = query.where(LoginSession.id != current)
    return db.session.execute(query.values(ended_at=utcnow(), ended_why=why)).rowcount or 0

