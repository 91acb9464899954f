"""Review threads: a kecamatan or kabupaten officer's note on a village plan, and the replies to it.

An officer opens a thread with a note; the village's operator (and the officers) answer in it.
The village sees its threads on its home page and the plan page, with those waiting for its
answer counted; the kecamatan sees on its dashboard which villages have answered.
"""
from dataclasses import dataclass

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import func, select

from ..extensions import db
from ..models import ReviewComment, User
from . import ServiceError, audit

COMMENT_LIMIT = 2000
OFFICERS = ("kecamatan", "admin")


def can_comment(user, plan) -> bool:
    """Officers above the village open threads (scope is checked by get_plan_or_404)."""
    return user.role in OFFICERS


def can_reply(user, plan) -> bool:
    """The village's own operator and the officers answer in a thread."""
    return user.role in OFFICERS or (user.role == "desa" and user.region_id == plan.desa_id)


def can_write(user, plan, parent=None) -> bool:
    return can_reply(user, plan) if parent is not None else can_comment(user, plan)


def thread_or_404(plan, comment_id):
    """The first note of a thread on `plan`; 404 for an id of another plan or a reply."""
    comment = db.session.get(ReviewComment, comment_id) if comment_id else None
    if comment is None or comment.plan_id != plan.id or comment.parent_id is not None:
        abort(404)
    return comment


def add_comment(plan, user, body: str, parent=None) -> ReviewComment:
    """A new thread (no `parent`) or a reply to `parent`. Raises ServiceError for an empty or long text."""
    body = (body or "").strip()
    if not body:
        raise ServiceError({"body": [_("Tulis catatan tinjauan.") if parent is None else _("Tulis jawaban.")]})
    if len(body) > COMMENT_LIMIT:
        raise ServiceError({"body": [_("Paling banyak %(n)s huruf.", n=COMMENT_LIMIT)]})
    comment = ReviewComment(plan_id=plan.id, user_id=user.id, body=body,
                            parent_id=parent.id if parent is not None else None)
    db.session.add(comment)
    audit.record("comment.reply" if parent is not None else "comment.add", plan=plan, user=user, text=body[:200])
    db.session.commit()
    return comment


@dataclass
class Thread:
    note: ReviewComment
    replies: list

    @property
    def last(self) -> ReviewComment:
        return self.replies[-1] if self.replies else self.note

    @property
    def awaiting_village(self) -> bool:
        """The last word is an officer's: the village has not answered yet."""
        return self.last.user.role in OFFICERS

    @property
    def messages(self) -> list:
        return [self.note, *self.replies]


def threads_of(plan) -> list[Thread]:
    """The plan's threads, newest first, each with its replies in order."""
    notes = db.session.scalars(select(ReviewComment).where(ReviewComment.plan_id == plan.id)
                               .order_by(ReviewComment.id)).all()
    threads, by_id = [], {}
    for note in notes:
        if note.parent_id is None:
            by_id[note.id] = Thread(note, [])
            threads.append(by_id[note.id])
    for note in notes:
        if note.parent_id is not None and note.parent_id in by_id:
            by_id[note.parent_id].replies.append(note)
    return list(reversed(threads))


def comments_of(plan) -> list:
    """Every note and reply of the plan, newest first."""
    return db.session.scalars(select(ReviewComment).where(ReviewComment.plan_id == plan.id)
                              .order_by(ReviewComment.id.desc())).all()


def _last_authors(plan_ids):
    """{thread id: (plan id, role of the last author)} for the threads of `plan_ids`."""
    if not plan_ids:
        return {}
    thread = func.coalesce(ReviewComment.parent_id, ReviewComment.id)
    last = (select(thread.label("thread"), func.max(ReviewComment.id).label("last_id"))
            .where(ReviewComment.plan_id.in_(plan_ids)).group_by(thread).subquery())
    return {thread_id: (plan_id, role) for thread_id, plan_id, role in db.session.execute(
        select(last.c.thread, ReviewComment.plan_id, User.role)
        .join(ReviewComment, ReviewComment.id == last.c.last_id).join(User, User.id == ReviewComment.user_id))}


def awaiting_officer(plan_ids) -> dict:
    """{plan id: threads whose last word is the village's} — answers the kecamatan has not read back."""
    counts = {}
    for plan_id, role in _last_authors(list(plan_ids)).values():
        if role not in OFFICERS:
            counts[plan_id] = counts.get(plan_id, 0) + 1
    return counts


def awaiting_village(plan_ids) -> dict:
    """{plan id: threads whose last word is an officer's} — notes the village has not answered."""
    counts = {}
    for plan_id, role in _last_authors(list(plan_ids)).values():
        if role in OFFICERS:
            counts[plan_id] = counts.get(plan_id, 0) + 1
    return counts
