"""The audit log: every write records who, when, what, and the values before and after."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from workspace.db.models import AuditEntry


def now() -> datetime:
    """UTC, without tzinfo: both databases store it alike."""
    return datetime.now(UTC).replace(tzinfo=None)


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def record(session: DbSession, actor: str | None, action: str, target: str, before: Any = None,
           after: Any = None) -> None:
    session.add(AuditEntry(at=now(), actor=actor, action=action, target=target, before=_json(before),
                           after=_json(after)))


def entries(session: DbSession, limit: int) -> list[dict[str, str]]:
    rows = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit))
    return [{"id": str(r.id), "at": r.at.isoformat(timespec="seconds"), "actor": r.actor or "(dòng lệnh)",
             "action": r.action, "target": r.target, "before": r.before or "", "after": r.after or ""}
            for r in rows]
