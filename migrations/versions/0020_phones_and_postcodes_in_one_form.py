"""Phone numbers keyed in international form (E.164) and postcodes written with their
space, so "+44 (0)7700 900456" matches "07700 900456" and "le27ab" is "LE2 7AB"

The phone key was the digits with 44 turned into 0, which made "+44 (0)7700..."
read as "007700..." and match nothing. Each case's key is worked out again from
the number as typed (which is kept), and each postcode rewritten in one form.

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-23 18:15:00

"""
from alembic import op
import sqlalchemy as sa

from crm.domain.contact import normalise_postcode, phone_key


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

cases = sa.table(
    'cases',
    sa.column('id', sa.Integer),
    sa.column('phone', sa.String),
    sa.column('phone_key', sa.String),
    sa.column('postcode', sa.String),
)


def upgrade():
    connection = op.get_bind()
    rows = connection.execute(sa.select(cases.c.id, cases.c.phone, cases.c.postcode)).all()
    changes = [
        {'key': row.id, 'phone_key': phone_key(row.phone), 'postcode': normalise_postcode(row.postcode)}
        for row in rows
    ]
    if changes:
        connection.execute(
            cases.update()
            .where(cases.c.id == sa.bindparam('key'))
            .values(phone_key=sa.bindparam('phone_key'), postcode=sa.bindparam('postcode')),
            changes,
        )


def downgrade():
    pass  # the old keys were wrong; nothing to go back to
