"""The database engine: SQLite (a file in the data directory) by default, PostgreSQL through psycopg 3.

SQLite runs in WAL mode with foreign keys on and a busy timeout; its write transactions start with
BEGIN IMMEDIATE so two writers queue for the lock instead of failing when a read turns into a write.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

BUSY_TIMEOUT_MS = 30_000


def database_url(data_dir: Path, db_url: str | None) -> str:
    """The URL given, or the SQLite file of the data directory; postgresql:// means psycopg 3."""
    if db_url is None:
        return f"sqlite:///{(data_dir / 'workspace.db').resolve()}"
    url = make_url(db_url)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url.render_as_string(hide_password=False)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(url: str, *, immediate: bool = False) -> Engine:
    """An engine; for SQLite, `immediate` makes every transaction take the write lock at BEGIN."""
    if not is_sqlite(url):
        return create_engine(url, pool_pre_ping=True, isolation_level="READ COMMITTED")
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None  # pysqlite's own BEGIN handling off: we emit BEGIN below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:  # type: ignore[no-untyped-def]
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine
