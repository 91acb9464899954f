"""Form fields that read numbers the Indonesian way (`1.250.000`, `0,25`).

Each field keeps the raw text the user typed, so a rejected form shows it again
exactly as typed, with the message at the field.
"""
from datetime import datetime
from decimal import Decimal

from flask import abort, request
from flask_babel import lazy_gettext as _l
from wtforms import Field, HiddenField
from wtforms.validators import ValidationError
from wtforms.widgets import TextInput

from .formatting import format_number
from .numerals import NumberFormatError, parse_decimal

# Largest amount a form accepts: 999 trillion Rupiah, above any village or kabupaten budget.
MAX_RUPIAH = 999_000_000_000_000
MAX_UNITS = 100_000_000


def _input_number(value) -> str:
    """What a number input shows: the Indonesian notation the parser reads back the same way in
    every language (`1,250` would mean 1250 to an English reader and 1,25 to the parser)."""
    return format_number(value, "id")


class _NumberField(Field):
    widget = TextInput()

    def __init__(self, label=None, validators=None, minimum=0, maximum=None, required=True, **kwargs):
        kwargs.setdefault("render_kw", {}).setdefault("inputmode", "decimal")
        super().__init__(label, validators, **kwargs)
        self.minimum = minimum
        self.maximum = maximum
        self.required = required
        self.raw = None

    def _value(self):
        if self.raw is not None:
            return self.raw
        if self.data is None:
            return ""
        return self.format(self.data)

    def process_formdata(self, valuelist):
        self.raw = valuelist[0] if valuelist else ""
        text = (self.raw or "").strip()
        if text == "":
            self.data = None
            if self.required:
                raise ValueError(_l("Wajib diisi."))
            return
        try:
            number = parse_decimal(text)
        except NumberFormatError:
            self.data = None
            raise ValueError(self.format_error)
        self.data = self.convert(number)

    def pre_validate(self, form):
        if self.data is None:
            return
        if self.minimum is not None and self.data < self.minimum:
            raise ValidationError(_l("Tidak boleh kurang dari %(min)s.", min=self.format(self.minimum)))
        if self.maximum is not None and self.data > self.maximum:
            raise ValidationError(_l("Terlalu besar: paling banyak %(max)s.", max=self.format(self.maximum)))


class RupiahField(_NumberField):
    """Whole Rupiah. Accepts `1.250.000`, `Rp 1.250.000`, `1250000`."""

    format_error = _l("Tulis jumlah rupiah dengan angka, misalnya 1.250.000.")

    def __init__(self, label=None, validators=None, maximum=MAX_RUPIAH, **kwargs):
        kwargs.setdefault("render_kw", {})["inputmode"] = "numeric"
        super().__init__(label, validators, maximum=maximum, **kwargs)

    def convert(self, number: Decimal):
        if number != number.to_integral_value():
            raise ValueError(_l("Rupiah harus bilangan bulat, tanpa sen."))
        return int(number)

    format = staticmethod(_input_number)


class WholeNumberField(_NumberField):
    """A count: people, units, months. Accepts `2.700`."""

    format_error = _l("Tulis bilangan bulat, misalnya 2.700.")

    def __init__(self, label=None, validators=None, maximum=MAX_UNITS, **kwargs):
        kwargs.setdefault("render_kw", {})["inputmode"] = "numeric"
        super().__init__(label, validators, maximum=maximum, **kwargs)

    def convert(self, number: Decimal):
        if number != number.to_integral_value():
            raise ValueError(_l("Harus bilangan bulat."))
        return int(number)

    format = staticmethod(_input_number)


class DecimalNumberField(_NumberField):
    """A decimal such as an impact per unit. Accepts `0,0023` and `0.0023`."""

    format_error = _l("Tulis angka desimal dengan koma, misalnya 0,0023.")

    def convert(self, number: Decimal):
        return float(number)

    @staticmethod
    def format(value):
        if value is None:
            return ""
        text = f"{value:.10f}".rstrip("0").rstrip(".")
        return text.replace(".", ",")


class DateField(Field):
    """A calendar date. Accepts what a date picker sends (`2026-08-12`) and what people type
    in Indonesia (`12/08/2026`, `12-08-2026`, `12.08.2026`); keeps the raw text on error."""

    widget = TextInput(input_type="date")
    PATTERNS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.raw = None

    def _value(self):
        if self.raw is not None:
            return self.raw
        return self.data.isoformat() if self.data else ""

    def process_formdata(self, valuelist):
        self.raw = (valuelist[0] if valuelist else "") or ""
        text = self.raw.strip()
        self.data = None
        if not text:
            return
        for pattern in self.PATTERNS:
            try:
                self.data = datetime.strptime(text, pattern).date()
                return
            except ValueError:
                continue
        raise ValueError(_l("Tanggal tidak dikenali; tulis seperti 12/08/2026."))


MAX_ID = 2**31 - 1      # the largest id a database column holds (PostgreSQL integer)


def bounded_int(value, low: int = 1, high: int = MAX_ID) -> int | None:
    """A whole number written in ASCII digits (no sign, at most 12 digits) within [low, high],
    else None: never a query error, an overflow or a surprise from `int("²")`."""
    text = str(value).strip() if value is not None else ""
    if not text or len(text) > 12 or not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if low <= number <= high else None


MAX_PAGE = 100_000


def page_number(name: str = "halaman") -> int:
    """The page number in the query (`?halaman=`): 1 when absent; 404 when not a number 1 … MAX_PAGE."""
    text = request.args.get(name)
    if text is None or text == "":
        return 1
    number = bounded_int(text, 1, MAX_PAGE)
    if number is None:
        abort(404)
    return number


def record_id(value) -> int | None:
    """A record id from a form or URL value: a whole number 1 … MAX_ID, else None (never a query error)."""
    return bounded_int(value, 1, MAX_ID)


class VersionField(HiddenField):
    """The record's version when the form was drawn, sent back for optimistic locking."""

    def number(self) -> int | None:
        """The version as a whole number, or None when the value is missing or not a number."""
        try:
            return int(self.data)
        except (TypeError, ValueError):
            return None
