"""an extension of a temporary approval for the IRM is a nominated officer's decision

Reg 25(1)(b), (4) and (5) of the Care Planning, Placement and Case Review (England)
Regulations 2010: the authority "may extend" a temporary approval while the IRM reviews
a proposed refusal, after seeking the fostering panel's views and informing the child's
IRO, and a nominated officer approves it. The decision's day, the officer and the two
steps are kept on the temporary approval.

Revision ID: 0068
Revises: 0067
Create Date: 2026-12-07 20:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0068'
down_revision = '0067'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("temporary_approvals") as batch_op:
        batch_op.add_column(sa.Column("irm_extended_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("irm_officer", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("irm_panel_views_sought_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("irm_iro_informed_on", sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table("temporary_approvals") as batch_op:
        batch_op.drop_column("irm_iro_informed_on")
        batch_op.drop_column("irm_panel_views_sought_on")
        batch_op.drop_column("irm_officer")
        batch_op.drop_column("irm_extended_on")
