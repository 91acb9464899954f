"""Personal API tokens (`Authorization: Bearer pln_…`): make, find, revoke.

Only the SHA-256 of a token is stored; the token itself is shown once, when it is made.
"""
import hashlib
import secrets
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..models import ApiToken
from ..times import utc, utcnow
from . import ServiceError, audit, commit

PREFIX = "pln_"
NAME_LIMIT = 80
# How often a token's "last used" is written (a busy client would otherwise write on every call).
LAST_USED_EVERY = timedelta(minutes=1)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def user_for_token(token: str):
    """The active user behind a valid, unrevoked token, or None; notes when it was last used."""
    if not token.startswith(PREFIX) or len(token) > 200:
        return None
    record = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(token)))
    if record is None or record.revoked_at is not None or not record.user.active:
        return None
    now = utcnow()
    last = utc(record.last_used_at)
    if last is None or now - last > LAST_USED_EVERY:
        record.last_used_at = now
        commit()
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
    audit.record("token.create", user=user, region=user.region, target=f"token:{record.id}", name=name)
    commit()
    return record, token


def own_token(user, token_id: int):
    """The user's own token with this id, or None (another user's token is not theirs to see)."""
    record = db.session.get(ApiToken, token_id)
    return record if record is not None and record.user_id == user.id else None


def revoke_token(record, actor=None) -> None:
    """Revoke the token (written to the audit trail: who, which token)."""
    if record.revoked_at is None:
        record.revoked_at = utcnow()
        audit.record("token.revoke", user=actor or record.user, region=record.user.region,
                       target=f"token:{record.id}", name=record.name, owner=record.user.username)
        commit()


def tokens_of(user) -> list:
    return db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())).all()
