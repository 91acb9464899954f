"""Reading a kabupaten's settings for a fiscal year (no writes: services.settings changes them).

Apart from services.settings so that services.rules, which starts a plan from its
kabupaten's rule set, can read them without importing the module that checks rules.
"""
from sqlalchemy import select

from ..extensions import db
from ..models import YearSettings


def year_settings(kabupaten, year: int) -> YearSettings | None:
    """The kabupaten's settings for `year`, or None."""
    if kabupaten is None:
        return None
    return db.session.scalar(select(YearSettings).where(YearSettings.kabupaten_id == kabupaten.id,
                                                        YearSettings.year == year))


def settings_for_plan(plan) -> YearSettings | None:
    """The settings of the plan's kabupaten for the plan's year, or None."""
    desa = getattr(plan, "desa", None)
    if desa is None or plan.year is None:
        return None
    return year_settings(desa.kabupaten, plan.year)
