"""Jinja filters and globals: Rupiah, Indonesian dates, domain labels."""
from flask_babel import format_date, format_datetime, get_locale
from markupsafe import Markup

from . import domain
from .numerals import format_decimal_id, format_impact, format_rupiah, group_thousands


def format_percent(value, digits: int = 1) -> str:
    """0.126 → `12,6%`."""
    if value is None:
        return "–"
    return format_decimal_id(value * 100, digits) + "%"


def format_reduction(value) -> str:
    """A relative risk reduction as a rounded share (an estimate carries no more): 0.147 → `15%`,
    0.0084 → `0,8%`, 0 → `0%`, below 0.05% → `<0,1%`."""
    if value is None:
        return "–"
    if value <= 0:
        return "0%"
    if value < 0.0005:
        return "<0,1%"
    if value < 0.01:
        return format_decimal_id(value * 100, 1) + "%"
    return format_decimal_id(value * 100, 0) + "%"


def format_cases(value) -> str:
    """Expected cases as a model estimate reads: whole cases from 10, one decimal under 10
    (`2,9`), `<0,1` for a non-zero value that would round to nothing."""
    if value is None:
        return "–"
    if value <= 0:
        return "0"
    if value < 0.05:
        return "<0,1"
    return format_decimal_id(value, 1 if value < 10 else 0)


def _iso_date(text, fmt="long"):
    """A date stored as ISO text (e.g. in a commitment's snapshot), formatted like `date`."""
    from datetime import date

    if not text:
        return "–"
    try:
        return format_date(date.fromisoformat(str(text)[:10]), fmt)
    except ValueError:
        return str(text)


def init_app(app):
    app.jinja_env.filters.update(
        rupiah=format_rupiah,
        number=lambda v: "–" if v is None else group_thousands(v),
        decimal=format_decimal_id,
        impact=format_impact,
        percent=format_percent,
        reduction=format_reduction,
        cases=format_cases,
        date=lambda v, fmt="long": "–" if v is None else format_date(v, fmt),
        datetime=lambda v, fmt="medium": "–" if v is None else format_datetime(v, fmt),
        isodate=_iso_date,
    )

    @app.context_processor
    def inject_domain():
        return {
            "domain": domain,
            "current_locale": str(get_locale()),
        }
