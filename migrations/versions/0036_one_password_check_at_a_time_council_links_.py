"""one password check at a time; council links made by email set aside

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-07 13:12:12.800298

Links to the council's identity provider used to be made by matching the email
the provider sent (issue 29: anyone whose provider email could be set to an
officer's took over the account), and stored the bare `sub`. Hearth now matches
only its own form of the provider's identity (crm.auth.sso.identity_of), so
every old link is marked unconfirmed: it matches no sign-in, the account still
does not sign in with its password, and an administrator makes a link for it.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0036'
down_revision = '0035'
branch_labels = None
depends_on = None

UNCONFIRMED = "unconfirmed:"


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('password_check_started_at', sa.DateTime(), nullable=True))
    op.execute(
        f"UPDATE users SET sso_subject = '{UNCONFIRMED}' || sso_subject "
        "WHERE sso_subject IS NOT NULL"
    )


def downgrade():
    op.execute(
        f"UPDATE users SET sso_subject = substr(sso_subject, {len(UNCONFIRMED) + 1}) "
        f"WHERE sso_subject LIKE '{UNCONFIRMED}%'"
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('password_check_started_at')
