"""summary as of: each plan summary keeps its as-of figures for every earlier moment of reporting

- `plan_summary.earlier` replaces `plan_summary.detail`: where a dashboard asked for a date before
  a village's latest report read that village's per-activity detail (20 activities × 4 quarters)
  and summed it, it now reads the figures already summed for each earlier moment of the year's
  reporting (services.summaries.earlier). Issue 21, item 11: a province's "keadaan per tanggal".

The summaries are derived data: the migration empties the table both ways, and the first page that
needs a plan's summary computes it (`summaries.ensure`); `flask oversight summaries` rebuilds them
all at once.

Revision ID: 0007_summary_as_of
Revises: 0006_plausibility
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_summary_as_of'
down_revision = '0006_plausibility'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("DELETE FROM plan_summary")
    with op.batch_alter_table('plan_summary', schema=None) as batch_op:
        batch_op.drop_column('detail')
        batch_op.add_column(sa.Column('earlier', sa.JSON(), nullable=False))


def downgrade():
    op.execute("DELETE FROM plan_summary")
    with op.batch_alter_table('plan_summary', schema=None) as batch_op:
        batch_op.drop_column('earlier')
        batch_op.add_column(sa.Column('detail', sa.JSON(), nullable=False))
