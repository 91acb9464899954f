"""The optimizer's work as background jobs (planner.jobs): the suggestion on the plan page, the
rembuk board's re-solve and one proposal's exact budget rise. Each runs within the one time
budget `JOB_TIME_BUDGET` and reports its progress; its answer is stored where the pages read it
(a `Suggestion`, or the suggestion's kept budget rises), so `job.result` only points at it."""
import time

from flask import current_app, url_for
from flask_babel import gettext as _

from .. import jobs
from ..extensions import db
from ..models import Plan, RembukMeeting, Suggestion, User
from . import ServiceError
from .optimization import budget_rise_for, compute_suggestion
from . import rembuk
from .rembuk import current_locks, meeting_suggestion

SUGGESTION = "suggestion"
BUDGET_RISE = "budget_rise"
# Of the job's time budget, this share is kept for reading the plan before the solve and
# storing the answer after it; the optimizer gets the rest, minus what reading took.
STORE_RESERVE = 0.05


def _optimizer_budget(job) -> float:
    """Seconds left for the optimizer: the job's budget, less what the job has used, less the reserve."""
    budget = float(current_app.config.get("JOB_TIME_BUDGET") or 60)
    used = time.monotonic() - getattr(job, "started_monotonic", time.monotonic())
    return max(0.05, budget * (1 - STORE_RESERVE) - used)


def _user(job):
    user = db.session.get(User, job.user_id) if job.user_id else None
    if user is None:
        raise ServiceError(_("Akun yang meminta perhitungan ini tidak ada lagi."))
    return user


@jobs.handler(SUGGESTION)
def suggestion(job, progress) -> dict:
    """The plan page's "Hitung usulan alokasi": args {"plan_id"}."""
    plan = db.session.get(Plan, job.args.get("plan_id"))
    if plan is None:
        raise ServiceError(_("Rencana ini tidak ada lagi."))
    stored = compute_suggestion(plan, _user(job), progress=progress, time_budget=_optimizer_budget(job))
    return {"suggestion_id": stored.id, "status": stored.status}


@jobs.handler("rembuk")
def rembuk_resolve(job, progress) -> dict:
    """The board's re-solve with the room's decisions as they are when the job starts:
    args {"session_id"}."""
    meeting = db.session.get(RembukMeeting, job.args.get("session_id"))
    if meeting is None or meeting.status != "open":
        raise ServiceError(_("Rembuk ini sudah disahkan atau tidak ada lagi."))
    stored = compute_suggestion(meeting.plan, _user(job), locks=current_locks(meeting), meeting=meeting,
                                progress=progress, time_budget=_optimizer_budget(job))
    return {"suggestion_id": stored.id, "status": stored.status}


@jobs.handler(BUDGET_RISE)
def budget_rise(job, progress) -> dict:
    """One unfunded proposal's exact budget rise, kept with its suggestion:
    args {"suggestion_id", "key"}."""
    stored = db.session.get(Suggestion, job.args.get("suggestion_id"))
    if stored is None:
        raise ServiceError(_("Perhitungan ini tidak ada lagi."))
    progress(0.1, "budget_rise")
    budget_rise_for(stored.plan, stored, job.args.get("key"), "id")
    return {"suggestion_id": stored.id, "key": job.args.get("key")}


@jobs.handler("alternatives")
def alternatives(job, progress) -> dict:
    """The rembuk's "Cari alternatif" search, off the web worker: args {"session_id", "max_loss"}.
    Its answer is kept as the job's result for the meeting's answer it searched from."""
    meeting = db.session.get(RembukMeeting, job.args.get("session_id"))
    if meeting is None:
        raise ServiceError(_("Rembuk ini tidak ada lagi."))
    latest = meeting_suggestion(meeting)
    progress(0.1, "alternatives")
    found = rembuk.alternatives(meeting, max_loss=float(job.args.get("max_loss")))
    return {"suggestion_id": latest.id if latest else None, "found": found}


def rise_subject(suggestion_id, key) -> str:
    return f"{suggestion_id}:{key}"[:80]


def next_url(job) -> str:
    """Where the plain (no-JavaScript) waiting page goes once the job has finished."""
    if job.kind == "rembuk":
        return url_for("rembuk.board", sid=job.args.get("session_id"))
    if job.kind == BUDGET_RISE:
        return url_for("suggestions.budget_rise", plan_id=job.plan_id, suggestion_id=job.args.get("suggestion_id"),
                       key=job.args.get("key"))
    if job.kind == "alternatives":
        return url_for("rembuk.alternatives", sid=job.args.get("session_id"),
                       susut=job.args.get("susut") or "2")
    if job.kind == "robustness":
        return url_for("suggestions.robustness", plan_id=job.plan_id, suggestion_id=job.args.get("suggestion_id"))
    if job.plan_id is not None:
        return url_for("suggestions.suggestion", plan_id=job.plan_id)
    return url_for("main.home")
