"""What a service call needs besides the actor: the engine and the personal-information
cipher. The caller builds it (the app from its settings, tests from fixtures); no
service reads the app's configuration.

The key rules (`spec/access.md` § Personal information):

* a database that holds personal information (or records its key's check value) never
  gets a new key: a missing key is refused with how to restore it;
* a key the database was not written with is refused;
* a database that holds personal information but records no check value (a copy made
  by other means, a check value removed) is refused until an admin adopts the key
  with :func:`adopt_key`, which first proves the key reads the data.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, exists, select

from db.engine import transaction
from db.models import Resident, Setting, Staff

if TYPE_CHECKING:
    # imported on first use: commands that never read personal information (kpi)
    # do not load the cryptography library
    from center.core.access import Actor
    from center.core.pii import PiiCipher

KEY_CHECK = "pii.key_check"
#: encrypted values :func:`adopt_key` decrypts before it records a key
ADOPT_SAMPLE = 5


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
            cipher = self.key_cipher()
            check_or_record_key(self.engine, cipher)
            self._cipher = cipher
        return self._cipher

    def key_cipher(self) -> PiiCipher:
        """The cipher of the configured key, not checked against the database (for
        :func:`adopt_key`). A new key file is made only for a database that holds no
        personal information and records no key yet."""
        from center.core.pii import PiiCipher, load_master_key

        with self.engine.connect() as conn:
            create = not holds_personal_information(conn)
        return PiiCipher.from_master(load_master_key(self.pii_key_file, create=create))

    def close(self) -> None:
        self.engine.dispose()


def holds_personal_information(conn: Connection) -> bool:
    """Whether the database records a key check value or holds any encrypted value."""
    return bool(
        conn.scalar(select(Setting.value).where(Setting.key == KEY_CHECK)) is not None
        or conn.scalar(select(exists().where(Resident.id.is_not(None))))
        or conn.scalar(select(exists().where(Staff.phone_enc.is_not(None))))
    )


def check_or_record_key(engine: Engine, cipher: PiiCipher) -> None:
    """Refuse a key the database was not written with; record the key's check value
    in a database that has none yet and holds no personal information (only then is
    the write lock taken); refuse one that holds personal information but no check
    value (an admin adopts the key, :func:`adopt_key`)."""
    from center.core.pii import PiiKeyError

    with engine.connect() as conn:
        stored = conn.scalar(select(Setting.value).where(Setting.key == KEY_CHECK))
    if stored is None:
        with transaction(engine) as s:
            row = s.get(Setting, KEY_CHECK)
            if row is None:
                if holds_personal_information(s.connection()):
                    raise PiiKeyError(
                        "this database holds personal information but no record of the key "
                        f"it was written with (setting {KEY_CHECK}): nothing is read or "
                        "written with an unproven key until an admin adopts it "
                        "(`center db adopt-key`), which first checks that the key "
                        "decrypts the data"
                    )
                s.add(Setting(key=KEY_CHECK, value=cipher.key_check()))
            stored = row.value if row is not None else cipher.key_check()
    if stored != cipher.key_check():
        raise PiiKeyError(
            "the personal-information key is not the one this database was written with: "
            "set CENTER_PII_KEY (or the key file) to the key of this database"
        )


def adopt_key(engine: Engine, cipher: PiiCipher, actor: Actor) -> int:
    """Record ``cipher``'s key as this database's (its check value) after proving that
    it decrypts the personal information stored (up to :data:`ADOPT_SAMPLE` values of
    each encrypted column); admin only, audited. Returns the number of values checked.

    Refused when the database already records a key (another one: it is never
    replaced) or when the key does not decrypt the data (nothing written)."""
    from center.core.access import require_role
    from center.core.audit import append_audit
    from center.core.pii import PiiKeyError

    require_role(actor, "adopt_key")
    with transaction(engine) as s:
        row = s.get(Setting, KEY_CHECK)
        if row is not None:
            if row.value == cipher.key_check():
                return 0
            raise PiiKeyError(
                "this database already records another personal-information key; a "
                "recorded key is never replaced: set CENTER_PII_KEY (or the key file) to it"
            )
        checked = 0
        for field, column, id_col in (
            ("name", Resident.name_enc, Resident.id),
            ("id_number", Resident.id_number_enc, Resident.id),
            ("phone", Resident.phone_enc, Resident.id),
            ("phone", Staff.phone_enc, Staff.id),
        ):
            blobs = s.scalars(
                select(column).where(column.is_not(None)).order_by(id_col).limit(ADOPT_SAMPLE)
            )
            for blob in blobs:
                try:
                    cipher.decrypt(field, bytes(blob or b""))
                except PiiKeyError as exc:
                    raise PiiKeyError(
                        "the personal-information key does not decrypt the data of this "
                        "database, so it is not adopted: set CENTER_PII_KEY (or the key "
                        "file) to the key the data was written with"
                    ) from exc
                checked += 1
        s.add(Setting(key=KEY_CHECK, value=cipher.key_check()))
        append_audit(
            s, actor.name, "pii.adopt_key", "setting", KEY_CHECK, {"values_checked": checked}
        )
    return checked
