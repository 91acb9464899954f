"""oversight: money rules, quarter reports, review threads, plan summaries

- `year_settings.money_rules`: the year's Dana Desa rules (KDMP share, BLT maximum, food-security
  minimum, operations maximum, the base each is measured on, tranche months); NULL: the app's
  defaults for the year.
- `plan.earmark_pangan`, `plan.earmark_operasional`: the two earmarks those rules speak about
  (existing plans start at 0; their amounts, if any, are in `earmark_other`).
- `region.created_at`: when a region was added (NULL for the regions that exist now).
- `quarter_report`: one row per plan and quarter the village reported; filled here from the
  realisation already recorded (reported when its first row was written).
- `review_comment.parent_id`: replies in a review thread.
- `plan_summary`: what the dashboards read per plan; left empty here, the application fills a
  missing row the first time a dashboard needs it (services.summaries).

Revision ID: 0005_oversight
Revises: 0005_rembuk
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_oversight'
down_revision = '0005_rembuk'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('year_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('money_rules', sa.JSON(), nullable=True))

    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.add_column(sa.Column('earmark_pangan', sa.BigInteger(), nullable=False, server_default=sa.text('0')))
        batch_op.add_column(sa.Column('earmark_operasional', sa.BigInteger(), nullable=False,
                                      server_default=sa.text('0')))

    with op.batch_alter_table('region', schema=None) as batch_op:
        batch_op.add_column(sa.Column('created_at', sa.DateTime(timezone=True), nullable=True))

    op.create_table('quarter_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('quarter', sa.SmallInteger(), nullable=False),
    sa.Column('commitment_version', sa.Integer(), nullable=False),
    sa.Column('reported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('quarter BETWEEN 1 AND 4', name=op.f('ck_quarter_report_quarter_range')),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_quarter_report_plan_id_plan'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_quarter_report_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quarter_report')),
    sa.UniqueConstraint('plan_id', 'quarter', name='uq_quarter_report_plan_quarter')
    )
    with op.batch_alter_table('quarter_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quarter_report_plan_id'), ['plan_id'], unique=False)

    with op.batch_alter_table('review_comment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('parent_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_review_comment_parent_id'), ['parent_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_review_comment_parent_id_review_comment'), 'review_comment',
                                    ['parent_id'], ['id'], ondelete='CASCADE')

    op.create_table('plan_summary',
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('desa_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('commitment_id', sa.Integer(), nullable=True),
    sa.Column('commitment_version', sa.Integer(), nullable=True),
    sa.Column('committed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('committed', sa.BigInteger(), nullable=True),
    sa.Column('impact', sa.Float(), nullable=True),
    sa.Column('unexplained', sa.Integer(), nullable=False),
    sa.Column('packages', sa.String(length=120), nullable=False),
    sa.Column('groups', sa.String(length=160), nullable=False),
    *(sa.Column(f'spent_q{q}', sa.BigInteger(), nullable=True) for q in range(1, 5)),
    *(sa.Column(f'reported_q{q}', sa.DateTime(timezone=True), nullable=True) for q in range(1, 5)),
    *(sa.Column(f'planned_q{q}', sa.BigInteger(), nullable=False) for q in range(1, 5)),
    sa.Column('overspent', sa.Integer(), nullable=False),
    sa.Column('ratios', sa.Text(), nullable=False),
    sa.Column('money', sa.JSON(), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_plan_summary_plan_id_plan'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('plan_id', name=op.f('pk_plan_summary'))
    )
    with op.batch_alter_table('plan_summary', schema=None) as batch_op:
        batch_op.create_index('ix_plan_summary_year_desa', ['year', 'desa_id'], unique=False)

    _backfill_reports()


def _backfill_reports():
    """A quarter with realisation already recorded was reported when its first row was written."""
    op.execute(
        "INSERT INTO quarter_report (plan_id, quarter, commitment_version, reported_at, updated_at, user_id) "
        "SELECT plan_id, quarter, MAX(commitment_version), MIN(created_at), MAX(updated_at), NULL "
        "FROM realisation GROUP BY plan_id, quarter")


def downgrade():
    with op.batch_alter_table('plan_summary', schema=None) as batch_op:
        batch_op.drop_index('ix_plan_summary_year_desa')
    op.drop_table('plan_summary')

    with op.batch_alter_table('review_comment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_review_comment_parent_id_review_comment'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_review_comment_parent_id'))
        batch_op.drop_column('parent_id')

    with op.batch_alter_table('quarter_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quarter_report_plan_id'))
    op.drop_table('quarter_report')

    with op.batch_alter_table('region', schema=None) as batch_op:
        batch_op.drop_column('created_at')

    # The two earmarks go back into "other" so that every plan keeps the same ceiling for its
    # stunting budget.
    op.execute("UPDATE plan SET earmark_other = earmark_other + earmark_pangan + earmark_operasional")
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.drop_column('earmark_operasional')
        batch_op.drop_column('earmark_pangan')

    with op.batch_alter_table('year_settings', schema=None) as batch_op:
        batch_op.drop_column('money_rules')
