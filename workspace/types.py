"""The values the facade hands the web layer (workspace/service.py re-exports them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum


class Role(StrEnum):
    TCCB = "tccb"  # everything, for the department's case
    UNIT = "unit"  # its own unit only
    VIEWER = "viewer"  # leadership: reads everything, changes nothing


@dataclass(frozen=True)
class Account:
    id: int
    username: str
    full_name: str
    role: Role
    unit: str | None
    active: bool


@dataclass(frozen=True)
class Session:
    token: str  # 32 random bytes, URL-safe; the database keeps only its SHA-256
    csrf: str
    expires_at: datetime  # UTC, naive (both databases store it alike)


@dataclass(frozen=True)
class ChecklistItem:
    key: str  # stable, URL-safe: a hash of criterion, requirement and label
    criterion: str
    criterion_title: str
    requirement: str
    label: str
    unit: str
    due: date | None
    points: Decimal  # what resolving it in full would add (still winnable plus already lost)
    state: str  # Vietnamese status words (thiếu, không đạt, chưa đến hạn)
    standing: str  # the engine's key: winnable, partial, lost
    can_upload: bool  # a document requirement: a file can satisfy it


@dataclass(frozen=True)
class Staged:
    id: int
    unit: str
    item_key: str
    filename: str
    sha256: str
    reference: str | None
    issued: date | None
    kind: str | None
    subject: str | None
    problems: list[str]
