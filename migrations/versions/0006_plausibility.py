"""plausibility: the kabupaten's bound on the impact a year's plan may claim

- `impact_setting.plausibility_bound`: the share of a village's stunted children a year's plan may
  claim before the plan page and the rembuk board warn (issue 19 item 6); existing kabupaten get
  the default 10%.

The "Seberapa yakin?" analysis needs no column: it is kept in the suggestion's result JSON, beside
the budget rises (services.robustness).

Revision ID: 0006_plausibility
Revises: 0006_aks
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_plausibility'
down_revision = '0006_aks'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('impact_setting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('plausibility_bound', sa.Float(), nullable=False, server_default=sa.text('0.1')))


def downgrade():
    with op.batch_alter_table('impact_setting', schema=None) as batch_op:
        batch_op.drop_column('plausibility_bound')
