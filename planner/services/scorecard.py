"""The scorecard's table "Penggunaan Dana Desa dalam Pencegahan Stunting" for a village, a kecamatan, a kabupaten.

Table 5 of the Scorecard Konvergensi Desa (Kemendesa): per budget area (bidang) of the APBDes,
the area's total, the Dana Desa allocated to stunting prevention in it, and the share. The
stunting allocation is the latest commitment's activities funded from Dana Desa, grouped by the
first digit of their APBDes code; the bidang totals come from the village's APBDes and are
entered on the plan page, also after the commitment (they are known only once the APBDes is
drafted; changing them is recorded in the plan's history and never touches the commitment).

- `plan_scorecard(plan)`: a village's table (the plan page, and the Berita Acara at merge).
- `content_scorecard(content)`: the same table from a commitment's frozen snapshot alone.
- `region_scorecard(rows)`: a kecamatan's or kabupaten's, from the dashboard's village rows; a
  share is computed only over the villages that entered their bidang total.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..domain import BUDGET_AREAS
from ..extensions import db
from ..models import CommitmentActivity

OTHER = ""
AREA_FIELDS = {"2": "apbdes_pembangunan", "4": "apbdes_pemberdayaan"}


@dataclass
class ScorecardLine:
    area: str                     # "2", "4", or "" for other bidang / no APBDes code
    label: str
    total: int | None             # the bidang's APBDes total; None: not entered
    stunting: int                 # Dana Desa committed to stunting prevention in this bidang
    villages_entered: int = 0     # (regions) villages whose total is entered
    stunting_entered: int = 0     # (regions) stunting money of those villages: the share's numerator

    @property
    def share(self) -> float | None:
        if not self.total:
            return None
        numerator = self.stunting_entered if self.villages_entered else self.stunting
        return numerator / self.total


@dataclass
class SourceShare:
    """The stunting share of one transfer: Dana Desa or ADD (Alokasi Dana Desa)."""

    source: str                   # "dd" or "add"
    label: str
    pagu: int                     # the transfer's pagu (sum over the villages)
    stunting: int                 # committed to stunting prevention from it

    @property
    def share(self) -> float | None:
        return self.stunting / self.pagu if self.pagu else None


@dataclass
class Scorecard:
    lines: list
    villages: int = 1
    committed_villages: int = 0
    rows: list = field(default_factory=list)       # (regions) per village or kecamatan: (name, code, lines)
    sources: list = field(default_factory=list)    # SourceShare: Dana Desa and ADD

    @property
    def stunting(self) -> int:
        return sum(line.stunting for line in self.lines)

    @property
    def entered(self) -> bool:
        return all(line.total is not None for line in self.lines if line.area)


def lines_for(by_area: dict, totals: dict) -> list[ScorecardLine]:
    """The table's lines from the stunting money per bidang and the bidang totals ({"2": …, "4": …})."""
    lines = [ScorecardLine(area, str(label), totals.get(area), int(by_area.get(area, 0)))
             for area, label in BUDGET_AREAS.items()]
    other = sum(int(v) for k, v in by_area.items() if k not in BUDGET_AREAS)
    if other:
        lines.append(ScorecardLine(OTHER, str(_l("Bidang lain atau tanpa kode APBDes")), None, other))
    return lines


def is_dana_desa(source) -> bool:
    """True for an activity funded from Dana Desa: no source given (before sources existed), the code
    `dd`, or the snapshot's label."""
    return source in (None, "", "dd", "Dana Desa")


def _area(code) -> str:
    code = (code or "").strip()
    return code.split(".")[0] if code and code[0].isdigit() else OTHER


def commitment_areas(commitment) -> dict:
    """Dana Desa committed per bidang in a commitment's activity rows (other funding sources left out)."""
    funding = getattr(CommitmentActivity, "funding_source", None)
    columns = [CommitmentActivity.apbdes_code, CommitmentActivity.cost]
    if funding is not None:
        columns.append(funding)
    areas = {}
    for values in db.session.execute(select(*columns).where(CommitmentActivity.commitment_id == commitment.id)):
        code, cost = values[0], values[1]
        if funding is not None and not is_dana_desa(values[2]):
            continue
        area = _area(code)
        areas[area] = areas.get(area, 0) + int(cost or 0)
    return areas


def plan_scorecard(plan, commitment=None) -> Scorecard:
    """A village's table: its latest commitment (or `commitment`) and the bidang totals on its plan."""
    commitment = commitment or plan.latest_commitment
    areas = commitment_areas(commitment) if commitment is not None else {}
    totals = {area: getattr(plan, name) for area, name in AREA_FIELDS.items()}
    add = 0
    if commitment is not None:
        add = int(db.session.scalar(select(func.coalesce(func.sum(CommitmentActivity.cost), 0)).where(
            CommitmentActivity.commitment_id == commitment.id, CommitmentActivity.funding_source == "add")) or 0)
    return Scorecard(lines_for(areas, totals), committed_villages=1 if commitment is not None else 0,
                     sources=source_shares(plan.pagu or 0, sum(int(v) for v in areas.values()),
                                           plan.pagu_add or 0, add))


def source_shares(pagu_dd: int, stunting_dd: int, pagu_add: int, stunting_add: int) -> list:
    """The stunting share of the Dana Desa and of the ADD (the TPPS kecamatan oversees both)."""
    return [SourceShare("dd", str(_l("Dana Desa")), pagu_dd, stunting_dd),
            SourceShare("add", str(_l("Alokasi Dana Desa (ADD)")), pagu_add, stunting_add)]


def content_scorecard(content: dict) -> Scorecard:
    """The table from a commitment's snapshot alone (the totals as they were when it was committed)."""
    areas = {}
    for a in content.get("activities", []):
        if not is_dana_desa(a.get("funding_source")):
            continue
        area = _area(a.get("apbdes_code"))
        areas[area] = areas.get(area, 0) + int(a.get("cost") or 0)
    budget = content.get("budget", {})
    totals = {area: budget.get(name) for area, name in AREA_FIELDS.items()}
    return Scorecard(lines_for(areas, totals), committed_villages=1)


def _region_lines(rows) -> list[ScorecardLine]:
    areas, totals, entered, stunting_entered = {}, {}, {}, {}
    for row in rows:
        for area, cost in (row.areas or {}).items():
            areas[area] = areas.get(area, 0) + int(cost)
        for area, name in AREA_FIELDS.items():
            value = getattr(row, name, None)
            if value is not None and row.plan_id is not None:
                totals[area] = totals.get(area, 0) + value
                entered[area] = entered.get(area, 0) + 1
                stunting_entered[area] = stunting_entered.get(area, 0) + int((row.areas or {}).get(area, 0))
    lines = lines_for(areas, totals)
    for line in lines:
        line.villages_entered = entered.get(line.area, 0)
        line.stunting_entered = stunting_entered.get(line.area, 0)
    return lines


def region_scorecard(rows, by: str = "desa") -> Scorecard:
    """A kecamatan's (`by="desa"`: one row per village) or kabupaten's (`by="kecamatan"`) table,
    from the dashboard's village rows."""
    groups = {}
    for row in rows:
        key = (row.code, row.name) if by == "desa" else (row.kecamatan_code, row.kecamatan_name)
        groups.setdefault(key, []).append(row)
    detail = [(name, code, _region_lines(members), len(members)) for (code, name), members in sorted(groups.items())]
    committed = [r for r in rows if r.commitment_id is not None]
    return Scorecard(_region_lines(rows), villages=len(rows),
                     committed_villages=len(committed), rows=detail,
                     sources=source_shares(sum(r.pagu for r in committed),
                                           sum(int(v) for r in committed for v in (r.areas or {}).values()),
                                           sum(r.pagu_add for r in committed), sum(r.add_committed for r in committed)))
