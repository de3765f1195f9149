"""The first schema: accounts, sessions, throttle, audit, blobs, the case's files, registers, uploads,
inputs and the mock appraisal.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "state",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("case_id", sa.String(200)),
        sa.Column("register_path", sa.String(500)),
        sa.Column("inputs_edited", sa.Boolean, nullable=False),
    )
    op.execute("INSERT INTO state (id, revision, inputs_edited) VALUES (1, 0, false)")
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("full_name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("unit", sa.String(100)),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("expires_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(64), nullable=False, index=True),
        sa.Column("client", sa.String(100), nullable=False, index=True),
        sa.Column("at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("actor", sa.String(64)),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("target", sa.String(500), nullable=False),
        sa.Column("before", sa.Text),
        sa.Column("after", sa.Text),
    )
    op.create_table(
        "blobs",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("size", sa.Integer, nullable=False),
    )
    op.create_table(
        "case_files",
        sa.Column("path", sa.String(500), primary_key=True),
        sa.Column("sha256", sa.String(64), sa.ForeignKey("blobs.sha256"), nullable=False),
    )
    op.create_table(
        "register_rows",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("unit", sa.String(100), nullable=False, index=True),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("cells", sa.Text, nullable=False),
        sa.Column("sha256", sa.String(64), sa.ForeignKey("blobs.sha256")),
        sa.Column("created_by", sa.String(64)),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_register_rows_sha", "register_rows", ["sha256"])
    op.create_table(
        "staged",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("unit", sa.String(100), nullable=False, index=True),
        sa.Column("item_key", sa.String(64), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("sha256", sa.String(64), sa.ForeignKey("blobs.sha256"), nullable=False),
        sa.Column("header", sa.Text, nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "inputs",
        sa.Column("criterion", sa.String(50), primary_key=True),
        sa.Column("part", sa.String(100), primary_key=True),
        sa.Column("value", sa.String(50), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("note", sa.Text),
    )
    op.create_table(
        "appraisals",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("criterion", sa.String(50), nullable=False, index=True),
        sa.Column("points", sa.String(50), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("by", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    for table in ("appraisals", "inputs", "staged", "register_rows", "case_files", "blobs", "audit",
                  "login_failures", "sessions", "accounts", "state"):
        op.drop_table(table)
