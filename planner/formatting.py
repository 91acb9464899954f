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
