"""What a service call needs: the engine and the personal-information cipher."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, select

from center import config
from center.services.pii import PiiCipher, PiiKeyError, load_master_key
from db.engine import open_database, transaction
from db.models import Setting
from db.types import CST


@dataclass
class AppContext:
    engine: Engine
    settings: config.Settings
    _cipher: PiiCipher | None = None

    @property
    def cipher(self) -> PiiCipher:
        """The PII cipher, loaded on first use and checked against this database."""
        if self._cipher is None:
            cipher = PiiCipher.from_master(load_master_key(self.settings.pii_key_file))
            check_or_record_key(self.engine, cipher)
            self._cipher = cipher
        return self._cipher

    def close(self) -> None:
        self.engine.dispose()


def check_or_record_key(engine: Engine, cipher: PiiCipher) -> None:
    """Refuse a key the database was not written with; record the key's check value
    in a database that has none yet (only then is the write lock taken)."""
    with engine.connect() as conn:
        stored = conn.scalar(select(Setting.value).where(Setting.key == "pii.key_check"))
    if stored is None:
        with transaction(engine) as s:
            row = s.get(Setting, "pii.key_check")
            if row is None:
                s.add(Setting(key="pii.key_check", value=cipher.key_check()))
            stored = row.value if row is not None else cipher.key_check()
    if stored != cipher.key_check():
        raise PiiKeyError(
            "the personal-information key is not the one this database was written with: "
            "set CENTER_PII_KEY (or the key file) to the key of this database"
        )


def open_context(db_url: str | None = None, *, auto_upgrade: bool | None = None) -> AppContext:
    settings = config.load(db_url=db_url)
    engine = open_database(settings.db_url, auto_upgrade=auto_upgrade)
    return AppContext(engine=engine, settings=settings)


def now() -> datetime:
    return datetime.now(CST)


def get_setting(engine: Engine, key: str, default: str = "") -> str:
    with engine.connect() as conn:
        value = conn.scalar(select(Setting.value).where(Setting.key == key))
    return value if value is not None else default
