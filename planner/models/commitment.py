"""A commitment (Komitmen): the allocation a rembuk stunting agreed, frozen as a numbered version.

`content` is a complete snapshot (village, figures, rules, attendance, decisions,
the agreed activities, what changed from the optimizer's suggestion) from which
every document is rendered, so later changes to the plan never reach it.
`content_hash` is the SHA-256 of its canonical JSON and is printed on every
document. Rows are only ever inserted: the ORM refuses updates and deletes, and
a database trigger (migration 0003) refuses UPDATE statements too.
"""
from sqlalchemy import event

from ..extensions import db
from .base import utcnow


class FrozenRecordError(RuntimeError):
    """Raised when code tries to change or delete a frozen row."""


class Commitment(db.Model):
    __tablename__ = "commitment"

    id = db.Column(db.Integer, primary_key=True)
    plan_id = db.Column(db.Integer, db.ForeignKey("plan.id", ondelete="CASCADE"), nullable=False, index=True)
    version = db.Column(db.Integer, nullable=False)
    session_id = db.Column(db.Integer, db.ForeignKey("rembuk_session.id"))
    previous_id = db.Column(db.Integer, db.ForeignKey("commitment.id"))
    reason = db.Column(db.Text, nullable=False, default="")
    committed_by_id = db.Column(db.Integer, db.ForeignKey("user_account.id"))
    committed_at = db.Column(db.DateTime(timezone=True), nullable=False, default=utcnow)
    total_cost = db.Column(db.BigInteger, nullable=False, default=0)
    total_impact = db.Column(db.Float, nullable=False, default=0.0)
    content = db.Column(db.JSON, nullable=False)
    content_hash = db.Column(db.String(64), nullable=False)
    # How many of the meeting's departures from the optimizer's suggestion have no recorded
    # reason (a kecamatan flag); NULL on rows committed before migration 0004.
    unexplained_changes = db.Column(db.Integer)

    plan = db.relationship("Plan", back_populates="commitments")
    meeting = db.relationship("RembukMeeting")
    previous = db.relationship("Commitment", remote_side=[id])
    committed_by = db.relationship("User")

    __table_args__ = (
        db.UniqueConstraint("plan_id", "version", name="uq_commitment_plan_version"),
        db.CheckConstraint("version >= 1", name="version_positive"),
    )

    @property
    def short_hash(self) -> str:
        return self.content_hash[:12]


@event.listens_for(Commitment, "before_update")
def _refuse_update(mapper, connection, target):
    raise FrozenRecordError("A commitment is frozen; open a perubahan instead.")


@event.listens_for(Commitment, "before_delete")
def _refuse_delete(mapper, connection, target):
    raise FrozenRecordError("A commitment is frozen; it is never deleted.")
