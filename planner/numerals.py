"""Reading numbers the way villages type them (writing them is planner.formatting's job).

Indonesian writes a dot between thousands and a comma before decimals:
`1.250.000` is one million two hundred fifty thousand, `0,25` a quarter. People
also paste `Rp 1.250.000`, `1250000`, from a spreadsheet `0.0023`, or an English
`1,250,000` (commas read as thousands only when there are two or more groups, or
a decimal point follows: `1,250` stays one and a quarter).
"""
import re
from decimal import Decimal, InvalidOperation

_GROUPED = re.compile(r"^[1-9]\d{0,2}(\.\d{3})+$")   # 1.250.000
_PLAIN = re.compile(r"^\d+$")
_ENGLISH = re.compile(r"^[1-9]\d{0,2}(,\d{3}){2,}(\.\d+)?$|^[1-9]\d{0,2}(,\d{3})+\.\d+$")   # 1,250,000 / 1,250.5


class NumberFormatError(ValueError):
    """Raised with an Indonesian message when text is not a number we can read."""


def _clean(text) -> str:
    value = str(text).strip()
    value = re.sub(r"^(rp\.?)\s*", "", value, flags=re.IGNORECASE)
    value = re.sub(r"[,.]-$", "", value)     # Rp 1.250.000,- : "and no cents", as invoices write it
    return value.replace(" ", "").replace("\u00a0", "")


def parse_decimal(text) -> Decimal:
    """Parse Indonesian (or plain) number text to a Decimal.

    Accepts `1.250.000`, `1.250.000,50`, `0,25`, `0.0023`, `-3`, `Rp 5.000`, `Rp 5.000,-`,
    and English `1,250,000` / `1,250.50`.
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
    if _ENGLISH.match(value):
        digits = value.replace(",", "")
    elif "," in value:
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
