"""Background jobs: long work (solves, budget rises, analyses) off the web workers.

A small service on top of Huey (a well-kept task queue with an embedded default and a server
mode; docs/deploy.md says why Huey). The job itself lives in the app's database (`Job`), so any
web worker can show its progress and answer whichever queue carried it:

    job = jobs.enqueue("suggestion", {"plan_id": 7}, user=current_user, plan=plan)
    jobs.wait(job, current_app.config["JOB_INLINE_WAIT"])    # a village-sized solve is done by now
    job.status, job.progress, job.stage, job.result, job.error

    @jobs.handler("robustness")
    def robustness(job, progress):          # runs in a job worker, inside an app context
        for k in range(200):
            ...
            progress(k / 200, "draws")      # written at once, outside the job's own transaction
        return {"draws": 200, ...}          # plain JSON, kept as job.result

A handler raises `ServiceError` for a message the user should read (kept as `job.error`); any
other exception is logged and reported as a general failure. Who may see a job: anyone who may
see its plan (or, without a plan, its region): `get_job_or_404`.

Where jobs run (`JOB_CONSUMER`):
- "inprocess" (default, `make run`): a worker thread in the web process, started by the first
  job; the queue is a SQLite file in instance/ (or Redis when REDIS_URL is set). Nothing but
  Python is needed.
- "external" (`make serve`): `flask --app planner jobs worker` processes, on this machine or
  others, against Redis (REDIS_URL) and the same DATABASE_URL.
- "immediate": run inside `enqueue` (tests, `flask demo load`).

`JOB_TIME_BUDGET` (seconds, `PLANNER_JOB_TIME_BUDGET`) is the one time budget of a whole job;
handlers pass it on (e.g. `optimizer.solve_plan_file(..., time_budget=...)`).
"""
from __future__ import annotations

import logging
import os
import threading
import time
import uuid
from contextlib import contextmanager
from datetime import timedelta
from typing import Callable

from flask import abort, current_app, has_request_context
from flask import session as cookie_session
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from huey import MemoryHuey, RedisHuey, SqliteHuey
from sqlalchemy import select, update

from .access import get_plan_or_404, in_scope
from .extensions import db
from .models import Job, Region
from .services import ServiceError
from .times import naive_utc, utcnow

log = logging.getLogger(__name__)

HANDLERS: dict[str, Callable] = {}
TASK_NAME = "planner.run_job"


def handler(kind: str):
    """Register `fn(job, progress) -> dict` as the handler of jobs of `kind`."""
    def register(fn):
        HANDLERS[kind] = fn
        return fn
    return register


# --- The queue ------------------------------------------------------------------------------------------------

class JobQueue:
    """One app's Huey instance and, in "inprocess" mode, its worker threads."""

    def __init__(self, app):
        self.app = app
        self.huey = _make_huey(app)
        self._task = self.huey.task(name=TASK_NAME)(self._run)
        self._home_pid = os.getpid()
        self._disposed_pid = None
        self._threads: list = []
        self._pid = None
        self._lock = threading.Lock()

    def _run(self, job_id: str) -> None:
        pid = os.getpid()
        if pid != self._home_pid and self._disposed_pid != pid:
            with self.app.app_context():      # a forked worker must not share its parent's connections
                db.engine.dispose(close=False)
            self._disposed_pid = pid
        execute(self.app, job_id)

    def submit(self, job_id: str) -> None:
        mode = self.app.config.get("JOB_CONSUMER", "inprocess")
        if mode == "immediate":
            execute(self.app, job_id)
            return
        self._task(job_id)
        if mode == "inprocess":
            self.ensure_threads()

    def ensure_threads(self) -> None:
        """Start the in-process worker threads once per process (again after a fork)."""
        with self._lock:
            if self._pid == os.getpid() and all(t.is_alive() for t in self._threads):
                return
            self._pid = os.getpid()
            count = max(1, int(self.app.config.get("JOB_INPROCESS_WORKERS", 1)))
            self._threads = [threading.Thread(target=self._loop, name=f"planner-job-{n}", daemon=True)
                             for n in range(count)]
            for thread in self._threads:
                thread.start()

    def _loop(self) -> None:
        delay = 0.05
        while True:
            try:
                task = self.huey.dequeue()
            except Exception:       # the queue's storage hiccuped: try again shortly
                log.exception("Could not read the job queue")
                task = None
            if task is None:
                time.sleep(delay)
                delay = min(delay * 1.5, 0.5)
                continue
            delay = 0.05
            try:
                self.huey.execute(task)
            except Exception:
                log.exception("A job failed outside its handler")


def _make_huey(app):
    if app.config.get("JOB_CONSUMER") == "immediate":
        return MemoryHuey("planner", results=False)
    url = app.config.get("REDIS_URL")
    if url:
        return RedisHuey("planner", url=url, results=False)
    path = app.config.get("JOB_QUEUE_PATH") or os.path.join(app.instance_path, "jobs.sqlite3")
    return SqliteHuey("planner", filename=path, results=False)


def init_app(app) -> None:
    app.extensions["jobs"] = JobQueue(app)


def queue() -> JobQueue:
    return current_app.extensions["jobs"]


# --- Enqueueing and reading -------------------------------------------------------------------------------------

def enqueue(kind: str, args: dict, *, user=None, plan=None, region=None, subject: str = "") -> Job:
    """Record a job and hand it to the queue; returns the `Job` (already finished in immediate mode).

    A job of the same kind and subject for the same plan that is still waiting is reused: it has
    not started, so it will read the plan as it is when it does. It is handed to the queue again
    (a queue that lost it, e.g. a restarted Redis, gets it back; a worker runs it only once)."""
    if kind not in HANDLERS:
        raise KeyError(kind)
    plan_id = plan.id if plan is not None else None
    waiting = db.session.scalar(select(Job).where(Job.kind == kind, Job.plan_id == plan_id, Job.subject == subject,
                                                  Job.status == "queued").order_by(Job.created_at.desc()).limit(1))
    if waiting is not None and not _lost(waiting):
        queue().submit(waiting.id)
        return waiting
    if region is None and plan is not None:
        region = plan.desa
    if has_request_context():
        args = {**args, "_locale": str(get_locale() or "")}     # messages in the asker's language
    job = Job(id=uuid.uuid4().hex, kind=kind, args=args, user_id=getattr(user, "id", None),
              region_id=region.id if region is not None else None, plan_id=plan_id, subject=subject)
    db.session.add(job)
    db.session.commit()
    queue().submit(job.id)
    db.session.expire(job)
    return job


QUEUED_PATIENCE = 0.25   # seconds: a job no worker has taken by then is behind others; do not wait


def wait(job: Job, seconds: float) -> Job:
    """Wait up to `seconds` for the job to finish (polling the database); returns it refreshed.

    Gives up at once when no worker has taken the job within QUEUED_PATIENCE: it waits behind
    other jobs, and the request must not hold a web worker for nothing."""
    started = time.monotonic()
    deadline = started + max(0.0, seconds)
    step = 0.05
    while True:
        db.session.expire(job)
        db.session.commit()             # end the read transaction, so the next read sees the worker's writes
        now = time.monotonic()
        if job.finished or now >= deadline or (job.status == "queued" and now - started >= QUEUED_PATIENCE):
            return job
        time.sleep(step)
        step = min(step * 1.5, 0.2)


def active(kind: str, plan=None, subject: str = "") -> Job | None:
    """The newest job of `kind` for the plan and subject, if it is still waiting or running.

    An older job left unfinished (its worker was killed) never hides a newer answer; a job that
    has run far past its time budget is marked failed here."""
    job = latest(kind, plan, subject)
    if job is None or job.finished:
        return None
    if _lost(job):
        _fail(job.id, _("Perhitungan terhenti (pekerja latar dihentikan). Coba lagi."))
        db.session.expire(job)
        return None
    if job is not None and job.status == "queued" and current_app.config.get("JOB_CONSUMER") == "inprocess":
        queue().ensure_threads()        # a restarted web process picks up what was waiting
    return job


def latest(kind: str, plan=None, subject: str = "") -> Job | None:
    return db.session.scalar(select(Job).where(Job.kind == kind, Job.plan_id == (plan.id if plan else None),
                                               Job.subject == subject).order_by(Job.created_at.desc()).limit(1))


def get_job_or_404(job_id: str) -> Job:
    """The job if the user may see its plan (or region); 404 otherwise (existence not revealed)."""

    job = db.session.get(Job, job_id) if isinstance(job_id, str) and len(job_id) == 32 else None
    if job is None:
        abort(404)
    if job.plan_id is not None:
        get_plan_or_404(job.plan_id)
    elif job.region_id is None or not in_scope(current_user, db.session.get(Region, job.region_id)):
        abort(404)
    if job.status in ("queued", "running") and _lost(job):
        _fail(job.id, _("Perhitungan terhenti (pekerja latar dihentikan). Coba lagi."))
        db.session.expire(job)
    return job


def _lost(job: Job) -> bool:
    """A job that should long have finished: its worker died (kill -9, a restart) before writing."""
    budget = float(current_app.config.get("JOB_TIME_BUDGET", 60))
    since = job.started_at or job.created_at
    if since is None:
        return False
    limit = timedelta(seconds=2 * budget + 120) if job.started_at else timedelta(minutes=30)
    return naive_utc(utcnow()) - naive_utc(since) > limit



@contextmanager
def immediately(app):
    """Run jobs inside `enqueue` for a while (e.g. while `flask demo load` builds meetings)."""
    before = app.config.get("JOB_CONSUMER")
    app.config["JOB_CONSUMER"] = "immediate"
    try:
        yield
    finally:
        app.config["JOB_CONSUMER"] = before


# --- Running ----------------------------------------------------------------------------------------------------

def _write(job_id: str, **values) -> None:
    """Write job fields in a transaction of their own (never the handler's unfinished work)."""
    with db.engine.begin() as conn:
        conn.execute(update(Job.__table__).where(Job.__table__.c.id == job_id).values(**values))


def _fail(job_id, message) -> None:
    _write(job_id, status="failed", error=str(message), finished_at=utcnow())


class Progress:
    """What a handler calls to report how far it is: `progress(0.4, "explanations")`."""

    def __init__(self, job_id: str):
        self.job_id = job_id
        self._last = 0.0

    def __call__(self, fraction: float, stage: str = "") -> None:
        now = time.monotonic()
        if now - self._last < 0.2 and fraction < 1:
            return                          # at most five writes a second
        self._last = now
        try:
            _write(self.job_id, progress=max(0.0, min(1.0, float(fraction))), stage=(stage or "")[:40])
        except Exception:                   # progress is a courtesy: never fail the job for it
            log.warning("Could not write the progress of job %s", self.job_id, exc_info=True)


def execute(app, job_id: str) -> None:
    """Run one job in a fresh app context: mark it running, call its handler, keep the answer."""

    # A fresh app context: its own database session, never the enqueuing request's. The request
    # context inside it gives Flask-Babel and url_for what they need in a worker.
    with app.app_context(), app.test_request_context("/"):
        claimed = db.session.execute(update(Job).where(Job.id == job_id, Job.status == "queued")
                                     .values(status="running", started_at=utcnow())).rowcount
        db.session.commit()
        job = db.session.get(Job, job_id) if claimed else None
        if job is None:                 # gone, or another worker has it (a message sent twice)
            db.session.remove()
            return
        if (job.args or {}).get("_locale") in app.config.get("LANGUAGES", ()):
            cookie_session["locale"] = job.args["_locale"]
        job.started_monotonic = time.monotonic()     # handlers measure their time budget from here
        fn = HANDLERS.get(job.kind)
        try:
            if fn is None:
                raise ServiceError(_("Jenis pekerjaan ini tidak dikenal."))
            result = fn(job, Progress(job_id))
        except ServiceError as error:
            db.session.rollback()
            _fail(job_id, str(error))
        except Exception:
            db.session.rollback()
            log.exception("Job %s (%s) failed", job_id, job.kind)
            _fail(job_id, _("Perhitungan gagal. Rencana tidak berubah; coba lagi sebentar lagi."))
        else:
            _write(job_id, status="done", progress=1.0, result=result or {}, finished_at=utcnow())
        finally:
            db.session.remove()


def run_worker(app, workers: int = 2, worker_type: str = "process") -> None:
    """`flask jobs worker`: a Huey consumer for this app's queue (blocks until stopped)."""
    if app.config.get("JOB_CONSUMER") == "immediate":
        raise RuntimeError("JOB_CONSUMER=immediate runs jobs in the web process; no worker is needed")
    consumer = app.extensions["jobs"].huey.create_consumer(
        workers=workers, worker_type=worker_type, periodic=False, initial_delay=0.05, backoff=1.5, max_delay=0.5,
        check_worker_health=True)
    consumer.run()
