"""The workspace's score: the engine's, on the case exported to a private temporary folder.

Nothing is scored here. The Assessment is cached by the revision its export was read at; any write to
the case moves the revision on, and the next reader scores again.
"""

from __future__ import annotations

import hashlib
import tempfile
import threading
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from engine.results import ITEM_STATE, Assessment, MissingItem
from engine.scheme import DocumentRequirement, Scheme
from evidence.problems import InputError
from workspace import case_store
from workspace.blobs import BlobStore
from workspace.store import Store
from workspace.types import ChecklistItem


@dataclass(frozen=True)
class Scored:
    revision: int
    assessment: Assessment
    scheme: Scheme


class Scorer:
    def __init__(self, store: Store, blobs: BlobStore) -> None:
        self.store, self.blobs = store, blobs
        self._lock = threading.Lock()
        self._cached: Scored | None = None

    def scored(self) -> Scored:
        revision = self.store.revision()
        cached = self._cached
        if cached is not None and cached.revision == revision:
            return cached
        with self._lock:  # one scoring at a time; a thread that waited finds it done
            cached = self._cached
            if cached is not None and cached.revision >= revision:
                return cached
            from engine.pipeline import assessor, prepare

            with tempfile.TemporaryDirectory(prefix="cchc-workspace-") as folder:
                written = case_store.export(self.store, self.blobs, Path(folder), runs=False)
                try:
                    scheme, evidence = prepare(Path(folder))
                except InputError as exc:  # the workspace let in something the engine refuses: a bug here
                    raise RuntimeError(f"hồ sơ xuất từ kho dữ liệu không chấm được: {exc}") from exc
                result = assessor(scheme, evidence).assess(evidence)
            self._cached = Scored(written, result, scheme)
            return self._cached


def item_key(criterion: str, requirement: str, label: str) -> str:
    """Stable and URL-safe: the same item keeps its key from one revision to the next."""
    return hashlib.sha256(f"{criterion}\x1f{requirement}\x1f{label}".encode()).hexdigest()[:24]


def checklist(scored: Scored, unit: str) -> list[ChecklistItem]:
    """The unit's open items at the case's as-of date, points at stake first."""
    items: list[ChecklistItem] = []
    for c in scored.assessment.for_unit(unit).criteria:
        crit = scored.scheme.criterion(c.id)
        for m in c.missing:
            requirement = next((r for r in crit.requires if r.id == m.requirement), None) if crit else None
            items.append(ChecklistItem(
                key=item_key(c.id, m.requirement, m.label), criterion=c.id, criterion_title=c.title,
                requirement=m.requirement, label=m.label, unit=unit, due=m.due, points=_points(m),
                state=ITEM_STATE.get(m.state, m.state), standing=m.standing,
                can_upload=isinstance(requirement, DocumentRequirement)))
    return sorted(items, key=lambda i: (-i.points, i.criterion, i.label))


def _points(m: MissingItem) -> Decimal:
    return m.points_at_stake + m.points_lost


def find_item(scored: Scored, unit: str, key: str) -> ChecklistItem | None:
    return next((i for i in checklist(scored, unit) if i.key == key), None)
