"""API authentication: a personal token (`Authorization: Bearer pln_…`) or the browser session.

Only the SHA-256 of a token is stored; the token itself is shown once, when it is made.
"""
import hashlib
import secrets
from datetime import timedelta

from flask import request
from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..models import ApiToken
from ..models.base import utcnow
from ..services import ServiceError, history

PREFIX = "pln_"
NAME_LIMIT = 80


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def user_from_header():
    """The user behind a valid, unrevoked bearer token, or None."""
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("bearer "):
        return None
    token = header[7:].strip()
    if not token.startswith(PREFIX) or len(token) > 200:
        return None
    record = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(token)))
    if record is None or record.revoked_at is not None or not record.user.active:
        return None
    now = utcnow()
    last = record.last_used_at
    if last is not None and last.tzinfo is None:
        last = last.replace(tzinfo=now.tzinfo)
    if last is None or now - last > timedelta(minutes=1):
        record.last_used_at = now
        db.session.commit()
    return record.user


def create_token(user, name: str) -> tuple:
    """A new token for `user`: returns (record, the token text to show once)."""
    name = (name or "").strip()
    if not name:
        raise ServiceError({"name": [_("Beri nama token, misalnya nama aplikasi yang memakainya.")]})
    if len(name) > NAME_LIMIT:
        raise ServiceError({"name": [_("Paling banyak %(n)s huruf.", n=NAME_LIMIT)]})
    token = PREFIX + secrets.token_urlsafe(32)
    record = ApiToken(user_id=user.id, name=name, token_hash=token_hash(token))
    db.session.add(record)
    db.session.flush()
    history.record("token.create", user=user, region=user.region, target=f"token:{record.id}", name=name)
    db.session.commit()
    return record, token


def revoke_token(record, actor=None) -> None:
    """Revoke the token (written to the audit trail: who, which token)."""
    if record.revoked_at is None:
        record.revoked_at = utcnow()
        history.record("token.revoke", user=actor or record.user, region=record.user.region,
                       target=f"token:{record.id}", name=record.name, owner=record.user.username)
        db.session.commit()


def tokens_of(user) -> list:
    return db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())).all()
