"""Server-rendered charts: plain numbers in, SVG coordinates out (templates draw them).

No JavaScript chart library: an SVG drawn on the server reads the same on a
phone, a projector and paper.
"""
from dataclasses import dataclass


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


def line_chart(values, x_label, y_label, highlight=None, width=640, height=280, ticks=5) -> LineChart:
    """Scale `values` [(x, y)] into an SVG box with margins; `highlight` is an x to mark.

    `x_label(x)` and `y_label(y)` format tick texts. Y starts at zero so the eye
    reads the real size of the change, not an exaggerated slope.
    """
    left, right, top, bottom = 70, width - 45, 15, height - 35
    xs = [float(x) for x, _ in values] or [0.0, 1.0]
    ys = [float(y) for _, y in values] or [0.0]
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
    return LineChart(width, height, points, polyline, x_ticks, y_ticks, left, bottom, right, top)
