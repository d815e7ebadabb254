"""Text search: SQLite's trigram full-text index over cases, kept by triggers;
PostgreSQL's trigram indexes (pg_trgm) on the columns search reads

Revision ID: 0024
Revises: 0023
Create Date: 2026-11-23 20:26:47.451497

"""
from alembic import op
import sqlalchemy as sa

from crm.models.search import CREATE, DROP, TRIGRAM_INDEXES, trigram_statements


# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        for statement in CREATE:  # the FTS table, its triggers, and every case indexed
            op.execute(statement)
    else:
        for statement in trigram_statements():
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for statement in DROP:
            op.execute(statement)
    else:
        for name, _, _ in TRIGRAM_INDEXES:
            op.execute(f"DROP INDEX IF EXISTS {name}")
