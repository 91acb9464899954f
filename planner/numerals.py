"""Reading and writing numbers the Indonesian way.

Indonesian writes a dot between thousands and a comma before decimals:
`1.250.000` is one million two hundred fifty thousand, `0,25` a quarter. People
also paste `Rp 1.250.000`, `1250000` or, from a spreadsheet, `0.0023`.
"""
import re
from decimal import Decimal, InvalidOperation

_GROUPED = re.compile(r"^[1-9]\d{0,2}(\.\d{3})+$")   # 1.250.000
_PLAIN = re.compile(r"^\d+$")


class NumberFormatError(ValueError):
    """Raised with an Indonesian message when text is not a number we can read."""


def _clean(text) -> str:
    value = str(text).strip()
    value = re.sub(r"^(rp\.?)\s*", "", value, flags=re.IGNORECASE)
    return value.replace(" ", "").replace("\u00a0", "")


def parse_decimal(text) -> Decimal:
    """Parse Indonesian (or plain) number text to a Decimal.

    Accepts `1.250.000`, `1.250.000,50`, `0,25`, `0.0023`, `-3`, `Rp 5.000`.
    A single dot followed by exactly three digits (`1.250`) is read as a
    thousands separator, as an Indonesian reader would. Raises
    NumberFormatError for anything else.
    """
    value = _clean(text)
    if value == "":
        raise NumberFormatError("kosong")
    sign = ""
    if value[0] in "+-":
        sign, value = ("-" if value[0] == "-" else ""), value[1:]
    if "," in value:
        whole, _, frac = value.partition(",")
        if "," in frac or not frac.isdigit():
            raise NumberFormatError("format angka tidak dikenali")
        if whole == "":
            whole = "0"
        if not (_PLAIN.match(whole) or _GROUPED.match(whole)):
            raise NumberFormatError("format angka tidak dikenali")
        digits = whole.replace(".", "") + "." + frac
    elif _GROUPED.match(value):
        digits = value.replace(".", "")
    elif re.match(r"^\d*\.\d+$", value) or _PLAIN.match(value):
        digits = value
    else:
        raise NumberFormatError("format angka tidak dikenali")
    try:
        return Decimal(sign + digits)
    except InvalidOperation as exc:  # pragma: no cover - the patterns above exclude this
        raise NumberFormatError("format angka tidak dikenali") from exc


def parse_int(text) -> int:
    """Parse a whole number; `1.250.000` and `1.250.000,00` are fine, `2,5` is not."""
    number = parse_decimal(text)
    if number != number.to_integral_value():
        raise NumberFormatError("harus bilangan bulat")
    return int(number)


def group_thousands(value: int) -> str:
    """`1250000` → `1.250.000`."""
    sign = "-" if value < 0 else ""
    return sign + f"{abs(int(value)):,}".replace(",", ".")


def format_rupiah(value) -> str:
    """`1250000` → `Rp 1.250.000`; None → `–`."""
    if value is None:
        return "–"
    return "Rp " + group_thousands(round(value))


def format_decimal_id(value, digits: int = 2) -> str:
    """A decimal with a comma: `0.1234` → `0,12`; thousands grouped with dots. A value that
    rounds to zero reads `0,00`, never `-0,00` (a difference of -1e-12 is no difference)."""
    if value is None:
        return "–"
    text = f"{value:z,.{digits}f}"
    return text.replace(",", "\u0000").replace(".", ",").replace("\u0000", ".")


def format_impact(value) -> str:
    """Impact per unit is often tiny (0,00097): show significant digits, not two decimals."""
    if value is None:
        return "–"
    if value == 0:
        return "0"
    magnitude = abs(value)
    if magnitude >= 1:
        return format_decimal_id(value, 2)
    text = f"{value:.3g}" if magnitude >= 0.001 else f"{value:.2e}"
    if "e" in text:
        text = f"{value:.7f}".rstrip("0")
    return text.replace(".", ",")
