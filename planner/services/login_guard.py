"""Log-in attempts: written to the audit trail, and too many failures lock the name out for a while.

A failed attempt is an `auth.login_failed` event (target: the user name as typed, lower case;
never the password). A user name is refused after `LOGIN_MAX_FAILURES` failures within
`LOGIN_WINDOW_MINUTES` since its last successful log-in; one address is refused after four
times as many failures (someone trying many names). The refusal says when to try again; the
window slides, so the lock lifts by itself. Admins can still reset the password meanwhile.
"""
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from ..extensions import db
from ..models import AuditEvent
from ..models.base import utcnow
from . import history


def _window():
    return timedelta(minutes=current_app.config.get("LOGIN_WINDOW_MINUTES", 15))


def _limit():
    return current_app.config.get("LOGIN_MAX_FAILURES", 5)


def locked_minutes(username: str, ip: str) -> int:
    """Minutes until `username` (or this address) may try again; 0 when it may now."""
    name = (username or "").strip().lower()[:80]
    since = utcnow() - _window()
    last_success = db.session.scalar(select(func.max(AuditEvent.at)).where(
        AuditEvent.action == "auth.login", func.lower(AuditEvent.username) == name))
    start = since if last_success is None or _naive(last_success) < _naive(since) else last_success
    by_name = db.session.execute(select(func.count(), func.min(AuditEvent.at)).where(
        AuditEvent.action == "auth.login_failed", AuditEvent.target == name, AuditEvent.at > start)).one()
    by_ip = db.session.execute(select(func.count(), func.min(AuditEvent.at)).where(
        AuditEvent.action == "auth.login_failed", AuditEvent.ip == ip, AuditEvent.at > since)).one() \
        if ip else (0, None)
    oldest = None
    if by_name[0] >= _limit():
        oldest = by_name[1]
    if by_ip[0] >= 4 * _limit():
        oldest = by_ip[1] if oldest is None else min(_naive(oldest), _naive(by_ip[1]))
    if oldest is None:
        return 0
    left = _naive(oldest) + _window() - _naive(utcnow())
    return max(1, int(left.total_seconds() // 60) + 1)


def _naive(moment):
    """SQLite gives back naive UTC times, PostgreSQL aware ones: compare them as naive UTC."""
    return moment.replace(tzinfo=None) if moment is not None and moment.tzinfo is not None else moment


def record_failure(username: str) -> None:
    name = (username or "").strip().lower()[:80]
    history.record("auth.login_failed", target=name, login=name)
    db.session.commit()


def record_success(user) -> None:
    history.record("auth.login", user=user, region=user.region)
    db.session.commit()
