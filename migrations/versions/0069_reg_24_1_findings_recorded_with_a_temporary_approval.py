"""reg 24(1)'s two findings recorded with a temporary approval

A temporary approval of a connected person rests on two findings (Care Planning,
Placement and Case Review (England) Regulations 2010, reg 24(1)): the most appropriate
placement for the child is with the connected person, and placing the child before the
full assessment is necessary. Approvals recorded before the question was asked show
them as not recorded.

Revision ID: 0069
Revises: 0068
Create Date: 2026-12-07 20:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0069'
down_revision = '0068'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("temporary_approvals") as batch_op:
        batch_op.add_column(
            sa.Column("most_appropriate_found", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("necessary_now_found", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade():
    with op.batch_alter_table("temporary_approvals") as batch_op:
        batch_op.drop_column("necessary_now_found")
        batch_op.drop_column("most_appropriate_found")
