"""Server-side log-in sessions, the log-in throttle's counters, and background jobs."""
from ..extensions import db
from .base import utcnow


class LoginSession(db.Model):
    """One signed-in browser. The session cookie carries only `sid_hash`'s preimage; a row that is
    ended (log-out, password change or reset, deactivation), idle too long or too old no longer
    signs anyone in (planner.services.sessions)."""

    __tablename__ = "login_session"

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False, index=True)
    sid_hash = db.Column(db.String(64), nullable=False, unique=True)
    created_at = db.Column(db.DateTime(timezone=True), nullable=False, default=utcnow)
    last_seen_at = db.Column(db.DateTime(timezone=True), nullable=False, default=utcnow)
    ended_at = db.Column(db.DateTime(timezone=True))
    ended_why = db.Column(db.String(20))
    ip = db.Column(db.String(64), nullable=False, default="")

    user = db.relationship("User")


class LoginThrottle(db.Model):
    """Failed log-ins counted per key (`name:<name>|ip:<address>` or `ip:<address>`) in a window.

    Counted with one atomic upsert per attempt, before the password is checked, so parallel
    guesses cannot slip past the limit (planner.services.login_guard)."""

    __tablename__ = "login_throttle"

    key = db.Column(db.String(200), primary_key=True)
    failures = db.Column(db.Integer, nullable=False, default=0)
    window_start = db.Column(db.DateTime(timezone=True), nullable=False, default=utcnow)
    next_try_at = db.Column(db.DateTime(timezone=True))


class Job(db.Model):
    """A background job (planner.jobs): what to run, for whom, how far it is, and its answer.

    `region_id` scopes who may see it (anyone who may see the plan or region); `result` is plain
    JSON written by the job; `error` a sentence for the user when it failed."""

    __tablename__ = "job"

    id = db.Column(db.String(32), primary_key=True)
    kind = db.Column(db.String(40), nullable=False)
    args = db.Column(db.JSON, nullable=False, default=dict)
    user_id = db.Column(db.Integer, db.ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    region_id = db.Column(db.Integer, db.ForeignKey("region.id", ondelete="CASCADE"), index=True)
    plan_id = db.Column(db.Integer, db.ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    subject = db.Column(db.String(80), nullable=False, default="")   # e.g. "session:12", "rise:34:u5"
    status = db.Column(db.String(12), nullable=False, default="queued")
    progress = db.Column(db.Float, nullable=False, default=0.0)
    stage = db.Column(db.String(40), nullable=False, default="")
    result = db.Column(db.JSON)
    error = db.Column(db.Text)
    created_at = db.Column(db.DateTime(timezone=True), nullable=False, default=utcnow)
    started_at = db.Column(db.DateTime(timezone=True))
    finished_at = db.Column(db.DateTime(timezone=True))

    __table_args__ = (
        db.CheckConstraint("status in ('queued', 'running', 'done', 'failed')", name="status"),
        db.Index("ix_job_plan_kind", "plan_id", "kind", "subject"),
    )

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")
