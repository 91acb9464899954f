"""The audit trail: who did what, when, from where. Append-only.

Every change to a plan (proposal edits, imports, rules, solves, the rembuk's
decisions, commits) and, later, log-ins and permission denials are written here.
A plan's history page reads the rows with its `plan_id`. `action` is a stable
code (e.g. "proposal.update"); `details` holds the parameters a sentence is
rendered from (planner.services.history) and, for edits, the changed fields as
{field: [old, new]}.
"""
from sqlalchemy import event

from ..extensions import db
from .base import utcnow
from .commitment import FrozenRecordError


class AuditEvent(db.Model):
    __tablename__ = "audit_event"

    id = db.Column(db.Integer, primary_key=True)
    at = db.Column(db.DateTime(timezone=True), nullable=False, default=utcnow, index=True)
    user_id = db.Column(db.Integer, db.ForeignKey("user_account.id"))
    # The name the user had, so the record reads the same if the account is renamed or removed.
    username = db.Column(db.String(80), nullable=False, default="")
    ip = db.Column(db.String(45), nullable=False, default="")
    action = db.Column(db.String(40), nullable=False, index=True)
    plan_id = db.Column(db.Integer, db.ForeignKey("plan.id"), index=True)
    region_id = db.Column(db.Integer, db.ForeignKey("region.id"))
    target = db.Column(db.String(80), nullable=False, default="")
    details = db.Column(db.JSON, nullable=False, default=dict)

    user = db.relationship("User")


@event.listens_for(AuditEvent, "before_update")
def _refuse_update(mapper, connection, target):
    raise FrozenRecordError("The audit trail is append-only.")


@event.listens_for(AuditEvent, "before_delete")
def _refuse_delete(mapper, connection, target):
    raise FrozenRecordError("The audit trail is append-only.")
