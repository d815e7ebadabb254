"""qualifying determinations, reviews of approval, and residents joining or leaving

A proposed refusal, termination or change of terms from its notice to the final decision
(regs 27-29 of the Fostering Services (England) Regulations 2011); a review of approval
beside the annual review event it adds (reg 28); when someone joined or left the
household, which suggests a review (reg 28(2)).

Revision ID: 0063
Revises: 0062
Create Date: 2026-12-07 19:06:29.225897

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0063'
down_revision = '0062'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "approval_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=False),
        sa.Column(
            "outcome",
            sa.Enum(
                "continue",
                "change_terms",
                "terminate",
                name="reviewoutcome",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("first_review", sa.Boolean(), nullable=False),
        sa.Column("presented_to_panel_on", sa.Date(), nullable=True),
        sa.Column("carers_report_on", sa.Date(), nullable=True),
        sa.Column("children_views_on", sa.Date(), nullable=True),
        sa.Column("social_workers_views_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["carer_events.id"],
            name=op.f("fk_approval_reviews_event_id_carer_events"),
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["households.id"],
            name=op.f("fk_approval_reviews_household_id_households"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_approval_reviews_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approval_reviews")),
        sa.UniqueConstraint("event_id", name=op.f("uq_approval_reviews_event_id")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("approval_reviews", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_approval_reviews_household_id"), ["household_id"], unique=False
        )

    op.create_table(
        "determinations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "refusal",
                "termination",
                "change_of_terms",
                name="determinationkind",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("household_id", sa.Integer(), nullable=True),
        sa.Column("review_id", sa.Integer(), nullable=True),
        sa.Column("notified_on", sa.Date(), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column(
            "deregistration_reason",
            sa.Enum(
                "retirement",
                "health_or_personal",
                "child_stays_with_carers",
                "transfer_to_ifa",
                "transfer_to_other_la",
                "unhappy_with_support",
                "allegation",
                "financial",
                "other",
                name="deregistrationreason",
                native_enum=False,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column("places", sa.Integer(), nullable=True),
        sa.Column("min_age", sa.Integer(), nullable=True),
        sa.Column("max_age", sa.Integer(), nullable=True),
        sa.Column("categories", sa.JSON(), nullable=True),
        sa.Column(
            "response",
            sa.Enum("representations", "irm", name="response", native_enum=False, length=20),
            nullable=True,
        ),
        sa.Column("response_received_on", sa.Date(), nullable=True),
        sa.Column("irm_papers_sent_on", sa.Date(), nullable=True),
        sa.Column("recommended_on", sa.Date(), nullable=True),
        sa.Column(
            "recommendation",
            sa.Enum(
                "as_proposed", "otherwise", name="recommendation", native_enum=False, length=20
            ),
            nullable=True,
        ),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column(
            "outcome",
            sa.Enum(
                "as_proposed", "not_proceeded", name="finaloutcome", native_enum=False, length=20
            ),
            nullable=True,
        ),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "(case_id IS NULL) <> (household_id IS NULL)", name=op.f("ck_determinations_one_record")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_determinations_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["households.id"],
            name=op.f("fk_determinations_household_id_households"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_determinations_recorded_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["approval_reviews.id"],
            name=op.f("fk_determinations_review_id_approval_reviews"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_determinations")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("determinations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_determinations_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_determinations_household_id"), ["household_id"], unique=False
        )

    with op.batch_alter_table("residents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("joined_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("left_on", sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table("residents", schema=None) as batch_op:
        batch_op.drop_column("left_on")
        batch_op.drop_column("joined_on")

    with op.batch_alter_table("determinations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_determinations_household_id"))
        batch_op.drop_index(batch_op.f("ix_determinations_case_id"))

    op.drop_table("determinations")
    with op.batch_alter_table("approval_reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_approval_reviews_household_id"))

    op.drop_table("approval_reviews")
