"""rembuk: pelaksana, sumber dana and waktu per activity; pledges; perubahan carry-over

- `proposal` and the frozen `commitment_activity` gain `implementer` (pelaksana),
  `funding_source` (sumber dana, `dd` = Dana Desa) and `months` (waktu pelaksanaan, JSON list;
  NULL = through the year). Existing rows: implementer empty (nobody recorded one),
  funding source `dd` (every plan so far spent Dana Desa only), months NULL.
- `commitment_activity.responsible` goes: it held the proposer's code, which named e.g. the BPD
  as responsible for building a water source. The snapshots keep what they held.
- `rembuk_session.document_number`: the Berita Acara's number.
- `rembuk_attendee.carried` and `rembuk_decision.carried_from_id`: a perubahan starts from the
  attendance and decisions of the version it amends.
- `rembuk_pledge`: commitments by other bodies that cost the village nothing.

On SQLite, dropping a column rebuilds `commitment_activity`, which drops its freeze trigger
(migration 0004): it is made again afterwards, both ways. Rebuilding copies rows with INSERT,
which the trigger (BEFORE UPDATE) never refused anyway.

Revision ID: 0005_rembuk
Revises: 0005_security
Create Date: 2026-12-07 16:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_rembuk'
down_revision = '0005_security'
branch_labels = None
depends_on = None


def _postgresql():
    return op.get_bind().dialect.name == "postgresql"


def _drop_activity_trigger():
    op.execute("DROP TRIGGER IF EXISTS commitment_activity_frozen" + (" ON commitment_activity" if _postgresql() else ""))


def _create_activity_trigger():
    if _postgresql():
        op.execute("CREATE TRIGGER commitment_activity_frozen BEFORE UPDATE ON commitment_activity "
                   "FOR EACH ROW EXECUTE FUNCTION planner_refuse_update()")
    else:
        op.execute("CREATE TRIGGER commitment_activity_frozen BEFORE UPDATE ON commitment_activity "
                   "BEGIN SELECT RAISE(ABORT, 'rows of commitment_activity are never changed'); END")


def upgrade():
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('implementer', sa.String(length=120), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('funding_source', sa.String(length=10), nullable=False, server_default='dd'))
        batch_op.add_column(sa.Column('months', sa.JSON(), nullable=True))

    _drop_activity_trigger()
    with op.batch_alter_table('commitment_activity', schema=None) as batch_op:
        batch_op.add_column(sa.Column('implementer', sa.String(length=120), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('funding_source', sa.String(length=10), nullable=False, server_default='dd'))
        batch_op.add_column(sa.Column('months', sa.JSON(), nullable=True))
        batch_op.drop_column('responsible')
    _create_activity_trigger()

    with op.batch_alter_table('rembuk_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('document_number', sa.String(length=80), nullable=False, server_default=''))

    with op.batch_alter_table('rembuk_attendee', schema=None) as batch_op:
        batch_op.add_column(sa.Column('carried', sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table('rembuk_decision', schema=None) as batch_op:
        batch_op.add_column(sa.Column('carried_from_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_rembuk_decision_carried_from_id_rembuk_decision'),
                                    'rembuk_decision', ['carried_from_id'], ['id'], ondelete='SET NULL')

    op.create_table('rembuk_pledge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.String(length=160), nullable=False),
    sa.Column('what', sa.Text(), nullable=False),
    sa.Column('months', sa.JSON(), nullable=True),
    sa.Column('carried', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['rembuk_session.id'], name=op.f('fk_rembuk_pledge_session_id_rembuk_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rembuk_pledge'))
    )
    with op.batch_alter_table('rembuk_pledge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rembuk_pledge_session_id'), ['session_id'], unique=False)


def downgrade():
    with op.batch_alter_table('rembuk_pledge', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rembuk_pledge_session_id'))
    op.drop_table('rembuk_pledge')

    with op.batch_alter_table('rembuk_decision', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_rembuk_decision_carried_from_id_rembuk_decision'), type_='foreignkey')
        batch_op.drop_column('carried_from_id')

    with op.batch_alter_table('rembuk_attendee', schema=None) as batch_op:
        batch_op.drop_column('carried')

    with op.batch_alter_table('rembuk_session', schema=None) as batch_op:
        batch_op.drop_column('document_number')

    _drop_activity_trigger()
    with op.batch_alter_table('commitment_activity', schema=None) as batch_op:
        batch_op.add_column(sa.Column('responsible', sa.String(length=120), nullable=False, server_default=''))
        batch_op.drop_column('months')
        batch_op.drop_column('funding_source')
        batch_op.drop_column('implementer')
    _create_activity_trigger()

    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_column('months')
        batch_op.drop_column('funding_source')
        batch_op.drop_column('implementer')
