"""One way to write numbers, money, shares and dates, everywhere: pages, documents, exports, sentences.

Built on Babel, in the language of the page (`id` unless the user chose English) and the
Asia/Jakarta time zone (WIB), so a screen never shows `2340` beside `2.340`, or a UTC time in a
spreadsheet. Every function takes an optional `locale` ("id" or "en"); without it the request's
language is used (Flask-Babel's `get_locale`, which `force_locale("id")` overrides — the Berita
Acara is always Indonesian), and Indonesian outside a request.

The numeric functions need no Flask (scripts and pure modules may use them); only the few that
speak words (`format_cases`, `impact_range`) translate through Flask-Babel when an app is there.

    format_number(2340)               "2.340"           (en: "2,340")
    format_rupiah(1250000)            "Rp 1.250.000"    (en: "Rp 1,250,000"); -5000: "-Rp 5.000"
    format_decimal(11.776, 2)         "11,78"           (en: "11.78"); a rounded zero has no minus
    format_percent(0.126)             "12,6%"         (trim=True: 0.3 → "30%")
    format_cases(3.4)                 "3,4"   whole cases from 10 on, one decimal under 10
    impact_range(3.4, 2.1, 5.2)       "≈ 3,4 (2,1–5,2) kasus, perkiraan model"
    format_date(date)                 "7 Desember 2026" (en: "7 December 2026")
    format_datetime(utc datetime)     "7 Des 2026, 19.43 WIB" (Jakarta time)
"""
import math
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers

from . import domain
from .times import ZONE, local  # noqa: F401 (ZONE: the demo reads it here)

ZONE_NAME = "WIB"
DASH = "–"
LANGUAGES = ("id", "en")
# English is written the British way: day before month (7 Dec 2026), 24-hour clock, never US dates.
BABEL_LOCALES = {"id": "id", "en": "en_GB"}


def locale_code(locale=None) -> str:
    """The language to write in: `locale` if given, else the request's, else Indonesian."""
    if locale is None:
        try:
            from flask import has_app_context
            from flask_babel import get_locale

            current = get_locale() if has_app_context() else None
        except ImportError:       # a pure script without Flask
            current = None
        locale = current.language if current is not None else "id"
    code = str(locale).split("_")[0].split("-")[0]
    return code if code in LANGUAGES else "id"


def _babel(locale=None) -> str:
    return BABEL_LOCALES[locale_code(locale)]


@lru_cache(maxsize=None)
def _babel_locale(code: str) -> Locale:
    return Locale.parse(BABEL_LOCALES[code])


@lru_cache(maxsize=32)
def _number_pattern(pattern: str) -> babel_numbers.NumberPattern:
    return babel_numbers.parse_pattern(pattern)


def _babel_decimal(number: Decimal, pattern: str, locale=None) -> str:
    """Babel's `format_decimal(number, format=pattern, locale=…)`, with the locale and the pattern
    parsed once per process (a province dashboard writes thousands of numbers)."""
    return _number_pattern(pattern).apply(number, _babel_locale(locale_code(locale)))


def _rounded(value, digits: int) -> Decimal:
    """`value` rounded half away from zero to `digits` places; -0 becomes 0."""
    number = Decimal(str(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return abs(number) if number == 0 else number


def format_number(value, locale=None) -> str:
    """A whole number with the language's thousands separator: `2.340` / `2,340`; None → `–`."""
    if value is None:
        return DASH
    return _babel_decimal(_rounded(value, 0), "#,##0", locale)


def format_decimal(value, digits: int = 2, locale=None) -> str:
    """A number with exactly `digits` decimals: `11,78` / `11.78`. A value that rounds to zero
    reads `0,00`, never `-0,00` (a difference of -1e-12 is no difference)."""
    if value is None:
        return DASH
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return _babel_decimal(_rounded(value, digits), pattern, locale)


def format_reduction(value, locale=None) -> str:
    """A relative risk reduction as a rounded share (an estimate carries no more): 0.147 → `15%`,
    0.0084 → `0,8%`, 0 → `0%`, below 0.05% → `<0,1%`."""
    if value is None:
        return DASH
    if value <= 0:
        return "0%"
    if value < 0.0005:
        return "<" + format_decimal(0.1, 1, locale) + "%"
    return format_decimal(value * 100, 1 if value < 0.01 else 0, locale) + "%"


def format_short_decimal(value, digits: int = 2, locale=None) -> str:
    """Like `format_decimal`, without trailing zeros: `2,5`, `30`, `12,25`."""
    if value is None:
        return DASH
    pattern = "#,##0" + ("." + "#" * digits if digits > 0 else "")
    return _babel_decimal(_rounded(value, digits), pattern, locale)


def format_rupiah(value, locale=None) -> str:
    """Whole Rupiah: `Rp 1.250.000` (en `Rp 1,250,000`); negative `-Rp 5.000`; None → `–`."""
    if value is None:
        return DASH
    amount = _rounded(value, 0)
    text = "Rp " + format_number(abs(amount), locale)
    return "-" + text if amount < 0 else text


def format_rupiah_short(value, locale=None) -> str:
    """Money in a compact dashboard cell: `Rp 843 jt`, `Rp 1,68 M` (English `Rp 843 m`, `Rp 1.68 bn`);
    under a million the exact amount. The exact amount goes in the cell's title and the recap."""
    if value is None:
        return DASH
    locale = locale_code(locale)       # resolved once for the calls below
    english = locale == "en"
    amount = abs(value)
    if amount < 1_000_000:
        return format_rupiah(value, locale)
    if amount < 1_000_000_000:
        number, unit, digits = value / 1_000_000, "m" if english else "jt", 1 if amount < 100_000_000 else 0
    else:
        number, unit, digits = value / 1_000_000_000, "bn" if english else "M", 2
    return f"Rp {format_decimal(number, digits, locale)} {unit}"


def format_percent(share, digits: int = 1, locale=None, trim: bool = False) -> str:
    """A share as a percentage: 0.126 → `12,6%`, 0.2 → `20,0%`; with `trim`, `20%` (rules read so)."""
    if share is None:
        return DASH
    percent = Decimal(str(share)) * 100
    text = format_short_decimal(percent, digits, locale) if trim else format_decimal(percent, digits, locale)
    return text + "%"


def format_impact(value, locale=None) -> str:
    """An impact per unit, often tiny: three significant digits (`0,0023`, `0,25`), seven decimals
    below 0,001 (`0,0002667`), two decimals from 1 on."""
    if value is None:
        return DASH
    if value == 0:
        return "0"
    magnitude = abs(value)
    if magnitude >= 1:
        return format_decimal(value, 2, locale)
    if magnitude >= 0.001:
        digits = 2 - math.floor(math.log10(magnitude))
        return format_short_decimal(value, digits, locale)
    return format_short_decimal(value, 7, locale)


def cases_digits(value) -> int:
    """How many decimals a number of cases carries: one under 10, none from 10 on."""
    return 1 if abs(value or 0) < 10 else 0


def format_cases(value, locale=None) -> str:
    """Stunting cases averted as the evidence allows: whole cases from 10 on, one decimal under 10,
    `< 0,1` for a positive amount that small (never `0,0` for something that is not nothing)."""
    if value is None:
        return DASH
    if value == 0:
        return "0"      # nothing averted is said as nothing, not as a rounded "0,0"
    if 0 < value < 0.05:
        return "< " + format_decimal(0.1, 1, locale)
    return format_decimal(value, cases_digits(value), locale)


def _(text, **params):
    try:
        from flask_babel import gettext

        return gettext(text, **params)
    except ImportError:           # pragma: no cover - Flask-Babel is always installed with the app
        return text % params


def impact_range(central, low=None, high=None, locale=None) -> str:
    """An impact as the people reading it should take it: a model estimate, rounded, with its
    range when the model gives one. `≈ 3,4 (2,1–5,2) kasus, perkiraan model`; without a range
    `≈ 3,4 kasus, perkiraan model`; None → `–`."""
    if central is None:
        return DASH
    shown = format_cases(central, locale)
    if low is not None and high is not None and (low != central or high != central):
        span = f"{format_cases(low, locale)}–{format_cases(high, locale)}"
        return _("≈ %(c)s (%(range)s) kasus, perkiraan model", c=shown, range=span)
    return _("≈ %(c)s kasus, perkiraan model", c=shown)


def significant(value, digits: int = 2) -> int:
    """A whole amount rounded to `digits` significant figures: 41.516.983 → 42.000.000."""
    value = round(value)
    if value == 0:
        return 0
    scale = 10 ** max(0, len(str(abs(value))) - digits)
    return int(Decimal(value / scale).quantize(Decimal(1), rounding=ROUND_HALF_UP)) * scale


def cost_per_case(cost, cases) -> int | None:
    """Rupiah per stunting case averted (None when nothing is averted): what a kepala desa compares,
    to two significant figures (the cases are a model estimate; more digits would claim more)."""
    if not cases or cases <= 0 or cost is None:
        return None
    return significant(cost / cases)


# --- Dates and times -----------------------------------------------------------------------------------

def spreadsheet_datetime(moment):
    """A moment for an XLSX cell: Jakarta wall-clock time without zone (spreadsheets have none)."""
    if moment is None:
        return None
    return local(moment).replace(tzinfo=None)


def parse_moment(text):
    """An ISO text from a snapshot (`2026-12-07T12:43:00+00:00`) as a datetime, or None."""
    if not text:
        return None
    try:
        return datetime.fromisoformat(str(text))
    except ValueError:
        return None


def format_date(value, fmt: str = "long", locale=None) -> str:
    """A date: `long` → `7 Desember 2026`, `medium` → `7 Des 2026`, `short` → `07/12/26`, or a
    Babel pattern such as `EEEE, d MMMM y`. A datetime is first put in Jakarta time; ISO text
    (as kept in a commitment's snapshot) is read; None → `–`."""
    if value is None or value == "":
        return DASH
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, datetime):
        value = local(value).date()
    return babel_dates.format_date(value, fmt, locale=_babel(locale))


def format_time(value, locale=None) -> str:
    """Hours and minutes in Jakarta time: `19.43` (id) / `19:43` (en)."""
    if value is None:
        return DASH
    pattern = "HH.mm" if locale_code(locale) == "id" else "HH:mm"
    return babel_dates.format_time(local(value), pattern, locale=_babel(locale))


def format_datetime(value, fmt: str = "medium", locale=None) -> str:
    """A moment in Jakarta time with its zone: `7 Des 2026, 19.43 WIB` (also for `short`: one style
    everywhere, never `07/12/26`); `long` → `7 Desember 2026, 19.43 WIB`. ISO text is read; None → `–`."""
    if value is None or value == "":
        return DASH
    if isinstance(value, str):
        moment = parse_moment(value)
        if moment is None:
            return value
        value = moment
    day = format_date(value, "long" if fmt == "long" else "medium", locale)
    return f"{day}, {format_time(value, locale)} {ZONE_NAME}"


MONTHS_SHORT = {
    "id": ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}


def format_months(months, locale=None) -> str:
    """When an activity runs: `Jan–Mar, Jul`; whole quarters as `Triwulan I–II`; none or all twelve:
    `sepanjang tahun` (en `all year`)."""
    months = sorted({int(m) for m in (months or []) if 1 <= int(m) <= 12})
    if not months or len(months) == 12:
        return _("sepanjang tahun")
    names = MONTHS_SHORT[locale_code(locale)]
    quarters = [q for q in range(1, 5) if set(range(3 * q - 2, 3 * q + 1)) <= set(months)]
    if quarters and set(months) == {m for q in quarters for m in range(3 * q - 2, 3 * q + 1)}:
        roman = ("I", "II", "III", "IV")
        spans = _runs(quarters)
        text = ", ".join(roman[a - 1] if a == b else f"{roman[a - 1]}–{roman[b - 1]}" for a, b in spans)
        return _("Triwulan %(q)s", q=text)
    return ", ".join(names[a - 1] if a == b else f"{names[a - 1]}–{names[b - 1]}" for a, b in _runs(months))


def _runs(numbers):
    """[1, 2, 3, 7] → [(1, 3), (7, 7)]."""
    runs = []
    for n in numbers:
        if runs and n == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], n)
        else:
            runs.append((n, n))
    return runs


# --- Jinja --------------------------------------------------------------------------------------------

def init_app(app):
    """The template filters every page uses, all from this module."""
    from flask_babel import get_locale


    app.jinja_env.filters.update(
        rupiah=format_rupiah,
        rupiah_short=format_rupiah_short,
        number=format_number,
        decimal=format_decimal,
        impact=format_impact,
        cases=format_cases,
        impact_range=impact_range,
        percent=format_percent,
        reduction=format_reduction,
        date=format_date,
        datetime=format_datetime,
        isodate=format_date,
        months=format_months,
    )
    app.jinja_env.globals.update(impact_range=impact_range, cost_per_case=cost_per_case,
                                 input_number=lambda value: "" if value is None else format_number(value, "id"))

    @app.context_processor
    def inject_domain():
        return {
            "domain": domain,
            "current_locale": str(get_locale()),
            "missing_labels": lambda roles: ", ".join(str(domain.TEAM_ROLES.get(r, r)) for r in roles),
        }
