"""The audit trail's writer: who did what, when, from where (planner.models.audit).

`record()` adds an AuditEvent to the current transaction; the caller's commit
writes it together with the change, so a refused or rolled-back change leaves no
record of having happened. The events are read back as sentences by
services.history (a plan's history) and services.audit_review (the admin's review).
"""
import contextvars
from contextlib import contextmanager
from datetime import datetime

from flask import has_request_context, request
from flask_login import current_user

from ..extensions import db
from ..models import AuditEvent
from . import commit


def _client_ip() -> str:
    if not has_request_context():
        return ""
    return (request.remote_addr or "")[:45]


def _user(user):
    if user is not None:
        return user
    try:
        return current_user if current_user and current_user.is_authenticated else None
    except Exception:  # no request or login manager: a CLI run
        return None


_DATED = contextvars.ContextVar("planner_audit_dated", default=None)


@contextmanager
def dated(moment):
    """Events recorded inside are dated `moment` instead of now (the demo tells a year's story)."""
    token = _DATED.set(moment)
    try:
        yield
    finally:
        _DATED.reset(token)


def record(action: str, *, plan=None, target: str = "", user=None, region=None, **details) -> AuditEvent:
    """Add an event for `action` to the session (written by the caller's commit)."""
    user = _user(user)
    if region is None and plan is not None:
        region_id = plan.desa_id
    else:
        region_id = region.id if region is not None else None
    event = AuditEvent(
        user_id=user.id if user is not None else None,
        username=(user.username if user is not None else "")[:80],
        ip=_client_ip(), action=action, plan_id=plan.id if plan is not None else None,
        region_id=region_id, target=target[:80], details=_plain(details),
    )
    if _DATED.get() is not None:
        event.at = _DATED.get()
    db.session.add(event)
    return event


def record_download(what: str, *, plan=None, region=None, target: str = "") -> None:
    """Write to the audit trail that the file `what` was downloaded, and commit."""
    record("export", plan=plan, region=region, target=target, what=what)
    commit()


def changes(before: dict, after: dict) -> dict:
    """{field: [old, new]} for the fields whose value differs."""
    return {key: [_plain(before.get(key)), _plain(after.get(key))]
            for key in after if before.get(key) != after.get(key)}


def _plain(value):
    """JSON-safe: Decimals and dates become strings, containers recurse."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)
