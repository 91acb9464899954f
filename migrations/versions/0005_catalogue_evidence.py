"""catalogue_evidence: effect ranges, course lengths, enabling items; existing catalogues re-based

Catalogue items gain the low and high ends of their effect with a source for each, the course
length and the shortest course the evidence needs, whole courses, targeting, an enabling role and
the platform a service is delivered through, the national programme that already reaches the
item's people, and `pending_defaults` (the shipped defaults changed for an item its admin edited).

Data: every kabupaten that has a catalogue is compared with the defaults shipped until now
(`old` in migrations/data/0005_catalogue.json, a frozen copy; `new` holds this revision's):
- an item whose content still equals the old default takes the new default whole (a retired item,
  `mmn_ibu_hamil`, is deactivated: MMS tablets are free from Kemenkes);
- an item the admin edited keeps the admin's content; it takes only the new facts no edit could
  contradict (enabling, platform, national programme, whole courses, targeting) and is flagged for
  review with, per field, the old and the new default (the catalogue page shows them; the admin
  accepts the new defaults or keeps theirs);
- items new in the defaults are added, unless the kabupaten already has an item with that code.
Downgrade restores the old defaults where an item still holds the new ones, removes the added items
nobody has used or changed, and drops the columns.

Revision ID: 0005_catalogue_evidence
Revises: 0004
Create Date: 2026-12-03 09:00:00

"""
import json
from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0005_catalogue_evidence'
down_revision = '0004'
branch_labels = None
depends_on = None

SNAPSHOT = Path(__file__).resolve().parent.parent / "data" / "0005_catalogue.json"
# New facts about an item that no admin edit could contradict: set on edited items too.
INDEPENDENT = ("enabling", "platform", "national_programme", "national_note", "whole_courses", "targeted")

item = sa.table(
    "catalogue_item",
    sa.column("id", sa.Integer), sa.column("region_id", sa.Integer), sa.column("code", sa.String),
    sa.column("name", sa.String), sa.column("description", sa.Text), sa.column("category", sa.String),
    sa.column("package", sa.String), sa.column("target_group", sa.String), sa.column("unit", sa.String),
    sa.column("apbdes_code", sa.String), sa.column("default_unit_cost", sa.BigInteger),
    sa.column("cost_source", sa.Text), sa.column("effect_kind", sa.String), sa.column("effect_value", sa.Float),
    sa.column("effect_low", sa.Float), sa.column("effect_high", sa.Float), sa.column("units_per_course", sa.Float),
    sa.column("impact_source", sa.Text), sa.column("low_source", sa.Text), sa.column("high_source", sa.Text),
    sa.column("impact_note", sa.Text), sa.column("active", sa.Boolean), sa.column("course_days", sa.Integer),
    sa.column("evidence_min_days", sa.Integer), sa.column("whole_courses", sa.Boolean),
    sa.column("targeted", sa.Boolean), sa.column("enabling", sa.Boolean), sa.column("platform", sa.String),
    sa.column("national_programme", sa.String), sa.column("national_note", sa.Text),
    sa.column("pending_defaults", sa.JSON(none_as_null=True)), sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)
proposal = sa.table("proposal", sa.column("catalogue_item_id", sa.Integer))


def _snapshot():
    with open(SNAPSHOT, encoding="utf-8") as handle:
        return json.load(handle)


def _same(a, b) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b or (a is not None and b is not None and bool(a) == bool(b))
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))
    return a == b


def _matches(row, values: dict) -> bool:
    return all(_same(row[field], value) for field, value in values.items())


def _rows_by_kabupaten(conn):
    by_region = {}
    for row in conn.execute(sa.select(item)).mappings():
        by_region.setdefault(row["region_id"], {})[row["code"]] = row
    return by_region


def upgrade():
    with op.batch_alter_table('catalogue_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('effect_low', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('effect_high', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('low_source', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('high_source', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('course_days', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('evidence_min_days', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('whole_courses', sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column('targeted', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('enabling', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('platform', sa.String(length=16), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('national_programme', sa.String(length=16), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('national_note', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('pending_defaults', sa.JSON(), nullable=True))
    _rebase_catalogues()


def _content(defaults: dict, code: str, retired) -> dict:
    """The defaults an item takes; `active` stays the admin's choice except for a retired item."""
    values = {field: value for field, value in defaults.items() if field != "active"}
    if code in retired:
        values["active"] = False
    return values


def _rebase_catalogues():
    conn = op.get_bind()
    snapshot = _snapshot()
    old, new, retired = snapshot["old"], snapshot["new"], set(snapshot["retired"])
    now = datetime.now(timezone.utc)
    for region_id, rows in _rows_by_kabupaten(conn).items():
        for code, defaults in new.items():
            row = rows.get(code)
            if row is None:
                if code not in old:
                    conn.execute(item.insert().values(region_id=region_id, code=code, pending_defaults=None,
                                                      created_at=now, updated_at=now, **defaults))
                continue
            if code not in old:
                continue  # the kabupaten made its own item with this code: leave it
            content = _content(defaults, code, retired)
            if _matches(row, old[code]):
                conn.execute(item.update().where(item.c.id == row["id"])
                             .values(updated_at=now, pending_defaults=None, **content))
                continue
            before = dict(old[code], active=True)
            changed = {field: {"old": before.get(field), "new": value} for field, value in content.items()
                       if field not in INDEPENDENT and not _same(before.get(field), value)
                       and not _same(row[field], value)}
            conn.execute(item.update().where(item.c.id == row["id"]).values(
                updated_at=now, pending_defaults=changed or None,
                **{field: defaults[field] for field in INDEPENDENT}))


def downgrade():
    conn = op.get_bind()
    snapshot = _snapshot()
    old, new, retired = snapshot["old"], snapshot["new"], set(snapshot["retired"])
    used = {row[0] for row in conn.execute(sa.select(proposal.c.catalogue_item_id).distinct()) if row[0]}
    now = datetime.now(timezone.utc)
    for rows in _rows_by_kabupaten(conn).values():
        for code, defaults in new.items():
            row = rows.get(code)
            if row is None or not _matches(row, _content(defaults, code, retired)):
                continue  # changed since: the admin's content stays
            if code in old:
                restore = dict(old[code], active=True) if code in retired else old[code]
                conn.execute(item.update().where(item.c.id == row["id"]).values(updated_at=now, **restore))
            elif row["id"] not in used:
                conn.execute(item.delete().where(item.c.id == row["id"]))
    with op.batch_alter_table('catalogue_item', schema=None) as batch_op:
        batch_op.drop_column('pending_defaults')
        batch_op.drop_column('national_note')
        batch_op.drop_column('national_programme')
        batch_op.drop_column('platform')
        batch_op.drop_column('enabling')
        batch_op.drop_column('targeted')
        batch_op.drop_column('whole_courses')
        batch_op.drop_column('evidence_min_days')
        batch_op.drop_column('course_days')
        batch_op.drop_column('high_source')
        batch_op.drop_column('low_source')
        batch_op.drop_column('effect_high')
        batch_op.drop_column('effect_low')
