"""operation pins: a planner keeps an operation on a work center from an instant

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "operation_pin",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("production_order_id", sa.Integer(), nullable=False),
        sa.Column("operation_id", sa.Integer(), nullable=False),
        sa.Column("work_center_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("pinned_by", sa.String(length=64), nullable=False),
        sa.Column("pinned_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["operation_id"], ["operation.id"], name=op.f("fk_operation_pin_operation_id_operation")
        ),
        sa.ForeignKeyConstraint(
            ["production_order_id"],
            ["production_order.id"],
            name=op.f("fk_operation_pin_production_order_id_production_order"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_operation_pin_site_id_site")
        ),
        sa.ForeignKeyConstraint(
            ["work_center_id"],
            ["work_center.id"],
            name=op.f("fk_operation_pin_work_center_id_work_center"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_operation_pin")),
        sa.UniqueConstraint(
            "production_order_id",
            "operation_id",
            name=op.f("uq_operation_pin_production_order_id_operation_id"),
        ),
    )
    with op.batch_alter_table("operation_pin", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_operation_pin_production_order_id"),
            ["production_order_id"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_operation_pin_site_id"), ["site_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("operation_pin", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_operation_pin_site_id"))
        batch_op.drop_index(batch_op.f("ix_operation_pin_production_order_id"))
    op.drop_table("operation_pin")
