"""AKS recommendations, the village team, ADD beside Dana Desa

- `aks_finding`: per village and audit semester, cases found as counts by target group and cause.
- `aks_recommendation`: the audit team's recommendations (intervention, optionally a catalogue
  item, how many people or households, by whom, by when). Counts only: no name, NIK or address.
- `proposal.aks_recommendation_id`: the recommendation a proposal answers (SET NULL on delete).
- `team_member`: the village's TPPS per year, a role and a name as the member signs.
- `plan.pagu_add`: the village's Alokasi Dana Desa for the year (existing plans: 0).

Revision ID: 0006_aks
Revises: 0006_convergence
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_aks'
down_revision = '0006_convergence'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('aks_finding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('desa_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('semester', sa.SmallInteger(), nullable=False),
    sa.Column('target_group', sa.String(length=16), nullable=False),
    sa.Column('cause', sa.String(length=200), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('count >= 0', name=op.f('ck_aks_finding_count_nonnegative')),
    sa.CheckConstraint('semester in (1, 2)', name=op.f('ck_aks_finding_semester')),
    sa.ForeignKeyConstraint(['desa_id'], ['region.id'], name=op.f('fk_aks_finding_desa_id_region'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_aks_finding'))
    )
    with op.batch_alter_table('aks_finding', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_aks_finding_desa_id'), ['desa_id'], unique=False)

    op.create_table('team_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('desa_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=24), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('sex', sa.String(length=1), nullable=False),
    sa.Column('place', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("sex in ('P', 'L')", name=op.f('ck_team_member_sex')),
    sa.ForeignKeyConstraint(['desa_id'], ['region.id'], name=op.f('fk_team_member_desa_id_region'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_team_member'))
    )
    with op.batch_alter_table('team_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_team_member_desa_id'), ['desa_id'], unique=False)

    op.create_table('aks_recommendation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('desa_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('semester', sa.SmallInteger(), nullable=False),
    sa.Column('intervention', sa.String(length=200), nullable=False),
    sa.Column('catalogue_item_id', sa.Integer(), nullable=True),
    sa.Column('target_group', sa.String(length=16), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('count_unit', sa.String(length=10), nullable=False),
    sa.Column('responsible', sa.String(length=120), nullable=False),
    sa.Column('due', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("count_unit in ('orang', 'keluarga')", name=op.f('ck_aks_recommendation_count_unit')),
    sa.CheckConstraint('count >= 1', name=op.f('ck_aks_recommendation_count_positive')),
    sa.CheckConstraint('semester in (1, 2)', name=op.f('ck_aks_recommendation_semester')),
    sa.ForeignKeyConstraint(['catalogue_item_id'], ['catalogue_item.id'], name=op.f('fk_aks_recommendation_catalogue_item_id_catalogue_item'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['desa_id'], ['region.id'], name=op.f('fk_aks_recommendation_desa_id_region'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_aks_recommendation'))
    )
    with op.batch_alter_table('aks_recommendation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_aks_recommendation_desa_id'), ['desa_id'], unique=False)

    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pagu_add', sa.BigInteger(), nullable=False, server_default=sa.text('0')))

    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('aks_recommendation_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_proposal_aks_recommendation_id'), ['aks_recommendation_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_proposal_aks_recommendation_id_aks_recommendation'), 'aks_recommendation', ['aks_recommendation_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_proposal_aks_recommendation_id_aks_recommendation'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_proposal_aks_recommendation_id'))
        batch_op.drop_column('aks_recommendation_id')

    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.drop_column('pagu_add')

    with op.batch_alter_table('aks_recommendation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_aks_recommendation_desa_id'))

    op.drop_table('aks_recommendation')
    with op.batch_alter_table('team_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_team_member_desa_id'))

    op.drop_table('team_member')
    with op.batch_alter_table('aks_finding', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_aks_finding_desa_id'))

    op.drop_table('aks_finding')
