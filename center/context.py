"""The running program's context: the services' context plus the app's settings
(database URL, language, wall PIN, tile server), opened from the configuration."""

from __future__ import annotations

from sqlalchemy import Engine

from center import config
from center.core.context import ServiceContext
from db.engine import open_database


class AppContext(ServiceContext):
    """A :class:`ServiceContext` that also carries the settings the windows read."""

    def __init__(self, engine: Engine, settings: config.Settings) -> None:
        super().__init__(engine, settings.pii_key_file)
        self.settings = settings


def open_context(db_url: str | None = None, *, auto_upgrade: bool | None = None) -> AppContext:
    settings = config.load(db_url=db_url)
    engine = open_database(settings.db_url, auto_upgrade=auto_upgrade)
    return AppContext(engine, settings)
