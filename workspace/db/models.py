"""The tables. The database is the truth; a case folder is what it exchanges with the CLI.

Text columns hold what people typed, as typed; JSON columns hold structured values as text so that
SQLite and PostgreSQL store them alike. Every write transaction increments `state.revision`, which
both serializes writers (it is the first row each one locks) and keys the cached assessment.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class State(Base):
    """One row: the revision every write increments, and what the case is."""

    __tablename__ = "state"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    case_id: Mapped[str | None] = mapped_column(String(200))
    register_path: Mapped[str | None] = mapped_column(String(500))  # case.yaml's `documents`
    inputs_edited: Mapped[bool] = mapped_column(Boolean, default=False)  # inputs.yaml rewritten on export


class AccountRow(Base):
    __tablename__ = "accounts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    unit: Mapped[str | None] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class SessionRow(Base):
    __tablename__ = "sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of the token: a leak of
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))     # the table opens no session
    csrf: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(DateTime)


class LoginFailure(Base):
    __tablename__ = "login_failures"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    client: Mapped[str] = mapped_column(String(100), index=True)
    at: Mapped[datetime] = mapped_column(DateTime)


class AuditEntry(Base):
    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str | None] = mapped_column(String(64))  # None: the command line
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(500))
    before: Mapped[str | None] = mapped_column(Text)  # JSON
    after: Mapped[str | None] = mapped_column(Text)  # JSON


class Blob(Base):
    """A file kept under files/<sha[:2]>/<sha>; its row is committed with the row that uses it."""

    __tablename__ = "blobs"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)


class CaseFileRow(Base):
    """A file of the case folder as imported (case.yaml, units.yaml, registers, datasets, evidence…)."""

    __tablename__ = "case_files"
    path: Mapped[str] = mapped_column(String(500), primary_key=True)  # case-relative, POSIX
    sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"))


class RegisterRow(Base):
    """A register row: `origin` import (shown only: the imported register file is exported as it was) or
    workspace (an upload or an Excel register, exported into the case's register)."""

    __tablename__ = "register_rows"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit: Mapped[str] = mapped_column(String(100), index=True)
    origin: Mapped[str] = mapped_column(String(16))
    cells: Mapped[str] = mapped_column(Text)  # JSON: register header → text
    sha256: Mapped[str | None] = mapped_column(ForeignKey("blobs.sha256"))
    created_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class StagedRow(Base):
    """An uploaded document waiting for its header to be confirmed."""

    __tablename__ = "staged"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit: Mapped[str] = mapped_column(String(100), index=True)
    item_key: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"))
    header: Mapped[str] = mapped_column(Text)  # JSON: reference, issued, kind, subject, problems
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class InputRow(Base):
    __tablename__ = "inputs"
    criterion: Mapped[str] = mapped_column(String(50), primary_key=True)
    part: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(String(50))  # a plain decimal, as inputs.yaml takes it
    source: Mapped[str] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)


class AppraisalRow(Base):
    """A mock-appraisal override; every one is kept, the newest per criterion is in force."""

    __tablename__ = "appraisals"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    criterion: Mapped[str] = mapped_column(String(50), index=True)
    points: Mapped[str] = mapped_column(String(50))
    note: Mapped[str] = mapped_column(Text)
    by: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime)


class RunRow(Base):
    """A distinct assessment of the department, as `cchc assess --save` writes it (migration 0002)."""

    __tablename__ = "runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    as_of: Mapped[str] = mapped_column(String(10), index=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    document: Mapped[str] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime)


Index("ix_register_rows_sha", RegisterRow.sha256)
