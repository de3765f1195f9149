"""Transactions: reads see one snapshot; writes are serialized, counted, and carry their files.

Every write transaction first increments `state.revision`: on PostgreSQL that row lock queues writers,
on SQLite BEGIN IMMEDIATE does. Files are written to the blob store inside the write transaction (under
that lock), so the sweep that removes files no row references — also under the lock — can never see a
file whose row is about to be committed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session as DbSession

from workspace.db.engine import database_url, is_sqlite, make_engine
from workspace.db.models import State


class Store:
    def __init__(self, data_dir: Path, db_url: str | None) -> None:
        self.data_dir = data_dir
        self.url = database_url(data_dir, db_url)
        self.sqlite = is_sqlite(self.url)
        self.reader: Engine = make_engine(self.url)
        self.writer: Engine = make_engine(self.url, immediate=True) if self.sqlite else self.reader

    def dispose(self) -> None:
        self.reader.dispose()
        if self.writer is not self.reader:
            self.writer.dispose()

    @contextmanager
    def read(self) -> Iterator[DbSession]:
        """One snapshot for everything read inside (REPEATABLE READ on PostgreSQL; a WAL read on SQLite)."""
        engine = self.reader if self.sqlite else self.reader.execution_options(isolation_level="REPEATABLE READ")
        with DbSession(engine, expire_on_commit=False) as session, session.begin():
            yield session

    @contextmanager
    def write(self, *, case: bool = True) -> Iterator[DbSession]:
        """A write transaction holding the writers' lock. `case`: it changes what the case holds, so the
        revision (`session.info['revision']`) moves on and the cached assessment is stale; sessions and
        login failures leave it. Either way the writers' lock is held from the first line: BEGIN IMMEDIATE on
        SQLite, the state row FOR UPDATE on PostgreSQL."""
        with DbSession(self.writer, expire_on_commit=False) as session, session.begin():
            # the lock is taken now, before the caller writes any file (the sweep holds it too)
            if case:
                session.execute(update(State).where(State.id == 1).values(revision=State.revision + 1))
            session.info["revision"] = session.scalar(select(State.revision).where(State.id == 1).with_for_update())
            yield session

    def revision(self) -> int:
        with self.read() as session:
            return int(session.scalar(select(State.revision).where(State.id == 1)) or 0)
