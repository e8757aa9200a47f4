"""The running program's context: the services' context plus the app's settings
(database URL, language, wall PIN, tile server), opened from the configuration.

Only the commands that fill a database (``center db upgrade``, ``center demo``,
``center import``; ``center db restore``) may create a new SQLite file, and only in
an existing folder: a mistyped path must not silently become an empty database. The
default embedded database (no URL configured) is the exception that makes a first run
work: its folder is created and ``center app`` builds the demo street into it.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from center import config
from center.core.context import ServiceContext
from db.engine import open_database
from db.errors import DatabaseError

#: what the refusal of a missing database file tells the user to do
CREATE_HINT = "check the path, or create one with `center db upgrade` / `center demo`"


class AppContext(ServiceContext):
    """A :class:`ServiceContext` that also carries the settings the windows read."""

    def __init__(self, engine: Engine, settings: config.Settings) -> None:
        super().__init__(engine, settings.pii_key_file)
        self.settings = settings


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (``None``: not SQLite, in memory, a ``file:`` URI or
    not a URL at all — :func:`db.engine.make_engine` reports the last)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from db.engine import normalise_url

    try:
        parsed = make_url(normalise_url(url))
    except ArgumentError:
        return None
    db = parsed.database
    if parsed.get_backend_name() != "sqlite" or not db or db == ":memory:":
        return None
    if db.startswith("file:"):
        return None
    return Path(db).expanduser()


def check_database_file(url: str, *, create: bool, default: bool = False) -> None:
    """Refuse a SQLite ``url`` whose file is missing unless ``create``; a new file is
    created only in an existing folder, except the ``default`` database's folder,
    which is created. Raises :class:`DatabaseError` naming the path and what to do."""
    path = sqlite_file(url)
    if path is None or path.exists():
        return
    if not create:
        raise DatabaseError(f"no database at {path}: {CREATE_HINT}")
    if default:
        path.parent.mkdir(parents=True, exist_ok=True)
    elif not path.parent.is_dir():
        raise DatabaseError(
            f"no folder {path.parent} for the new database {path.name}: check the path "
            "(a new database is created only in an existing folder)"
        )


def open_context(
    db_url: str | None = None,
    *,
    auto_upgrade: bool | None = None,
    create: bool = False,
    create_default: bool = False,
) -> AppContext:
    """The context of the configured database.

    ``create``: a missing SQLite file may be created (in an existing folder);
    ``create_default``: only the default embedded database may be (``center app``
    builds the demo into it on a first run). Otherwise a missing file is refused."""
    settings = config.load(db_url=db_url)
    default = settings.db_url == config.default_db_url()
    check_database_file(
        settings.db_url, create=create or (create_default and default), default=default
    )
    engine = open_database(settings.db_url, auto_upgrade=auto_upgrade)
    return AppContext(engine, settings)
