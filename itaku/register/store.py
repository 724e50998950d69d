"""Opening the register: where it is, its schema made or upgraded by the shipped migrations, and
every change in one transaction that holds the register's write lock.

SQLite: a write transaction begins IMMEDIATE (the file's write lock is taken before anything is read,
so two processes adding at once queue instead of one of them failing half-way), reads begin deferred
(a read-only file is read). PostgreSQL: a write transaction first takes a transaction-level
advisory lock, for the same queue. A lock not had within `wait` seconds is an error, as are a file
that is not a database, a read-only one, and a schema newer than this itaku knows: each one line
naming the register, exit 2, nothing written.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, create_engine, event, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError

from itaku.engine.errors import InputError
from itaku.engine.wording import phrase

MIGRATIONS = "itaku.register:migrations"
FILE_NAME = "register.sqlite3"
WAIT_SECONDS = 10.0
PG_LOCK = 0x69746B75  # the advisory lock every write transaction of a PostgreSQL register takes
# The revisions of migrations/versions/, oldest first (a test holds this to the scripts): a register
# at the newest is opened without importing Alembic, which a command would otherwise pay for each time.
REVISIONS = ("0001", "0002")


@dataclass(frozen=True)
class Location:
    """Where the register is: `url` for SQLAlchemy, `shown` for people (a URL without its password)."""

    url: str
    shown: str
    path: Path | None  # the SQLite file, None for a server

    @property
    def is_sqlite(self) -> bool:
        """Whether the register is an SQLite file."""
        return self.path is not None


def default_path() -> Path:
    """The user's data directory: $XDG_DATA_HOME/itaku/register.sqlite3 (~/.local/share/...)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "itaku" / FILE_NAME


def locate(value: str | None) -> Location:
    """The register named by a path or a database URL (postgresql://..., sqlite:///...); None: the
    default file. A PostgreSQL URL is used with psycopg 3."""
    if not value:
        return _file(default_path())
    if "://" not in value:
        return _file(Path(value))
    try:
        url = make_url(value)
    except ArgumentError:
        raise InputError(value, None, phrase("register.bad_url")) from None
    backend = url.get_backend_name()
    if backend == "sqlite":
        if not url.database or url.database == ":memory:":
            raise InputError(value, None, phrase("register.bad_url"))
        return _file(Path(url.database))
    if backend != "postgresql":
        raise InputError(url.render_as_string(hide_password=True), None, phrase("register.bad_url"))
    url = url.set(drivername="postgresql+psycopg")
    return Location(url.render_as_string(hide_password=False), url.set(drivername="postgresql").render_as_string(hide_password=True), None)


def _file(path: Path) -> Location:
    path = path.expanduser().absolute()
    return Location(f"sqlite:///{path}", str(path), path)


def alembic_config() -> Any:
    """Alembic's configuration for the shipped migrations (Alembic imported only when it is used)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    return config


def _upgrade(conn: Connection, revision: str) -> None:
    from alembic import command

    config = alembic_config()
    config.attributes["connection"] = conn
    command.upgrade(config, revision)


def head_revision() -> str:
    """The newest schema revision this itaku ships."""
    return REVISIONS[-1]


class Store:
    """An open register: `reading()` and `writing()` give a connection inside one transaction."""

    def __init__(self, location: Location, wait: float = WAIT_SECONDS) -> None:
        self.location = location
        self.wait = wait
        self.engine = self._engine()

    def _engine(self) -> Engine:
        if self.location.is_sqlite:
            engine = create_engine(self.location.url, connect_args={"timeout": self.wait})

            @event.listens_for(engine, "connect")
            def _connect(dbapi: sqlite3.Connection, record: object) -> None:
                dbapi.isolation_level = None  # the transactions are begun below, not by the driver
                cursor = dbapi.cursor()
                cursor.execute("PRAGMA foreign_keys=ON")
                cursor.close()

            @event.listens_for(engine, "begin")
            def _begin(conn: Connection) -> None:
                conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("itaku_write") else "BEGIN")

            return engine
        milliseconds = int(self.wait * 1000)
        return create_engine(
            self.location.url,
            connect_args={"connect_timeout": max(1, int(self.wait)), "options": f"-c lock_timeout={milliseconds}"},
        )

    @contextlib.contextmanager
    def reading(self) -> Iterator[Connection]:
        """A connection in a read transaction."""
        with self.failures(), self.engine.connect() as conn, conn.begin():
            yield conn

    @contextlib.contextmanager
    def writing(self) -> Iterator[Connection]:
        """A connection in the one write transaction of a change: committed when the block ends,
        rolled back (nothing written) when it raises."""
        with self.failures(), self.engine.connect() as conn:
            conn.execution_options(itaku_write=True)
            with conn.begin():
                if not self.location.is_sqlite:
                    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_LOCK})")
                yield conn

    @contextlib.contextmanager
    def failures(self) -> Iterator[None]:
        """The database's errors as one line naming the register (InputError, exit 2)."""
        try:
            yield
        except SQLAlchemyError as exc:
            raise self.failure(exc) from None
        except sqlite3.Error as exc:
            raise self.failure(exc) from None

    def failure(self, exc: BaseException) -> InputError:
        """What went wrong with the database, in the user's words."""
        original = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
        text = str(original).lower()
        sqlstate = getattr(original, "sqlstate", None)
        if "locked" in text or sqlstate in ("55P03", "57014"):
            key = "register.locked"
        elif "readonly" in text or "read-only" in text or sqlstate in ("25006", "42501"):
            key = "register.read_only"
        elif "not a database" in text or "malformed" in text or "file is encrypted" in text:
            key = "register.corrupt"
        elif "unable to open" in text or "connection" in text or "could not" in text:
            key = "register.unreachable"
        else:
            first = str(original).splitlines()[0] if str(original) else type(original).__name__
            return InputError(self.location.shown, None, phrase("register.failed", error=first))
        return InputError(self.location.shown, None, phrase(key))

    # ------------------------------------------------------------------ schema

    def open(self, create: bool) -> Store:
        """Make sure the register exists at the newest schema: made (with `create`) or upgraded by
        the migrations, in one write transaction. A missing register without `create`, one that is
        not a register, or one made by a newer itaku is an error."""
        path = self.location.path
        if path is not None and not path.exists():
            if not create:
                raise InputError(self.location.shown, None, phrase("register.missing"))
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise InputError(self.location.shown, None, phrase("register.failed", error=exc.strerror or str(exc))) from None
        with self.reading() as conn:
            current = self._revision(conn)
        if current == head_revision():
            return self
        with self.writing() as conn:  # again under the write lock: another process may have done it
            current = self._revision(conn)
            if current == head_revision():
                return self
            if current is None and not create and inspect(conn).get_table_names() == []:
                raise InputError(self.location.shown, None, phrase("register.missing"))
            _upgrade(conn, "head")
        return self

    def _revision(self, conn: Connection) -> str | None:
        """The schema revision of the register; None for an empty database."""
        tables = set(inspect(conn).get_table_names())
        if not tables:
            return None
        if "alembic_version" not in tables:
            raise InputError(self.location.shown, None, phrase("register.not_register"))
        current = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        if current not in REVISIONS:
            raise InputError(self.location.shown, None, phrase("register.newer"))
        return current

    def revision(self) -> str | None:
        """The schema revision the register is at."""
        with self.reading() as conn:
            return self._revision(conn)

    def upgrade_to(self, revision: str) -> None:
        """Make or upgrade the schema only up to `revision` (the tests build an older register)."""
        if self.location.path is not None:
            self.location.path.parent.mkdir(parents=True, exist_ok=True)
        with self.writing() as conn:
            _upgrade(conn, revision)

    def close(self) -> None:
        """Let the database connections go."""
        self.engine.dispose()


def open_store(value: str | None, create: bool = False, wait: float = WAIT_SECONDS) -> Store:
    """The register at `value` (see `locate`), made or upgraded to the newest schema."""
    return Store(locate(value), wait).open(create)
