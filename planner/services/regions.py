"""Reading the region tree within a user's scope."""
from sqlalchemy import func, select

from ..access import desa_ids_in_scope
from ..extensions import db
from ..models import Plan, Proposal, RembukMeeting, Region


def villages_in_scope(user, year: int, parent=None):
    """Villages the user sees (optionally inside `parent`), each with its plan for `year` or None.

    Returns a list of (village, plan) pairs ordered by region code. One query.
    """
    query = (
        select(Region, Plan)
        .outerjoin(Plan, (Plan.desa_id == Region.id) & (Plan.year == year))
        .where(Region.id.in_(desa_ids_in_scope(user)))
        .order_by(Region.code)
    )
    if parent is not None:
        if parent.level == "kecamatan":
            query = query.where(Region.parent_id == parent.id)
        elif parent.level == "desa":
            query = query.where(Region.id == parent.id)
    return db.session.execute(query).all()


def visible_regions(user, parent=None, level: str | None = None, limit: int = 100,
                    offset: int = 0) -> tuple[int, list, dict]:
    """A page of the regions `user` sees (their own, its villages and those villages' kecamatan),
    by code, optionally the children of `parent` or one `level`:
    `(total, [Region], {parent id: parent code})`."""
    villages = desa_ids_in_scope(user)
    kecamatan_ids = select(Region.parent_id).where(Region.id.in_(villages))
    query = select(Region).where(Region.id.in_(villages) | Region.id.in_(kecamatan_ids) | (Region.id == user.region_id))
    if parent is not None:
        query = query.where(Region.parent_id == parent.id)
    if level is not None:
        query = query.where(Region.level == level)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    page = db.session.scalars(query.order_by(Region.code).limit(limit).offset(offset)).all()
    parents = {r.id: r.code for r in db.session.scalars(select(Region).where(
        Region.id.in_({r.parent_id for r in page if r.parent_id})))}
    return total, page, parents


def open_meeting_plans(plan_ids) -> set:
    """The ids among `plan_ids` of plans whose rembuk is open now."""
    if not plan_ids:
        return set()
    return set(db.session.scalars(select(RembukMeeting.plan_id).where(RembukMeeting.plan_id.in_(plan_ids),
                                                                      RembukMeeting.status == "open")))


def plan_years(desa) -> list[int]:
    """Years for which the village has a plan, newest first."""
    return list(db.session.scalars(select(Plan.year).where(Plan.desa_id == desa.id).order_by(Plan.year.desc())))


def proposal_counts(plan_ids) -> dict[int, int]:
    if not plan_ids:
        return {}
    rows = db.session.execute(
        select(Proposal.plan_id, func.count()).where(Proposal.plan_id.in_(plan_ids)).group_by(Proposal.plan_id)
    )
    return dict(rows.all())
