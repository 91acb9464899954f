"""Review comments: the kecamatan's and kabupaten's remarks on a village plan, which the village reads."""
from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..models import ReviewComment
from . import ServiceError, history

COMMENT_LIMIT = 2000


def can_comment(user, plan) -> bool:
    """Officers above the village comment (scope is checked by get_plan_or_404)."""
    return user.role in ("kecamatan", "admin")


def add_comment(plan, user, body: str) -> ReviewComment:
    body = (body or "").strip()
    if not body:
        raise ServiceError({"body": [_("Tulis catatan tinjauan.")]})
    if len(body) > COMMENT_LIMIT:
        raise ServiceError({"body": [_("Paling banyak %(n)s huruf.", n=COMMENT_LIMIT)]})
    comment = ReviewComment(plan_id=plan.id, user_id=user.id, body=body)
    db.session.add(comment)
    history.record("comment.add", plan=plan, user=user, text=body[:200])
    db.session.commit()
    return comment


def comments_of(plan) -> list:
    return db.session.scalars(select(ReviewComment).where(ReviewComment.plan_id == plan.id)
                              .order_by(ReviewComment.id.desc())).all()
