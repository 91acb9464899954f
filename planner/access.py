"""Who may see and change what. Every view fetches scoped objects through here.

The rule: a user sees only regions inside their own (a kabupaten admin sees the
kabupaten, a kecamatan officer its villages, a village operator its village);
only a village operator changes a village's plan. Objects outside the scope are
reported as missing (404), so their existence is not revealed; objects in view
but not writable give 403.
"""
from flask import abort
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import aliased

from .extensions import db
from .models import Plan, Proposal, Region


def desa_ids_in_scope(user):
    """A select of the ids of the villages `user` may see."""
    if user.role == "desa":
        return select(Region.id).where(Region.id == user.region_id, Region.level == "desa")
    if user.role == "kecamatan":
        return select(Region.id).where(Region.parent_id == user.region_id, Region.level == "desa")
    kecamatan = aliased(Region)
    return (
        select(Region.id)
        .join(kecamatan, Region.parent_id == kecamatan.id)
        .where(kecamatan.parent_id == user.region_id, Region.level == "desa")
    )


def in_scope(user, region) -> bool:
    """True if `region` is the user's own region or inside it."""
    return user.region.contains(region)


def can_edit_plan(user, plan) -> bool:
    """Only the village's own operator edits its plan, and only a draft."""
    return user.role == "desa" and plan.desa_id == user.region_id and plan.status == "draft"


def get_region_or_404(code: str, level: str | None = None):
    """The region with Kemendagri `code`; 404 if absent, of another level or out of scope."""
    region = db.session.scalar(select(Region).where(Region.code == code))
    if region is None or (level and region.level != level) or not in_scope(current_user, region):
        abort(404)
    return region


def get_plan_or_404(plan_id: int, write: bool = False):
    """The plan, scoped: 404 when out of the user's scope, 403 when `write` is not allowed."""
    plan = db.session.get(Plan, plan_id)
    if plan is None or not in_scope(current_user, plan.desa):
        abort(404)
    if write and not can_edit_plan(current_user, plan):
        abort(403)
    return plan


def get_proposal_or_404(proposal_id: int, write: bool = False):
    """A proposal, scoped through its plan like `get_plan_or_404`."""
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None:
        abort(404)
    get_plan_or_404(proposal.plan_id, write=write)
    return proposal


def require_admin():
    """403 unless the user is a kabupaten admin."""
    if current_user.role != "admin":
        abort(403)
