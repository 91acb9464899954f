"""The kabupaten admin's view of the audit trail: filter, page through and export its events.

An admin sees the events of their kabupaten: those about its regions and plans, those done by its
accounts, and failed log-ins under the names of its accounts. Events are never changed here.
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from ..documents.tables import Table
from ..formatting import spreadsheet_datetime
from ..times import day_start
from ..extensions import db
from ..models import AuditEvent, Region, User
from . import history
from .users import region_ids_in

PER_PAGE = 50
EXPORT_LIMIT = 50_000

# Filter groups: label and the action prefixes they cover.
GROUPS = {
    "masuk": (_l("Masuk dan gagal masuk"), ("auth.",)),
    "ditolak": (_l("Akses ditolak"), ("access.",)),
    "rencana": (_l("Rencana dan usulan"), ("plan.", "proposal.", "rules.")),
    "rembuk": (_l("Rembuk dan komitmen"), ("session.", "attendee.", "decision.", "scenario.", "commitment.",
                                           "amendment.")),
    "realisasi": (_l("Realisasi dan catatan tinjauan"), ("realisation.", "comment.")),
    "unduhan": (_l("Unduhan"), ("export",)),
    "pengaturan": (_l("Pengaturan, wilayah dan pengguna"), ("settings.", "regions.", "user.", "token.")),
    "katalog": (_l("Katalog dan asumsi dampak"), ("catalogue.", "impact.")),
}


@dataclass
class AuditFilter:
    group: str = ""
    who: str = ""
    since: date | None = None
    until: date | None = None


@dataclass
class AuditLine:
    at: datetime
    who: str
    ip: str
    action: str
    text: str
    place: str


def _scope(kabupaten):
    regions = region_ids_in(kabupaten)
    accounts = select(User.id).where(User.region_id.in_(regions))
    names = select(func.lower(User.username)).where(User.region_id.in_(regions))
    return or_(AuditEvent.region_id.in_(regions), AuditEvent.user_id.in_(accounts),
               (AuditEvent.action == "auth.login_failed") & AuditEvent.target.in_(names))


def _query(kabupaten, filters: AuditFilter):
    query = select(AuditEvent).where(_scope(kabupaten))
    if filters.group in GROUPS:
        prefixes = GROUPS[filters.group][1]
        query = query.where(or_(*[AuditEvent.action.like(p + "%") for p in prefixes]))
    if filters.who:
        needle = filters.who.strip().lower()
        query = query.where(or_(func.lower(AuditEvent.username) == needle, AuditEvent.target == needle))
    if filters.since:
        query = query.where(AuditEvent.at >= day_start(filters.since))
    if filters.until:
        query = query.where(AuditEvent.at < day_start(filters.until + timedelta(days=1)))
    return query


def recent_changes(kabupaten, limit: int = 15) -> list[tuple]:
    """The latest settings, region and account changes in the kabupaten: (when, who, sentence)."""
    query = (select(AuditEvent).where(AuditEvent.region_id == kabupaten.id,
                                      AuditEvent.action.like("settings.%") | AuditEvent.action.like("regions.%")
                                      | AuditEvent.action.like("user.%"))
             .order_by(AuditEvent.id.desc()).limit(limit))
    return [(event.at, event.username or _("sistem"), history.sentence(event)) for event in db.session.scalars(query)]


def count(kabupaten, filters: AuditFilter) -> int:
    return db.session.scalar(select(func.count()).select_from(_query(kabupaten, filters).subquery()))


def lines(kabupaten, filters: AuditFilter, limit: int = PER_PAGE, offset: int = 0) -> list[AuditLine]:
    """The matching events, newest first, as sentences with who, when, where from and which region."""
    events = db.session.scalars(_query(kabupaten, filters).order_by(AuditEvent.id.desc())
                                .offset(offset).limit(limit)).all()
    region_ids = {e.region_id for e in events if e.region_id}
    names = {}
    if region_ids:
        names = {rid: name for rid, name in db.session.execute(
            select(Region.id, Region.name).where(Region.id.in_(region_ids))).all()}
    return [AuditLine(at=e.at, who=e.username or (e.target if e.action == "auth.login_failed" else _("sistem")),
                      ip=e.ip, action=e.action, text=history.sentence(e), place=names.get(e.region_id, ""))
            for e in events]


def table(kabupaten, filters: AuditFilter) -> Table:
    """The matching events (newest first, at most EXPORT_LIMIT) as a table for CSV/XLSX."""
    rows = [[spreadsheet_datetime(line.at), line.who, line.ip, line.action, line.place, line.text]
            for line in lines(kabupaten, filters, limit=EXPORT_LIMIT)]
    return Table(_("Jejak audit"), [_("Waktu (WIB)"), _("Pengguna"), _("Alamat IP"), _("Kode tindakan"),
                                    _("Wilayah"), _("Kejadian")], rows, widths={0: 20, 5: 70})
