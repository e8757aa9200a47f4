"""What a service call needs besides the actor: the engine and the personal-information
cipher. The caller builds it (the app from its settings, tests from fixtures); no
service reads the app's configuration."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, select

from db.engine import transaction
from db.models import Setting

if TYPE_CHECKING:
    # imported on first use: commands that never read personal information (kpi)
    # do not load the cryptography library
    from center.core.pii import PiiCipher


class ServiceContext:
    """The engine and, loaded on first use, the PII cipher of this database."""

    def __init__(self, engine: Engine, pii_key_file: Path) -> None:
        self.engine = engine
        self.pii_key_file = pii_key_file
        self._cipher: PiiCipher | None = None

    @property
    def cipher(self) -> PiiCipher:
        """The PII cipher, loaded on first use and checked against this database."""
        if self._cipher is None:
            from center.core.pii import PiiCipher, load_master_key

            cipher = PiiCipher.from_master(load_master_key(self.pii_key_file))
            check_or_record_key(self.engine, cipher)
            self._cipher = cipher
        return self._cipher

    def close(self) -> None:
        self.engine.dispose()


def check_or_record_key(engine: Engine, cipher: PiiCipher) -> None:
    """Refuse a key the database was not written with; record the key's check value
    in a database that has none yet (only then is the write lock taken)."""
    from center.core.pii import PiiKeyError

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
