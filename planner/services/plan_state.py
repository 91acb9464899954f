"""One status per plan, the same on every page, export and API answer.

A plan's stored `status` (draft / committed / amending) says whether it may change; whether its
rembuk is under way is a fact of its meetings. The status people read combines both:

- `none`: the village has no plan for the year (dashboards only);
- `draft`: the plan is being prepared;
- `session` (a stored state code): its rembuk stunting is open (first version or a perubahan);
- `committed`: a commitment is in force (any version: the version is shown beside it);
- `amending`: a perubahan has been opened and its rembuk has not started.
"""
from flask_babel import lazy_gettext as _l

STATES = {
    "none": _l("Belum ada rencana"),
    "draft": _l("Draf"),
    "session": _l("Rembuk berjalan"),
    "committed": _l("Disepakati"),
    "amending": _l("Perubahan disiapkan"),
}


def state_of(status: str | None, open_meeting: bool) -> str:
    """The status people read, from the plan's stored status and whether a meeting is open."""
    if status is None:
        return "none"
    if open_meeting and status in ("draft", "amending"):
        return "session"
    return status if status in STATES else "draft"


def plan_state(plan) -> str:
    """The status of a Plan object (reads its meetings)."""
    if plan is None:
        return "none"
    return state_of(plan.status, plan.open_meeting is not None)


def label(state: str) -> str:
    return str(STATES.get(state, state))
