"""Fixtures both workspace helpers use: a database URL on SQLite and on PostgreSQL, and a workspace with the
seed case imported and a TCCB account.

PostgreSQL is a throwaway cluster: initdb and pg_ctl from /usr/lib/postgresql/*/bin on a temporary folder and
a free port, one per test session, a fresh database per test, stopped and removed at the end. Without the
binaries the postgresql tests skip, saying why; under CI (`CI` set) they fail instead. Deselect them locally
with `-m "not postgresql"`.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import SEED

TCCB_PASSWORD = "mat-khau-tccb-2026"
_counter = itertools.count()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PostgresCluster:
    def __init__(self, bin_dir: Path) -> None:
        self.bin = bin_dir
        self.folder = Path(tempfile.mkdtemp(prefix="cchc-pg-"))
        self.port = _free_port()
        # initdb refuses to run as root: the cluster then belongs to the machine's postgres user
        self.user = "postgres" if os.geteuid() == 0 else None
        if self.user:
            entry = pwd.getpwnam(self.user)
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)
        self.data = self.folder / "data"
        self._run("initdb", "-D", str(self.data), "-U", "cchc", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "log"), "-w", "-o",
                  f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off", "start")

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin / program), *args]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def url(self, database: str) -> str:
        return f"postgresql://cchc@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        import psycopg

        name = f"ws_{os.getpid()}_{next(_counter)}"
        with psycopg.connect(self.url("postgres"), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    bin_dir = postgres_bin()
    if bin_dir is None:
        reason = "PostgreSQL chưa cài (/usr/lib/postgresql/*/bin/initdb không có); .ci/run cài bằng apt"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    cluster = PostgresCluster(bin_dir)
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'workspace.db'}"
    return request.getfixturevalue("postgres_cluster").create_database()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def tccb_password() -> str:
    return TCCB_PASSWORD


@pytest.fixture
def workspace(data_dir: Path, db_url: str) -> Iterator:
    """The seed case imported, and a TCCB account `tccb` (password: the `tccb_password` fixture)."""
    from workspace.service import Role, Workspace

    ws = Workspace.open(data_dir, db_url)
    ws.import_case(SEED)
    ws.create_account(None, "tccb", "Phòng Tổ chức cán bộ", Role.TCCB, None, TCCB_PASSWORD)
    yield ws
    ws.close()


@pytest.fixture
def tccb(workspace):  # type: ignore[no-untyped-def]
    """The TCCB account of `workspace`, as its session would give it."""
    account, _ = workspace.session(workspace.login("tccb", TCCB_PASSWORD, "127.0.0.1").token)
    return account
