"""the complaint clock counts working days

A carer's complaint to a council is answered at stage 1 within 10 working days (the
Children Act 1989 Representations Procedure (England) Regulations 2006, reg 14); the
setting counted calendar days. A service's own number of calendar days is carried over
as the working days it covers (five in every seven, rounded), so a service that set 14
(about two working weeks) now has 10.

Revision ID: 0059
Revises: 0058
Create Date: 2026-12-07 19:40:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0059"
down_revision = "0058"
branch_labels = None
depends_on = None

SETTINGS = sa.table("settings", sa.column("key", sa.String), sa.column("value", sa.Integer))
OLD, NEW = "complaint_response_days", "complaint_response_working_days"


def _carry(old: str, new: str, convert) -> None:
    connection = op.get_bind()
    value = connection.scalar(sa.select(SETTINGS.c.value).where(SETTINGS.c.key == old))
    connection.execute(SETTINGS.delete().where(SETTINGS.c.key.in_([old, new])))
    if value is not None:
        connection.execute(SETTINGS.insert().values(key=new, value=convert(int(value))))


def upgrade():
    _carry(OLD, NEW, lambda days: max(1, round(days * 5 / 7)))


def downgrade():
    _carry(NEW, OLD, lambda working_days: round(working_days * 7 / 5))
