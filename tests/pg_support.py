"""A throwaway PostgreSQL cluster for the register's tests, from Debian's postgresql package:
initdb and pg_ctl in a temporary folder, listening only on a socket in that folder (no TCP port),
run as the postgres user when the tests run as root (PostgreSQL refuses to run as root). `make test`
installs the package when it is missing (bin/test-packages); a machine without it fails here,
naming what is missing, rather than skipping the tests."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

PORT = 5432  # the socket's name only: nothing listens on TCP


def binaries() -> Path:
    """The newest /usr/lib/postgresql/N/bin that has initdb and pg_ctl."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parent.parent.name))
    if not found:
        raise RuntimeError("PostgreSQL is not installed (/usr/lib/postgresql/*/bin/pg_ctl): run `make test`, which installs it")
    return Path(found[-1]).parent


class Cluster:
    """A running cluster; `url(name)` names a database in it, `create(name)` makes one."""

    def __init__(self) -> None:
        self.bin = binaries()
        self.root = Path(tempfile.mkdtemp(prefix="itaku-pg-"))
        self.data = self.root / "data"
        self.user: str | None = None
        if os.geteuid() == 0:
            self.user = "postgres"
            entry = pwd.getpwnam(self.user)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
        self.root.chmod(0o755)
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C")
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.root / "log"), "-w", "-t", "60", "start",
            "-o", f"-c listen_addresses='' -k {self.root} -p {PORT} -c fsync=off -c max_connections=50",
        )

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin / program), *args]
        if self.user is not None:
            command = ["runuser", "-u", self.user, "--", *command]
        subprocess.run(command, check=True, capture_output=True, cwd=self.root)

    def url(self, name: str) -> str:
        """A URL of database `name` on the cluster's socket."""
        return f"postgresql://postgres@/{name}?host={self.root}&port={PORT}"

    def create(self, name: str) -> str:
        """Make an empty database; its URL."""
        import psycopg

        with psycopg.connect(f"host={self.root} port={PORT} user=postgres dbname=postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        """Stop the server and remove its folder."""
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def cluster() -> Iterator[Cluster]:
    """A cluster for the session, stopped at its end."""
    running = Cluster()
    try:
        yield running
    finally:
        running.stop()
