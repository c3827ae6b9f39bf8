"""leads: each lead row's public JSON, rendered when the row is written

Rows written before this revision have none; readers render those from their columns.

Revision ID: b7d41c9e2a60
Revises: 7c2e9a41d5b3
Create Date: 2026-12-03 18:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b7d41c9e2a60"
down_revision: str | None = "7c2e9a41d5b3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("leads") as batch:
        batch.add_column(sa.Column("public_json", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("leads") as batch:
        batch.drop_column("public_json")
