"""Server-rendered charts: plain numbers in, SVG coordinates out (templates draw them).

No JavaScript chart library: an SVG drawn on the server reads the same on a
phone, a projector and paper.
"""
import itertools
import math
from dataclasses import dataclass

from flask_babel import get_locale

from .formatting import format_rupiah, format_short_decimal


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    points: list          # [(x, y, label_x, label_y, highlight)] in SVG coordinates
    polyline: str
    x_ticks: list         # [(x, text)]
    y_ticks: list         # [(y, text)]
    left: int
    bottom: int
    right: int
    top: int
    band: str = ""        # polygon points of a low–high range around the line ("" without one)


def line_chart(values, x_label, y_label, highlight=None, width=640, height=280, ticks=5,
               band=None) -> LineChart:
    """Scale `values` [(x, y)] into an SVG box with margins; `highlight` is an x to mark;
    `band` [(x, low, high)] a range drawn around the line.

    `x_label(x)` and `y_label(y)` format tick texts. Y starts at zero so the eye
    reads the real size of the change, not an exaggerated slope.
    """
    left, right, top, bottom = 70, width - 45, 15, height - 35
    xs = [float(x) for x, _ in values] or [0.0, 1.0]
    ys = [float(y) for _, y in values] + [float(high) for _, _, high in band or ()] or [0.0]
    x_min, x_max = min(xs), max(xs)
    y_max = max(ys) or 1.0
    if x_max == x_min:
        x_max = x_min + 1

    def sx(x):
        return left + (float(x) - x_min) / (x_max - x_min) * (right - left)

    def sy(y):
        return bottom - float(y) / y_max * (bottom - top)

    points = [(round(sx(x), 1), round(sy(y), 1), x, y, highlight is not None and x == highlight)
              for x, y in values]
    polyline = " ".join(f"{px},{py}" for px, py, *_ in points)
    x_ticks = [(round(sx(x_min + (x_max - x_min) * k / (ticks - 1)), 1), x_label(x_min + (x_max - x_min) * k / (ticks - 1)))
               for k in range(ticks)]
    y_ticks = [(round(sy(y_max * k / (ticks - 1)), 1), y_label(y_max * k / (ticks - 1))) for k in range(ticks)]
    outline = ([(sx(x), sy(high)) for x, _, high in band or ()]
               + [(sx(x), sy(low)) for x, low, _ in reversed(band or ())])
    return LineChart(width, height, points, polyline, x_ticks, y_ticks, left, bottom, right, top,
                     " ".join(f"{round(px, 1)},{round(py, 1)}" for px, py in outline))



# --- Bar charts (the oversight dashboards) --------------------------------------------------------------------
#
# Drawn by templates/charts/_bars.html and templates/charts/_grouped_bars.html. Every value is
# also written as text next to its bar, and series differ by fill pattern as well as colour, so
# a chart still reads on a black-and-white printout; each bar carries a <title> for screens.

_chart_ids = itertools.count(1)
CHAR_WIDTH = 6.2          # approximate width of one character at the charts' 11px font, in SVG units


def _chart_id(prefix: str) -> str:
    """An id unique within a page (pattern and description ids must not clash between charts)."""
    return f"{prefix}-{next(_chart_ids)}"


def _number(value) -> float:
    """None and NaN count as zero."""
    try:
        number = float(value or 0)
    except (TypeError, ValueError):
        return 0.0
    return 0.0 if math.isnan(number) else number


def nice_step(top: float, intervals: int = 4) -> float:
    """A round step (1, 2, 2,5 or 5 × 10ⁿ) that cuts [0, top] into at most `intervals` parts."""
    if top <= 0 or intervals < 1:
        return 1.0
    raw = top / intervals
    magnitude = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 2.5, 5, 10):
        if multiple * magnitude >= raw - 1e-12 * raw:
            return multiple * magnitude
    return 10 * magnitude


def _tick_values(top: float, intervals: int) -> list:
    """Round values from 0 up to `top` (not beyond), at most `intervals` + 1 of them."""
    step = nice_step(top, intervals)
    count = int(math.floor(top / step + 1e-9))
    return [round(k * step, 10) for k in range(count + 1)]


def _text_width(text: str) -> float:
    return len(text) * CHAR_WIDTH


def _shorten(text: str, room: float) -> str:
    """`text` cut with an ellipsis to fit `room` SVG units (the full text stays in the bar's title)."""
    most = max(int(room // CHAR_WIDTH), 2)
    return text if len(text) <= most else text[:most - 1].rstrip() + "…"


def compact_rupiah(value) -> str:
    """Rupiah for axes and small labels: `Rp 250 jt`, `Rp 1,25 M` (English: `Rp 250 M`, `Rp 1.25 B`)."""
    if value is None:
        return "–"
    names = _compact_names()
    amount = float(value)
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    for size, name in ((1e12, names[3]), (1e9, names[2]), (1e6, names[1]), (1e3, names[0])):
        if amount >= size:
            scaled = round(amount / size, 2)
            if scaled >= 1000:      # 999.999 juta rounds to 1000 jt: say 1 M instead
                continue
            text = format_short_decimal(scaled, 2, "en" if names is _ENGLISH else "id")
            return f"{sign}Rp {text} {name}"
    return f"{sign}Rp {round(amount)}"


_INDONESIAN = ("rb", "jt", "M", "T")     # ribu, juta, miliar, triliun
_ENGLISH = ("k", "M", "B", "T")


def _compact_names():
    """Indonesian abbreviations, or English ones when the page is in English ("M" differs!)."""
    try:
        locale = get_locale()
    except Exception:       # outside a request (scripts, tests): Indonesian, the app's default
        locale = None
    return _ENGLISH if locale is not None and locale.language == "en" else _INDONESIAN


def _default_short(value_label):
    """The formatter for ticks and small labels: compact Rupiah when the values are Rupiah."""


    return compact_rupiah if value_label is format_rupiah else value_label


def _fitting_ticks(top: float, room: float, label, most: int = 5) -> list:
    """Tick values whose labels fit side by side in `room` units (fewer ticks for long labels)."""
    for intervals in range(most, 0, -1):
        values = _tick_values(top, intervals)
        widest = max(_text_width(label(v)) for v in values)
        if len(values) < 2 or room / (len(values) - 1) >= widest + 10:
            return values
    return [0.0, top]


@dataclass(frozen=True)
class Bar:
    """One horizontal bar: `width` 0 draws no bar (zero or negative), but the label and value still show."""
    label: str          # the full label (bar title, description)
    short_label: str    # the label cut to fit left of the bars
    value: float        # as given (a negative value is shown as text, drawn as no bar)
    text: str           # the value formatted for people
    x: float
    y: float
    width: float
    height: float
    label_x: float      # right end of the label (text-anchor: end)
    text_x: float       # start of the value text, just past the bar's end
    text_y: float       # baseline of both texts


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    bars: list          # [Bar]
    label_width: int    # the column of labels left of the bars; bars start at x = label_width
    plot_width: float   # the longest bar's width
    left: float         # x of the zero line (= label_width)
    right: float        # x where the longest bar ends (= left + plot_width)
    top: float
    bottom: float       # y of the axis under the bars
    x_ticks: list       # [(x, text)] round values along the axis, gridlines drawn at each
    max_value: float
    title: str          # what the chart shows: the SVG's accessible name
    uid: str            # unique id on the page (for aria-describedby)


def bar_chart(items, value_label, title: str = "", tick_label=None, width: int = 640, bar_height: int = 22,
              gap: int = 8, label_width: int = 200, value_width: int = 120, uid: str | None = None) -> BarChart:
    """Horizontal bars for `items` [(label, value)], in the given order.

    The largest value spans the whole plot (`plot_width`); zero, negative or missing
    values draw no bar. `value_label(value)` writes each value at its bar's end;
    `tick_label` writes the axis ticks (default: compact Rupiah when `value_label` is
    `format_rupiah`, else `value_label`), as many round values as fit side by side.
    """
    plot_width = width - label_width - value_width
    top, axis_room = 6, 22
    values = [_number(v) for _, v in items]
    max_value = max((v for v in values if v > 0), default=0.0)
    scale = max_value or 1.0
    bars = []
    for index, ((label, raw), value) in enumerate(zip(items, values)):
        y = top + index * (bar_height + gap)
        bar_width = round(max(value, 0.0) / scale * plot_width, 1)
        label = str(label)
        bars.append(Bar(label, _shorten(label, label_width - 14), value, value_label(raw if raw is not None else 0),
                        label_width, y, bar_width, bar_height, label_width - 8, label_width + bar_width + 6,
                        round(y + bar_height * 0.7, 1)))
    bottom = top + len(bars) * (bar_height + gap) - gap + 4 if bars else top + bar_height
    tick_label = tick_label or _default_short(value_label)
    tick_values = _fitting_ticks(max_value, plot_width, tick_label) if max_value else [0.0]
    x_ticks = [(round(label_width + v / scale * plot_width, 1), tick_label(v)) for v in tick_values]
    return BarChart(width, int(bottom + axis_room), bars, label_width, plot_width, label_width,
                    label_width + plot_width, top, bottom, x_ticks, max_value, title, uid or _chart_id("bars"))


# Fill of each series, in legend order: solid, diagonal hatch, dots, cross-hatch (then round again).
SERIES_FILLS = ("solid", "hatch", "dots", "cross")


@dataclass(frozen=True)
class GroupedBar:
    series: int         # index into the chart's series (its fill and legend key)
    name: str           # the series' name
    category: str
    value: float
    text: str           # the value in full (bar title, description)
    short: str          # the value in short, written above the bar when there is room
    x: float
    y: float
    width: float
    height: float       # 0: no bar drawn
    fill: str           # one of SERIES_FILLS
    text_x: float       # centre of the bar (text-anchor: middle)
    text_y: float       # baseline of the short value, above the bar


@dataclass(frozen=True)
class BarGroup:
    label: str          # the category, written under its bars
    x: float            # centre of the group
    bars: list          # [GroupedBar], one per series


@dataclass(frozen=True)
class LegendKey:
    series: int
    name: str
    fill: str
    x: float            # swatch's left edge; the name starts at text_x
    y: float            # swatch's top edge
    size: float
    text_x: float
    text_y: float


@dataclass(frozen=True)
class GroupedBarChart:
    width: int
    height: int
    groups: list        # [BarGroup]
    series: list        # series names, in legend order
    legend: list        # [LegendKey], drawn inside the SVG so it prints with the chart
    y_ticks: list       # [(y, text)] round values; the top tick is the scale's top
    left: float
    right: float
    top: float
    bottom: float       # y of the zero line
    label_y: float      # baseline of the category labels
    max_value: float    # the largest value drawn
    scale_max: float    # the value at the top of the plot (a round number ≥ max_value)
    show_values: bool   # short values written above the bars (when they fit)
    title: str
    uid: str            # unique id on the page (pattern and description ids derive from it)


def grouped_bar_chart(categories, series: dict, value_label=None, short_label=None, title: str = "",
                      width: int = 640, height: int = 280, ticks: int = 4, uid: str | None = None) -> GroupedBarChart:
    """Vertical bars grouped per category: `series` {name: [value per category]} in legend order,
    e.g. quarters I–IV × {Komitmen, Realisasi}.

    `value_label` writes a value in full (bar titles; default `format_rupiah`), `short_label`
    on the axis and above the bars (default: compact Rupiah for Rupiah values). The scale
    runs from 0 to a round number at or above the largest value; negatives draw no bar.
    """


    value_label = value_label or format_rupiah
    short_label = short_label or _default_short(value_label)
    categories = [str(c) for c in categories]
    names = [str(n) for n in series]
    columns = [[_number(v) for v in values] for values in series.values()]
    max_value = max((max(v, 0.0) for values in columns for v in values[:len(categories)]), default=0.0)
    step = nice_step(max_value, ticks) if max_value else 1.0
    scale_max = step * max(math.ceil(max_value / step - 1e-9), 1)
    tick_values = [round(k * step, 10) for k in range(int(round(scale_max / step)) + 1)]
    left = max(40.0, max(_text_width(short_label(v)) for v in tick_values) + 14)
    right, top = width - 10, 20
    legend_y = height - 16
    bottom = legend_y - 34
    label_y = bottom + 16
    slot = (right - left) / max(len(categories), 1)
    bar_width = slot * 0.8 / max(len(names), 1)
    show_values = bar_width - 2 >= max((_text_width(short_label(v)) * 0.85 for values in columns for v in values),
                                       default=0)
    groups = []
    for index, category in enumerate(categories):
        start = left + index * slot + slot * 0.1
        bars = []
        for s, name in enumerate(names):
            raw = series[list(series)[s]][index] if index < len(columns[s]) else 0
            value = columns[s][index] if index < len(columns[s]) else 0.0
            h = round(max(value, 0.0) / scale_max * (bottom - top), 1)
            x = round(start + s * bar_width, 1)
            bars.append(GroupedBar(s, name, category, value, value_label(raw or 0), short_label(raw or 0), x,
                                   round(bottom - h, 1), round(bar_width - 2, 1), h,
                                   SERIES_FILLS[s % len(SERIES_FILLS)], round(x + (bar_width - 2) / 2, 1),
                                   round(bottom - h - 4, 1)))
        groups.append(BarGroup(category, round(left + index * slot + slot / 2, 1), bars))
    y_ticks = [(round(bottom - v / scale_max * (bottom - top), 1), short_label(v)) for v in tick_values]
    legend, x = [], left
    for s, name in enumerate(names):
        legend.append(LegendKey(s, name, SERIES_FILLS[s % len(SERIES_FILLS)], x, legend_y - 10, 12, x + 17,
                                legend_y))
        x += 17 + _text_width(name) + 18
    return GroupedBarChart(width, height, groups, names, legend, y_ticks, left, right, top, bottom, label_y,
                           max_value, scale_max, show_values, title, uid or _chart_id("grouped"))


# --- Small quarter charts (the kecamatan dashboard's convergence column) ---------------------------------------

@dataclass(frozen=True)
class SparkBar:
    quarter: str        # "I"…"IV", written under the bar
    rate: float | None  # None: no data for the quarter (drawn as a dashed empty box)
    x: float
    y: float
    width: float
    height: float
    label_x: float      # centre of the bar, for the quarter under it


@dataclass(frozen=True)
class Sparkline:
    width: int
    height: int
    bars: list          # [SparkBar]
    line_y: float       # y of the reference share (e.g. 80%), drawn as a dashed line
    bottom: float       # y of the zero line
    label_y: float      # baseline of the quarter names
    top: float


def quarter_sparkline(rates, line_at: float = 0.8, names=("I", "II", "III", "IV"), width: int = 120,
                      height: int = 44) -> Sparkline:
    """Bars of shares 0–1, one per quarter, on a fixed 0–100% scale (villages compare row by row), with
    a dashed line at `line_at`; a quarter without data is an empty dashed box, not a zero bar."""
    top, bottom, label_y = 2, height - 12, height - 2
    slot = width / max(len(rates), 1)
    bars = []
    for index, rate in enumerate(rates):
        x = round(index * slot + slot * 0.15, 1)
        w = round(slot * 0.7, 1)
        if rate is None:
            bars.append(SparkBar(names[index], None, x, top, w, bottom - top, round(x + w / 2, 1)))
            continue
        share = min(max(_number(rate), 0.0), 1.0)
        h = round(share * (bottom - top), 1)
        bars.append(SparkBar(names[index], share, x, round(bottom - h, 1), w, h, round(x + w / 2, 1)))
    line_y = round(bottom - line_at * (bottom - top), 1)
    return Sparkline(width, height, bars, line_y, bottom, label_y, top)
