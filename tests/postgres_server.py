"""A throwaway PostgreSQL server for the register tests: 127.0.0.1 only, stopped by its PID.

Uses Debian's ``postgresql`` binaries (``/usr/lib/postgresql/<version>/bin``).
When the tests run as root, the server runs as the ``postgres`` system user,
because PostgreSQL refuses to run as root.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa

from bench.server import free_port


def find_bindir() -> Path | None:
    """Newest Debian PostgreSQL bin directory with initdb, or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version_key)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _version_key(path: str) -> int:
    parts = Path(path).parts
    return int(parts[-3]) if parts[-3].isdigit() else 0


@contextlib.contextmanager
def running_postgres() -> Iterator[str]:
    """Start a new cluster in a temporary folder; yield an admin URL to database ``postgres``."""
    with own_postgres() as server:
        yield server.url


@contextlib.contextmanager
def _cluster(bindir: Path) -> Iterator[PostgresServer]:
    user = "postgres" if os.geteuid() == 0 else None
    with tempfile.TemporaryDirectory(prefix="atlas-pg-") as tmp:
        data, sockets = Path(tmp) / "data", Path(tmp) / "sockets"
        sockets.mkdir()
        if user:
            entry = pwd.getpwnam(user)
            os.chown(tmp, entry.pw_uid, entry.pw_gid)
            os.chown(sockets, entry.pw_uid, entry.pw_gid)
        subprocess.run(
            [
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "--no-sync",
                "-E",
                "UTF8",
                "--locale=C",
            ],
            check=True,
            capture_output=True,
            user=user,
        )
        server = PostgresServer(bindir, data, sockets, free_port(), user)
        server.start()
        try:
            yield server
        finally:
            server.stop()


class PostgresServer:
    """One cluster's postmaster, which a fault test may stop and start again on its port."""

    def __init__(self, bindir: Path, data: Path, sockets: Path, port: int, user: str | None):
        self.bindir, self.data, self.sockets, self.port, self.user = (
            bindir,
            data,
            sockets,
            port,
            user,
        )
        self.process: subprocess.Popen | None = None
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"

    def start(self) -> str:
        """Start the postmaster and wait until it answers; return the admin URL."""
        bindir, data, sockets, port, user = (
            self.bindir,
            self.data,
            self.sockets,
            self.port,
            self.user,
        )
        process = subprocess.Popen(
            [
                str(bindir / "postgres"),
                "-D",
                str(data),
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "-k",
                str(sockets),
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
                "-c",
                "max_connections=50",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            user=user,
        )
        self.process = process
        _wait_until_ready(self.url, process)
        return self.url

    def stop(self) -> None:
        """Stop the postmaster by its PID (SIGINT: PostgreSQL's "fast shutdown")."""
        process, self.process = self.process, None
        if process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def own_postgres() -> Iterator[PostgresServer]:
    """A cluster of one's own (not the session's shared one), to stop and start at will."""
    bindir = find_bindir()
    if bindir is None:
        raise FileNotFoundError("PostgreSQL's initdb was not found (apt-get install postgresql)")
    with _cluster(bindir) as server:
        yield server


def _wait_until_ready(url: str, process: subprocess.Popen, timeout_s: float = 30) -> None:
    engine = sa.create_engine(url)
    deadline = time.monotonic() + timeout_s
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"postgres exited with code {process.returncode}")
            try:
                with engine.connect() as connection:
                    connection.execute(sa.text("SELECT 1"))
                return
            except sa.exc.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
    finally:
        engine.dispose()


def create_database(admin_url: str, name: str) -> str:
    """Create an empty database on the server; return its URL."""
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return admin_url.rsplit("/", 1)[0] + f"/{name}"
