"""Shared column helpers."""
from ..extensions import db
from ..times import utcnow  # noqa: F401 (models and services import it from here)


class TimestampMixin:
    created_at = db.Column(db.DateTime(timezone=True), nullable=False, default=utcnow)
    updated_at = db.Column(db.DateTime(timezone=True), nullable=False, default=utcnow, onupdate=utcnow)
