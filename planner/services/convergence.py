"""The Scorecard Konvergensi Desa: what a village's 1000-HPK households received, per quarter.

The KPM (Kader Pembangunan Manusia) fills the scorecard every quarter (Kemendesa, Panduan
Fasilitasi Konvergensi Pencegahan Stunting di Desa) and presents it at the rembuk stunting:

- table 1: the 1000-HPK targets (ibu hamil, of whom KEK or risiko tinggi; anak 0–23 bulan, of whom
  gizi kurang, gizi buruk or stunting);
- table 2: the growth mat (tikar pertumbuhan): children measured green, yellow, red;
- table 3: per service indicator (`INDICATORS`, 8 for ibu hamil, 10 for anak 0–23 bulan, 1 for anak
  2–6 tahun), how many should have received the service and how many did;
- table 4: the tingkat konvergensi, services received ÷ services due, per group and overall:
  `levels` computes it (summing received and due over the group's indicators), it is never typed.

What this module offers:

- `check(values)`: the pure checks of one quarter's counts, `{field: [message]}`.
- `save_quarter(desa, year, quarter, values, user, source)`: store a quarter (form or XLSX).
- `lagging(plan or desa, year)`: the services that lag in the latest quarter with data
  ("baru 40% baduta ditimbang tiap bulan"), for the rembuk.
- `already_reached(desa, year)`: per catalogue item that `COVERS` maps to an indicator, how many
  people of the item's target group already receive what it delivers (latest quarter with data),
  for the impact model to take off the people a proposal can still reach.
- `region_quarters(region, year)`: each village's level per quarter, for the kecamatan dashboard.

Counts only: no name, NIK or address of any person is ever stored (UU 27/2022).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, selectinload

from ..documents.tables import COUNT_FORMAT, SHARE_FORMAT, Table
from ..extensions import db
from ..formatting import format_number, format_percent
from ..models import ConvergenceIndicator, ConvergenceScorecard, Plan, Region
from ..models.base import utcnow
from ..numerals import NumberFormatError, parse_decimal
from ..times import today
from . import ServiceError, audit, commit_or_conflict

QUARTERS = (1, 2, 3, 4)
QUARTER_NAMES = {1: "I", 2: "II", 3: "III", 4: "IV"}
MAX_COUNT = 100_000        # more people than this in one village's scorecard is a typing error
# A service lags when fewer than this share of those due received it. The guidance sets no
# threshold; 80% is this app's choice, written on every page that lists lagging services.
LAG_BELOW = 0.8

GROUPS = {
    "ibu_hamil": _l("Ibu hamil"),
    "baduta": _l("Anak 0–23 bulan"),
    "anak_2_6": _l("Anak 2–6 tahun"),
}


@dataclass(frozen=True)
class Indicator:
    code: str
    group: str          # a key of GROUPS
    package: str        # the service package (domain.PACKAGES) the service belongs to
    label: object       # the scorecard's wording (lazy string)
    lag: object         # who and what, for "baru 40% <lag>" (lazy string)


# Table 3 of the scorecard, in its order (domain notes: Scorecard Konvergensi Desa).
INDICATORS = (
    Indicator("bumil_anc4", "ibu_hamil", "kia", _l("Ibu hamil memeriksakan kehamilan minimal 4 kali"),
              _l("ibu hamil periksa kehamilan minimal 4 kali")),
    Indicator("bumil_ttd90", "ibu_hamil", "kia", _l("Ibu hamil minum tablet tambah darah minimal 90 hari"),
              _l("ibu hamil minum tablet tambah darah 90 hari")),
    Indicator("bumil_nifas3", "ibu_hamil", "kia", _l("Ibu bersalin mendapat pemeriksaan nifas minimal 3 kali"),
              _l("ibu bersalin diperiksa nifas minimal 3 kali")),
    Indicator("bumil_konseling4", "ibu_hamil", "konseling_gizi",
              _l("Ibu hamil ikut konseling gizi atau kelas ibu hamil minimal 4 kali"),
              _l("ibu hamil ikut kelas ibu hamil minimal 4 kali")),
    Indicator("bumil_kunjungan", "ibu_hamil", "konseling_gizi",
              _l("Ibu hamil KEK/risiko tinggi dikunjungi ke rumah setiap bulan"),
              _l("ibu hamil KEK/risti dikunjungi ke rumah tiap bulan")),
    Indicator("bumil_air", "ibu_hamil", "air_sanitasi", _l("Rumah tangga ibu hamil punya akses air minum aman"),
              _l("rumah tangga ibu hamil punya air minum aman")),
    Indicator("bumil_jamban", "ibu_hamil", "air_sanitasi", _l("Rumah tangga ibu hamil punya jamban layak"),
              _l("rumah tangga ibu hamil punya jamban layak")),
    Indicator("bumil_jkn", "ibu_hamil", "perlindungan_sosial", _l("Ibu hamil punya jaminan kesehatan"),
              _l("ibu hamil punya jaminan kesehatan")),
    Indicator("baduta_imunisasi", "baduta", "kia", _l("Anak 0–23 bulan mendapat imunisasi dasar lengkap"),
              _l("baduta mendapat imunisasi dasar lengkap")),
    Indicator("baduta_timbang", "baduta", "kia", _l("Anak 0–23 bulan ditimbang berat badannya setiap bulan"),
              _l("baduta ditimbang tiap bulan")),
    Indicator("baduta_ukur", "baduta", "kia", _l("Anak 0–23 bulan diukur panjang badannya minimal 2 kali setahun"),
              _l("baduta diukur panjang badannya 2 kali setahun")),
    Indicator("baduta_konseling", "baduta", "konseling_gizi",
              _l("Orang tua/pengasuh anak 0–23 bulan ikut konseling gizi setiap bulan"),
              _l("orang tua baduta ikut konseling gizi tiap bulan")),
    Indicator("baduta_kunjungan", "baduta", "konseling_gizi",
              _l("Anak 0–23 bulan gizi kurang/buruk/stunting dikunjungi ke rumah setiap bulan"),
              _l("baduta gizi kurang/buruk/stunting dikunjungi ke rumah tiap bulan")),
    Indicator("baduta_air", "baduta", "air_sanitasi", _l("Rumah tangga anak 0–23 bulan punya akses air minum aman"),
              _l("rumah tangga baduta punya air minum aman")),
    Indicator("baduta_jamban", "baduta", "air_sanitasi", _l("Rumah tangga anak 0–23 bulan punya jamban layak"),
              _l("rumah tangga baduta punya jamban layak")),
    Indicator("baduta_akta", "baduta", "perlindungan_sosial", _l("Anak 0–23 bulan punya akta kelahiran"),
              _l("baduta punya akta kelahiran")),
    Indicator("baduta_jkn", "baduta", "perlindungan_sosial", _l("Anak 0–23 bulan punya jaminan kesehatan"),
              _l("baduta punya jaminan kesehatan")),
    Indicator("baduta_pengasuhan", "baduta", "paud",
              _l("Orang tua/pengasuh anak 0–23 bulan ikut kelas pengasuhan (BKB) setiap bulan"),
              _l("orang tua baduta ikut kelas pengasuhan tiap bulan")),
    Indicator("paud_aktif", "anak_2_6", "paud", _l("Anak 2–6 tahun aktif di layanan PAUD"),
              _l("anak 2–6 tahun aktif di PAUD")),
)
BY_CODE = {indicator.code: indicator for indicator in INDICATORS}

# Tables 1 and 2: (field, label, the field it is part of, or None).
TABLE1 = (
    ("ibu_hamil", _l("Ibu hamil"), None),
    ("ibu_hamil_kek", _l("di antaranya KEK/risiko tinggi"), "ibu_hamil"),
    ("anak_0_23", _l("Anak 0–23 bulan"), None),
    ("anak_0_23_gizi", _l("di antaranya gizi kurang/gizi buruk/stunting"), "anak_0_23"),
)
TABLE2 = (
    ("tikar_hijau", _l("Hijau (tumbuh baik)")),
    ("tikar_kuning", _l("Kuning (perlu perhatian)")),
    ("tikar_merah", _l("Merah (perlu rujukan)")),
)
COUNT_FIELDS = tuple(name for name, _label, _part in TABLE1) + tuple(name for name, _label in TABLE2)

# Which scorecard indicator counts the people a catalogue item would reach (`already_reached`). Only
# where the item delivers what the indicator measures, to the item's own target group; the reasons
# for each pair and for the items left out are in docs/impact-model.md ("Sudah terlayani").
COVERS = {
    "kelas_ibu_hamil": "bumil_konseling4",     # ibu_hamil: ≥4 kelas ibu hamil / konseling gizi
    "kunjungan_nifas": "bumil_nifas3",         # ibu_nifas: ≥3 postnatal visits
    "fasilitasi_jkn": "bumil_jkn",             # ibu_hamil: health insurance
    "konseling_pmba": "baduta_konseling",      # baduta: monthly feeding counselling of the caregiver
    "kunjungan_rumah": "baduta_kunjungan",     # baduta: monthly home visits of malnourished children
    "akta_kelahiran": "baduta_akta",           # baduta: birth certificate
    "bkb": "baduta_pengasuhan",                # baduta: monthly parenting class (BKB)
}


# --- The arithmetic (pure) ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Level:
    """Services received and due, summed; `rate` is table 4's tingkat konvergensi (None: nothing due)."""
    received: int = 0
    should: int = 0

    @property
    def rate(self) -> float | None:
        return self.received / self.should if self.should else None

    def __add__(self, other: "Level") -> "Level":
        return Level(self.received + other.received, self.should + other.should)


@dataclass(frozen=True)
class Levels:
    groups: dict            # group -> Level, in GROUPS order
    overall: Level
    packages: dict          # package -> Level, for the packages with an indicator


def levels(pairs) -> Levels:
    """Table 4 from table 3: `pairs` {indicator code: (should, received)}. Per group and overall, the
    services received divided by the services due, as the scorecard defines it (an indicator
    nobody was due adds nothing; a group nobody was due has no rate). Unknown codes are ignored."""
    groups = {group: Level() for group in GROUPS}
    packages: dict = {}
    for indicator in INDICATORS:
        should, received = pairs.get(indicator.code, (0, 0))
        level = Level(int(received), int(should))
        groups[indicator.group] = groups[indicator.group] + level
        packages[indicator.package] = packages.get(indicator.package, Level()) + level
    overall = Level()
    for level in groups.values():
        overall = overall + level
    return Levels(groups, overall, packages)


def pairs_of(card) -> dict:
    """{code: (should, received)} of a stored scorecard."""
    return {row.code: (row.should, row.received) for row in card.indicators}


def card_levels(card) -> Levels:
    return levels(pairs_of(card))


def check(values: dict) -> dict:
    """The checks of one quarter's counts (`values`: COUNT_FIELDS and `should-<code>`/`received-<code>`
    as ints): {field: [message]} in the user's language, empty when all is well. A field missing
    from `values` (typed unreadably: the form reports it) takes part in no check, so the other
    checks are still reported at once."""
    errors: dict = {}
    given = set(values)

    def add(name, message):
        errors.setdefault(name, []).append(message)

    for name, label, part_of in TABLE1:
        if part_of and {name, part_of} <= given and values[name] > values[part_of]:
            add(name, _("Tidak boleh lebih dari jumlah %(whole)s (%(n)s).",
                        whole=_label_of(part_of).lower(), n=format_number(values[part_of])))
    tikar = [name for name, _label in TABLE2]
    measured = sum(values.get(name, 0) for name in tikar)
    if set(tikar) | {"anak_0_23"} <= given and measured > values["anak_0_23"]:
        add("tikar", _("Anak di tikar pertumbuhan (%(m)s) lebih banyak dari anak 0–23 bulan di tabel 1 (%(n)s).",
                       m=format_number(measured), n=format_number(values["anak_0_23"])))
    for indicator in INDICATORS:
        pair = {f"should-{indicator.code}", f"received-{indicator.code}"}
        if not pair <= given:
            continue
        should, received = values[f"should-{indicator.code}"], values[f"received-{indicator.code}"]
        if received > should:
            add(f"received-{indicator.code}",
                _("Yang menerima (%(r)s) tidak boleh lebih dari yang seharusnya menerima (%(s)s).",
                  r=format_number(received), s=format_number(should)))
    shoulds = [f"should-{i.code}" for i in INDICATORS]
    if set(shoulds) <= given and not any(values[name] for name in shoulds):
        add(None, _("Tabel 3 kosong: isi sedikitnya satu layanan, berapa yang seharusnya menerima dan berapa "
                    "yang menerima."))
    return errors


def _label_of(name):
    return str(next(label for field_name, label, _part in TABLE1 if field_name == name))


def read_count(text) -> tuple[int | None, str | None]:
    """A count as typed (`12`, `1.250`): (value, None), or (None, message). Blank reads as 0."""
    text = "" if text is None else str(text).strip()
    if not text:
        return 0, None
    try:
        number = parse_decimal(text)
    except NumberFormatError:
        return None, _("Tulis bilangan bulat, misalnya 12.")
    if number != number.to_integral_value():
        return None, _("Harus bilangan bulat (jumlah orang).")
    if number < 0:
        return None, _("Tidak boleh negatif.")
    if number > MAX_COUNT:
        return None, _("Terlalu besar untuk satu desa (paling banyak %(n)s).", n=format_number(MAX_COUNT))
    return int(number), None


def field_names() -> list:
    """Every count of a quarter, in the scorecard's order."""
    return list(COUNT_FIELDS) + [f"{kind}-{i.code}" for i in INDICATORS for kind in ("should", "received")]


def read_values(form) -> tuple[dict, dict, dict]:
    """The posted counts: (values, errors, typed); each field read the Indonesian way."""
    values, errors, typed = {}, {}, {}
    for name in field_names():
        typed[name] = form.get(name, "")
        value, message = read_count(typed[name])
        if message:
            errors[name] = [message]
        else:
            values[name] = value
    return values, errors, typed


def values_of(card) -> dict:
    """A stored quarter as the values `check` and the form read."""
    values = {name: getattr(card, name) for name in COUNT_FIELDS}
    for code, (should, received) in pairs_of(card).items():
        values[f"should-{code}"], values[f"received-{code}"] = should, received
    return values


# --- Reading and writing ---------------------------------------------------------------------------------------

def get(desa, year: int, quarter: int):
    return db.session.scalar(select(ConvergenceScorecard).where(
        ConvergenceScorecard.desa_id == desa.id, ConvergenceScorecard.year == year,
        ConvergenceScorecard.quarter == quarter))


def year_cards(desa, year: int) -> dict:
    """{quarter: scorecard} of the village's year."""
    return {card.quarter: card for card in db.session.scalars(select(ConvergenceScorecard).where(
        ConvergenceScorecard.desa_id == desa.id, ConvergenceScorecard.year == year))}


def years_with_data(desa) -> list:
    return list(db.session.scalars(select(ConvergenceScorecard.year).where(ConvergenceScorecard.desa_id == desa.id)
                                   .distinct().order_by(ConvergenceScorecard.year)))


def latest(desa, up_to_year: int | None = None):
    """The village's latest quarter with data (in `up_to_year` or before), or None."""
    query = select(ConvergenceScorecard).where(ConvergenceScorecard.desa_id == desa.id)
    if up_to_year is not None:
        query = query.where(ConvergenceScorecard.year <= up_to_year)
    return db.session.scalar(query.order_by(ConvergenceScorecard.year.desc(), ConvergenceScorecard.quarter.desc())
                             .limit(1))


def current_quarter(day=None) -> tuple[int, int]:
    """(year, quarter) of `day`, by default today in Asia/Jakarta."""
    day = day or today()
    return day.year, (day.month - 1) // 3 + 1


def has_started(year: int, quarter: int, day=None) -> bool:
    """A scorecard counts what was delivered: a quarter that has not begun has none yet."""
    return (year, quarter) <= current_quarter(day)


def save_quarter(desa, year: int, quarter: int, values: dict, user, source: str = "form",
                 version: int | None = None):
    """Store the quarter's counts (replacing what was stored for it), after `check`. `version`: the
    version the user edited; a different stored one means someone saved in between (ServiceError).
    A quarter that has not begun is refused. Returns the scorecard."""
    if quarter not in QUARTERS:
        raise ServiceError({None: [_("Triwulan harus 1, 2, 3 atau 4.")]})
    if not has_started(year, quarter):
        raise ServiceError({None: [_("Triwulan %(q)s %(year)s belum dimulai: scorecard mencatat layanan yang "
                                     "sudah diterima.", q=QUARTER_NAMES[quarter], year=year)]})
    values = {name: int(values.get(name, 0)) for name in field_names()}
    errors = check(values)
    if errors:
        raise ServiceError(errors)
    card = get(desa, year, quarter)
    conflict = _("Scorecard triwulan ini baru saja disimpan orang lain. Muat ulang halaman; isian Anda belum "
                 "tersimpan.")
    if card is not None and version is not None and card.version_id != version:
        raise ServiceError(conflict)
    if card is None:
        card = ConvergenceScorecard(desa_id=desa.id, year=year, quarter=quarter)
        db.session.add(card)
    for name in COUNT_FIELDS:
        setattr(card, name, int(values.get(name, 0)))
    card.source = source
    card.user_id = user.id if user is not None else None
    rows = {row.code: row for row in card.indicators}
    for indicator in INDICATORS:
        row = rows.get(indicator.code)
        if row is None:
            row = ConvergenceIndicator(code=indicator.code)
            card.indicators.append(row)
        row.should = int(values.get(f"should-{indicator.code}", 0))
        row.received = int(values.get(f"received-{indicator.code}", 0))
    # An edit of the indicators alone must still bump the scorecard's version (the lock above).
    card.updated_at = utcnow()
    try:
        db.session.flush()
    except IntegrityError:      # the same quarter created at the same moment by another request
        db.session.rollback()
        raise ServiceError(conflict) from None
    overall = levels({code: (values.get(f"should-{code}", 0), values.get(f"received-{code}", 0))
                      for code in BY_CODE}).overall
    audit.record("convergence.save", region=desa, target=f"{year}-{quarter}", year=year,
                   quarter=QUARTER_NAMES[quarter], level=format_percent(overall.rate, 0, trim=True),
                   source="XLSX" if source == "xlsx" else _("formulir"))
    commit_or_conflict(conflict)
    return card


# --- What lags, what is already delivered --------------------------------------------------------------------------

@dataclass(frozen=True)
class Lag:
    indicator: Indicator
    level: Level

    @property
    def sentence(self) -> str:
        """"baru 40% baduta ditimbang tiap bulan (8 dari 20)"."""
        return _("baru %(percent)s %(what)s (%(received)s dari %(should)s)",
                 percent=format_percent(self.level.rate, 0, trim=True), what=self.indicator.lag,
                 received=format_number(self.level.received), should=format_number(self.level.should))


@dataclass
class Lagging:
    year: int
    quarter: int
    overall: Level
    lags: list = field(default_factory=list)      # [Lag], the worst first

    @property
    def quarter_name(self) -> str:
        return QUARTER_NAMES[self.quarter]


def _subject(subject, year):
    if isinstance(subject, Plan):
        return subject.desa, year if year is not None else subject.year
    return subject, year


def lagging(subject, year: int | None = None, below: float = LAG_BELOW):
    """The services that lag in the latest quarter with data in `year` or before (a rembuk for next
    year's plan meets this year): every indicator with someone due and fewer than `below` of them
    served, the lowest share first (then the most people left out). `subject`: a Plan (its village,
    `year` defaulting to its year) or a village. None when the village has no scorecard yet."""
    desa, year = _subject(subject, year)
    card = latest(desa, year)
    if card is None:
        return None
    pairs = pairs_of(card)
    lags = []
    for indicator in INDICATORS:
        should, received = pairs.get(indicator.code, (0, 0))
        level = Level(received, should)
        if should and level.rate < below:
            lags.append(Lag(indicator, level))
    lags.sort(key=lambda lag: (lag.level.rate, -(lag.level.should - lag.level.received), lag.indicator.code))
    return Lagging(card.year, card.quarter, levels(pairs).overall, lags)


def scorecards(desa, year: int | None = None) -> list:
    """The village's scorecards, oldest quarter first (only `year`'s when given)."""
    query = select(ConvergenceScorecard).where(ConvergenceScorecard.desa_id == desa.id)
    if year is not None:
        query = query.where(ConvergenceScorecard.year == year)
    return list(db.session.scalars(query.order_by(ConvergenceScorecard.year, ConvergenceScorecard.quarter)))


def already_reached(desa, year: int) -> dict:
    """{catalogue item code: people of the item's target group already served}, for the items `COVERS`
    maps to an indicator, from the village's latest quarter with data in `year` or before. Empty
    when the village has no scorecard. `desa` may also be a Plan."""
    desa, year = _subject(desa, year)
    card = latest(desa, year)
    if card is None:
        return {}
    pairs = pairs_of(card)
    return {item: pairs[code][1] for item, code in COVERS.items() if code in pairs}


# --- A region's villages over the quarters ---------------------------------------------------------------------

@dataclass
class VillageLevels:
    """A village's (or, summed, a kecamatan's) overall level per quarter."""
    code: str
    name: str
    quarters: list          # [Level | None] for quarters I–IV (None: no scorecard)
    parent_id: int | None = None
    villages: int = 1       # (kecamatan rows) villages counted

    @property
    def rates(self) -> list:
        return [level.rate if level is not None else None for level in self.quarters]

    @property
    def latest(self):
        """(quarter, Level) of the latest quarter with a scorecard, or None."""
        for quarter in reversed(QUARTERS):
            if self.quarters[quarter - 1] is not None:
                return quarter, self.quarters[quarter - 1]
        return None

    @property
    def missing(self) -> list:
        """Quarters without a scorecard before the latest one that has one (a gap in the reports)."""
        last = self.latest
        if last is None:
            return []
        return [q for q in QUARTERS if q < last[0] and self.quarters[q - 1] is None]


def region_quarters(region, year: int) -> list:
    """Per village of `region` (a kecamatan, or a kabupaten's villages), its overall level per quarter of
    `year`, summed in SQL: one query for the villages and one for the sums, whatever their number."""
    if region.level == "desa":
        where = Region.id == region.id
    elif region.level == "kecamatan":
        where = Region.parent_id == region.id
    else:
        where = Region.parent_id.in_(select(Region.id).where(Region.parent_id == region.id))
    villages = db.session.execute(select(Region.id, Region.code, Region.name, Region.parent_id)
                                  .where(where, Region.level == "desa").order_by(Region.code)).all()
    query = (select(ConvergenceScorecard.desa_id, ConvergenceScorecard.quarter,
                    func.sum(ConvergenceIndicator.received), func.sum(ConvergenceIndicator.should))
             .join(ConvergenceIndicator, ConvergenceIndicator.scorecard_id == ConvergenceScorecard.id)
             .join(Region, Region.id == ConvergenceScorecard.desa_id)
             .where(where, Region.level == "desa", ConvergenceScorecard.year == year,
                    ConvergenceIndicator.code.in_(list(BY_CODE)))
             .group_by(ConvergenceScorecard.desa_id, ConvergenceScorecard.quarter))
    sums = {(desa_id, quarter): Level(int(received or 0), int(should or 0))
            for desa_id, quarter, received, should in db.session.execute(query)}
    return [VillageLevels(code, name, [sums.get((desa_id, q)) for q in QUARTERS], parent_id)
            for desa_id, code, name, parent_id in villages]


def _sum_levels(levels):
    total = None
    for level in levels:
        if level is not None:
            total = level if total is None else total + level
    return total


def kecamatan_quarters(kabupaten, year: int) -> list:
    """Per kecamatan of `kabupaten`, its villages' scorecards summed per quarter (services received ÷
    services due over the villages that entered the quarter), summed in SQL: a province's thousands
    of villages are never rows in Python."""
    kecamatan = db.session.scalars(select(Region).where(Region.parent_id == kabupaten.id,
                                                        Region.level == "kecamatan").order_by(Region.code)).all()
    ids = select(Region.id).where(Region.parent_id == kabupaten.id, Region.level == "kecamatan")
    villages = dict(db.session.execute(select(Region.parent_id, func.count()).where(
        Region.parent_id.in_(ids), Region.level == "desa").group_by(Region.parent_id)).all())
    query = (select(Region.parent_id, ConvergenceScorecard.quarter,
                    func.sum(ConvergenceIndicator.received), func.sum(ConvergenceIndicator.should))
             .join(ConvergenceIndicator, ConvergenceIndicator.scorecard_id == ConvergenceScorecard.id)
             .join(Region, Region.id == ConvergenceScorecard.desa_id)
             .where(Region.parent_id.in_(ids), Region.level == "desa", ConvergenceScorecard.year == year,
                    ConvergenceIndicator.code.in_(list(BY_CODE)))
             .group_by(Region.parent_id, ConvergenceScorecard.quarter))
    sums = {(parent_id, quarter): Level(int(received or 0), int(should or 0))
            for parent_id, quarter, received, should in db.session.execute(query)}
    return [VillageLevels(region.code, region.name, [sums.get((region.id, q)) for q in QUARTERS], kabupaten.id,
                          villages.get(region.id, 0))
            for region in kecamatan]


TREND_POINTS = 0.10       # 10 percentage points or more from the first quarter to the latest: "naik"/"turun"
SLIGHT_POINTS = 0.05      # 5 to 10 points: "naik sedikit"/"turun sedikit"; less: not moving


@dataclass
class RegionConvergence:
    year: int
    rows: list              # [VillageLevels]
    total: list             # [Level | None] per quarter, summed over the villages that entered it
    notes: list             # per row, what a reader should see first (trend, gaps)

    @property
    def has_data(self) -> bool:
        return any(level is not None for level in self.total)


def _rate_text(rate) -> str:
    return format_percent(rate, 0, trim=True)


def village_note(row: VillageLevels) -> str:
    """"naik dari 45% (Tw I) ke 78% (Tw IV)", "tetap sekitar 52%", "Tw II belum diisi"…"""
    dated = [(q, level.rate) for q, level in zip(QUARTERS, row.quarters) if level is not None and level.rate is not None]
    if not dated:
        return _("belum ada scorecard")
    parts = []
    if len(dated) >= 2:
        (q0, first), (q1, last) = dated[0], dated[-1]
        if last - first >= TREND_POINTS:
            parts.append(_("naik dari %(a)s (Tw %(qa)s) ke %(b)s (Tw %(qb)s)", a=_rate_text(first), b=_rate_text(last),
                           qa=QUARTER_NAMES[q0], qb=QUARTER_NAMES[q1]))
        elif first - last >= TREND_POINTS:
            parts.append(_("turun dari %(a)s (Tw %(qa)s) ke %(b)s (Tw %(qb)s)", a=_rate_text(first), b=_rate_text(last),
                           qa=QUARTER_NAMES[q0], qb=QUARTER_NAMES[q1]))
        elif last - first >= SLIGHT_POINTS:
            parts.append(_("naik sedikit dari %(a)s ke %(b)s", a=_rate_text(first), b=_rate_text(last)))
        elif first - last >= SLIGHT_POINTS:
            parts.append(_("turun sedikit dari %(a)s ke %(b)s", a=_rate_text(first), b=_rate_text(last)))
        else:
            mean = sum(r for _q, r in dated) / len(dated)
            parts.append(_("stabil sekitar %(a)s", a=_rate_text(mean)) if mean >= LAG_BELOW
                         else _("tidak bergerak: sekitar %(a)s", a=_rate_text(mean)))
    if row.missing:
        parts.append(_("Tw %(q)s belum diisi", q=", ".join(QUARTER_NAMES[q] for q in row.missing)))
    return "; ".join(parts)


def region_convergence(region, year: int) -> RegionConvergence:
    """A dashboard's convergence section for `year`: a kecamatan's villages, or a kabupaten's kecamatan
    (their villages summed); when nothing was entered that year (a dashboard opened on the year
    being planned), the year before."""
    rows_of = kecamatan_quarters if region.level == "kabupaten" else region_quarters
    for candidate in (year, year - 1):
        rows = rows_of(region, candidate)
        total = [_sum_levels(row.quarters[index] for row in rows) for index in range(len(QUARTERS))]
        result = RegionConvergence(candidate, rows, total, [village_note(row) for row in rows])
        if result.has_data:
            return result
    return RegionConvergence(year, [], [None] * 4, [])


# --- A region's scorecards as a table (the dashboards' download) --------------------------------------------------

def region_table(region, year: int):
    """Every scorecard of `year` of the region's villages, one row per village and quarter (oldest
    quarter first), with tables 1, 2 and 4 and the 19 services (due, received): what a kecamatan or
    kabupaten sends upward. A `documents.tables.Table`."""
    kecamatan = aliased(Region)
    if region.level == "kecamatan":
        where = Region.parent_id == region.id
    else:
        where = Region.parent_id.in_(select(Region.id).where(Region.parent_id == region.id))
    query = (select(ConvergenceScorecard, Region.code, Region.name, kecamatan.name)
             .join(Region, Region.id == ConvergenceScorecard.desa_id)
             .join(kecamatan, kecamatan.id == Region.parent_id)
             .where(where, Region.level == "desa", ConvergenceScorecard.year == year)
             .options(selectinload(ConvergenceScorecard.indicators))
             .order_by(Region.code, ConvergenceScorecard.quarter))
    headers = [_("Kode desa"), _("Desa"), _("Kecamatan"), _("Triwulan")]
    headers += [str(label) for _name, label, _part in TABLE1] + [str(label) for _name, label in TABLE2]
    headers += [_("Tingkat konvergensi %(group)s", group=str(label).lower()) for label in GROUPS.values()]
    headers += [_("Tingkat konvergensi desa")]
    for indicator in INDICATORS:
        headers += [_("%(what)s: seharusnya", what=indicator.label), _("%(what)s: menerima", what=indicator.label)]
    rows = []
    for card, code, name, kecamatan_name in db.session.execute(query):
        pairs = pairs_of(card)
        card_level = levels(pairs)
        row = [code, name, kecamatan_name, QUARTER_NAMES[card.quarter]]
        row += [getattr(card, name) for name in COUNT_FIELDS]
        row += [level.rate for level in card_level.groups.values()] + [card_level.overall.rate]
        for indicator in INDICATORS:
            row += list(pairs.get(indicator.code, (0, 0)))
        rows.append(row)
    first_share = 4 + len(COUNT_FIELDS)
    formats = {i: SHARE_FORMAT for i in range(first_share, first_share + len(GROUPS) + 1)}
    formats.update({i: COUNT_FORMAT for i in range(4, first_share)})
    title = [_("Scorecard Konvergensi Desa — %(name)s (%(code)s), tahun %(year)s", name=region.name, code=region.code,
               year=year),
             _("Satu baris per desa dan triwulan yang diisi; tingkat konvergensi = layanan yang diterima ÷ layanan "
               "yang seharusnya diterima (dihitung). Hanya jumlah orang.")]
    return Table(_("Scorecard konvergensi"), headers, rows, formats=formats, widths={1: 20, 2: 18}, title_lines=title)
