"""Moments and days, in one place: stored in UTC, read and shown in Asia/Jakarta (WIB).

A village's day is Jakarta's: after 17:00 UTC it is already tomorrow there. SQLite hands
back naive datetimes, PostgreSQL aware ones; every conversion here reads a naive value as
UTC, so code elsewhere never has to ask which database it runs on. Showing a moment (in the
page's language) is planner.formatting's job; this module only converts.
"""
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("Asia/Jakarta")


def utcnow() -> datetime:
    """Now, as an aware UTC datetime (what every timestamp column stores)."""
    return datetime.now(timezone.utc)


def utc(value) -> datetime | None:
    """A moment (datetime or ISO text; naive read as UTC) as an aware UTC datetime; None stays None."""
    if not value:
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.astimezone(timezone.utc) if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def naive_utc(moment: datetime | None) -> datetime | None:
    """A moment as a naive UTC datetime, to compare with what SQLite returns; None stays None."""
    return utc(moment).replace(tzinfo=None) if moment is not None else None


def local(moment: datetime) -> datetime:
    """A stored moment (naive read as UTC) in Jakarta time."""
    return utc(moment).astimezone(ZONE)


def local_date(moment) -> date | None:
    """A stored moment (datetime or ISO text) as the day it was in Jakarta; None stays None."""
    if not moment:
        return None
    return local(utc(moment)).date()


def today() -> date:
    """Today in Jakarta."""
    return datetime.now(ZONE).date()


def day_start(day: date) -> datetime:
    """Midnight at the start of `day` in Jakarta, as an aware UTC datetime (for filters by day)."""
    return datetime.combine(day, time.min, tzinfo=ZONE).astimezone(timezone.utc)
