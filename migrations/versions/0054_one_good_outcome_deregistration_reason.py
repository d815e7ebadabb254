"""one good-outcome deregistration reason: the child stays with the carers

Two reasons overlapped: "child moved to SGO, adoption or staying put" counted as a
carer lost while "special guardianship or child arrangements order made" did not. Both
become child_stays_with_carers (an order made to the carers, or staying put), which is
kept out of turnover and out of the retention model's label.

Downgrade writes sgo_or_child_arrangements_order back, the old code that the old
figures kept out of turnover, so a downgraded service still reports the same turnover;
which of the two old codes a record first carried is not kept.

Revision ID: 0054
Revises: 0053
Create Date: 2026-12-07 16:30:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0054'
down_revision = '0053'
branch_labels = None
depends_on = None

GOOD_OUTCOME = 'child_stays_with_carers'
FORMER = ('child_sgo_adoption_staying_put', 'sgo_or_child_arrangements_order')


def upgrade():
    op.execute(
        f"UPDATE households SET deregistration_reason = '{GOOD_OUTCOME}' "
        f"WHERE deregistration_reason IN ('{FORMER[0]}', '{FORMER[1]}')"
    )


def downgrade():
    op.execute(
        f"UPDATE households SET deregistration_reason = '{FORMER[1]}' "
        f"WHERE deregistration_reason = '{GOOD_OUTCOME}'"
    )
