"""convergence: the Scorecard Konvergensi Desa per village and quarter

- `convergence_scorecard`: per village, year and quarter, table 1 (1000-HPK targets) and table 2
  (tikar pertumbuhan) of the scorecard, as counts.
- `convergence_indicator`: table 3, per scorecard and service indicator, how many should have
  received the service and how many did (received ≤ should, checked by the database too).

Table 4 (tingkat konvergensi) is computed, never stored. New tables only: downgrading drops them
and the scorecards entered since.

Revision ID: 0006_convergence
Revises: 0005_oversight
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_convergence'
down_revision = '0005_oversight'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('convergence_scorecard',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('desa_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('quarter', sa.SmallInteger(), nullable=False),
    sa.Column('ibu_hamil', sa.Integer(), nullable=False),
    sa.Column('ibu_hamil_kek', sa.Integer(), nullable=False),
    sa.Column('anak_0_23', sa.Integer(), nullable=False),
    sa.Column('anak_0_23_gizi', sa.Integer(), nullable=False),
    sa.Column('tikar_hijau', sa.Integer(), nullable=False),
    sa.Column('tikar_kuning', sa.Integer(), nullable=False),
    sa.Column('tikar_merah', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('quarter BETWEEN 1 AND 4', name=op.f('ck_convergence_scorecard_quarter_range')),
    sa.CheckConstraint('ibu_hamil >= 0 AND ibu_hamil_kek >= 0 AND ibu_hamil_kek <= ibu_hamil',
                       name=op.f('ck_convergence_scorecard_ibu_hamil_counts')),
    sa.CheckConstraint('anak_0_23 >= 0 AND anak_0_23_gizi >= 0 AND anak_0_23_gizi <= anak_0_23',
                       name=op.f('ck_convergence_scorecard_anak_counts')),
    sa.CheckConstraint('tikar_hijau >= 0 AND tikar_kuning >= 0 AND tikar_merah >= 0',
                       name=op.f('ck_convergence_scorecard_tikar_counts')),
    sa.ForeignKeyConstraint(['desa_id'], ['region.id'], name=op.f('fk_convergence_scorecard_desa_id_region'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                            name=op.f('fk_convergence_scorecard_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_convergence_scorecard')),
    sa.UniqueConstraint('desa_id', 'year', 'quarter', name='uq_convergence_scorecard_desa_year_quarter')
    )
    with op.batch_alter_table('convergence_scorecard', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_convergence_scorecard_desa_id'), ['desa_id'], unique=False)

    op.create_table('convergence_indicator',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scorecard_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('should', sa.Integer(), nullable=False),
    sa.Column('received', sa.Integer(), nullable=False),
    sa.CheckConstraint('should >= 0 AND received >= 0 AND received <= should',
                       name=op.f('ck_convergence_indicator_received_within_should')),
    sa.ForeignKeyConstraint(['scorecard_id'], ['convergence_scorecard.id'],
                            name=op.f('fk_convergence_indicator_scorecard_id_convergence_scorecard'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_convergence_indicator')),
    sa.UniqueConstraint('scorecard_id', 'code', name='uq_convergence_indicator_code')
    )
    with op.batch_alter_table('convergence_indicator', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_convergence_indicator_scorecard_id'), ['scorecard_id'], unique=False)


def downgrade():
    with op.batch_alter_table('convergence_indicator', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_convergence_indicator_scorecard_id'))
    op.drop_table('convergence_indicator')
    with op.batch_alter_table('convergence_scorecard', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_convergence_scorecard_desa_id'))
    op.drop_table('convergence_scorecard')
