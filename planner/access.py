"""Who may see and change what. Every view fetches scoped objects through here.

The rule: a user sees only regions inside their own (a kabupaten admin sees the
kabupaten, a kecamatan officer its villages, a village operator its village);
only a village operator changes a village's plan. Objects outside the scope are
reported as missing (404), so their existence is not revealed; objects in view
but not writable give 403.
"""
import re

from flask import abort, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import aliased
from werkzeug.exceptions import Forbidden

from .extensions import db
from .models import Commitment, Plan, Proposal, Region, RembukMeeting


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
    """Only the village's own operator edits its plan, and only while it is open to change
    (a draft, or a perubahan being prepared; never a committed plan)."""
    return user.role == "desa" and plan.desa_id == user.region_id and plan.editable_status


_CODE = re.compile(r"^[0-9]{1,4}(\.[0-9]{1,6}){0,3}\Z")


def get_region_or_404(code: str, level: str | None = None):
    """The region with Kemendagri `code`; 404 if absent, of another level or out of scope."""
    if not _CODE.match(code or ""):
        abort(404)     # not a Kemendagri code (e.g. a NUL byte, which PostgreSQL refuses in text)
    region = db.session.scalar(select(Region).where(Region.code == code))
    if region is None or (level and region.level != level) or not in_scope(current_user, region):
        abort(404)
    return region


class Refused(Forbidden):
    """A 403 that says why in the user's words, and what to do instead (`action`: (url, text))."""

    def __init__(self, message, action=None):
        super().__init__(description=str(message))
        self.message = message
        self.action = action


def refuse_committed(plan):
    """403 for the village's own operator on a committed plan: not an account problem, a state."""
    raise Refused(_l("Rencana ini sudah disahkan — buka perubahan untuk mengubahnya."),
                  (url_for("commitments.amend", plan_id=plan.id), _l("Buka perubahan komitmen")))


def get_plan_or_404(plan_id: int, write: bool = False):
    """The plan, scoped: 404 when out of the user's scope, 403 when `write` is not allowed (with
    the reason in words when the village's operator tries to change a committed plan)."""
    plan = db.session.get(Plan, plan_id)
    if plan is None or not in_scope(current_user, plan.desa):
        abort(404)
    if write and not can_edit_plan(current_user, plan):
        if _own_village(current_user, plan) and plan.status == "committed":
            refuse_committed(plan)
        abort(403)
    return plan


def _own_village(user, plan) -> bool:
    return user.role == "desa" and plan.desa_id == user.region_id


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


def can_run_meeting(user, meeting) -> bool:
    """Only the village's operator drives its rembuk, and only while it is open."""
    return can_edit_plan(user, meeting.plan) and meeting.status == "open"


def get_meeting_or_404(meeting_id: int, write: bool = False):
    """A rembuk meeting, scoped through its plan; 403 for `write` unless `can_run_meeting`."""
    meeting = db.session.get(RembukMeeting, meeting_id)
    if meeting is None:
        abort(404)
    plan = get_plan_or_404(meeting.plan_id)
    if write and not can_run_meeting(current_user, meeting):
        if _own_village(current_user, plan) and meeting.status != "open":
            raise Refused(_l("Rembuk ini sudah disahkan dan tidak bisa diubah lagi. Untuk mengubah kesepakatannya, "
                             "buka perubahan komitmen."),
                          (url_for("commitments.amend", plan_id=plan.id), _l("Buka perubahan komitmen"))
                          if plan.status == "committed" else None)
        abort(403)
    return meeting


def get_commitment_or_404(commitment_id: int):
    """A commitment, scoped through its plan. Commitments are never written through a route."""
    commitment = db.session.get(Commitment, commitment_id)
    if commitment is None:
        abort(404)
    get_plan_or_404(commitment.plan_id)
    return commitment
