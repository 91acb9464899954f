"""A suggested allocation: one run of the optimizer on a plan, kept as it was computed."""
from ..extensions import db
from .base import utcnow


class Suggestion(db.Model):
    """The optimizer's answer for a plan at one moment.

    `plan_file` is the exact input (optimizer plan-file format) and `result` the
    exact output, so a suggestion can be shown, compared and re-solved later
    even after the proposals change. Rows are never updated.
    """

    __tablename__ = "suggestion"

    id = db.Column(db.Integer, primary_key=True)
    plan_id = db.Column(db.Integer, db.ForeignKey("plan.id", ondelete="CASCADE"), nullable=False, index=True)
    user_id = db.Column(db.Integer, db.ForeignKey("user_account.id"))
    # Set when the run was made in a rembuk session with the room's locks.
    session_id = db.Column(db.Integer, db.ForeignKey("rembuk_session.id", ondelete="CASCADE"), index=True)
    created_at = db.Column(db.DateTime(timezone=True), nullable=False, default=utcnow)
    input_hash = db.Column(db.String(64), nullable=False)
    solver = db.Column(db.String(20), nullable=False)
    status = db.Column(db.String(20), nullable=False)
    total_cost = db.Column(db.BigInteger, nullable=False, default=0)
    total_impact = db.Column(db.Float, nullable=False, default=0.0)
    seconds = db.Column(db.Float, nullable=False, default=0.0)
    plan_file = db.Column(db.JSON, nullable=False)
    result = db.Column(db.JSON, nullable=False)

    plan = db.relationship("Plan")
    user = db.relationship("User")
