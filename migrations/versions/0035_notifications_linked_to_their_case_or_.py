"""Notifications linked to their case or household by foreign keys

A message about a case or a household names the people in it ("Stalled: KB (Margaret
Okafor) - ..."), but was tied to its record only by the link it opens, so erasure,
anonymisation and the subject access export, which find a person's rows by foreign
key, passed it by. Existing messages are linked by the link they carry
("/cases/<id>", "/households/<id>"), when that record still exists.

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-07 13:15:36.524479

"""
import re

from alembic import op
import sqlalchemy as sa


revision = '0035'
down_revision = '0034'
branch_labels = None
depends_on = None

notifications = sa.table(
    'notifications',
    sa.column('id', sa.Integer),
    sa.column('link', sa.String),
    sa.column('case_id', sa.Integer),
    sa.column('household_id', sa.Integer),
)
# The column to set, the table it points at, and the link that names a row of it.
LINKS = {
    'case_id': ('cases', re.compile(r'/cases/(\d+)')),
    'household_id': ('households', re.compile(r'/households/(\d+)')),
}


def upgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('case_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('household_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_notifications_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notifications_household_id'), ['household_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_notifications_case_id_cases'), 'cases', ['case_id'], ['id'], ondelete='CASCADE')
        batch_op.create_foreign_key(batch_op.f('fk_notifications_household_id_households'), 'households', ['household_id'], ['id'], ondelete='CASCADE')
    _link_existing()


def _link_existing():
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(notifications.c.id, notifications.c.link).where(notifications.c.link.is_not(None))
    ).all()
    for column, (table, pattern) in LINKS.items():
        existing = set(connection.execute(sa.text(f'SELECT id FROM {table}')).scalars())
        found = [(row.id, pattern.fullmatch(row.link)) for row in rows]
        changes = [
            {'key': key, 'target': int(match.group(1))}
            for key, match in found
            if match and int(match.group(1)) in existing
        ]
        if changes:
            connection.execute(
                notifications.update()
                .where(notifications.c.id == sa.bindparam('key'))
                .values({column: sa.bindparam('target')}),
                changes,
            )


def downgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_notifications_household_id_households'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_notifications_case_id_cases'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_notifications_household_id'))
        batch_op.drop_index(batch_op.f('ix_notifications_case_id'))
        batch_op.drop_column('household_id')
        batch_op.drop_column('case_id')
