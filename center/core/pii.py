"""Personal information at rest: AES-GCM encryption, HMAC look-up hashes, masking.

The 32-byte master key comes from ``CENTER_PII_KEY`` (base64) or from a key file
(default ``pii.key`` in the user config dir) created on first use with owner-only
permissions. Two sub-keys are derived with HKDF: one for AES-256-GCM, one for
HMAC-SHA256. A database remembers a check value of its key (setting
``pii.key_check``) so a wrong key is refused with a clear error before anything is
read or written.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from center.core.errors import UserError

NONCE = 12


class PiiKeyError(UserError):
    """The personal-information key is missing, malformed or not this database's."""


def _derive(master: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(master)


@dataclass(frozen=True)
class PiiCipher:
    enc_key: bytes
    mac_key: bytes

    @classmethod
    def from_master(cls, master: bytes) -> PiiCipher:
        if len(master) != 32:
            raise PiiKeyError(f"the personal-information key must be 32 bytes, got {len(master)}")
        return cls(_derive(master, b"center pii aes-gcm"), _derive(master, b"center pii hmac"))

    def encrypt(self, field: str, value: str) -> bytes:
        nonce = secrets.token_bytes(NONCE)
        return nonce + AESGCM(self.enc_key).encrypt(nonce, value.encode("utf-8"), field.encode())

    def decrypt(self, field: str, blob: bytes) -> str:
        try:
            plain = AESGCM(self.enc_key).decrypt(blob[:NONCE], blob[NONCE:], field.encode())
        except InvalidTag as exc:
            raise PiiKeyError(
                f"cannot decrypt {field}: the personal-information key is not the one this "
                "database was written with (check CENTER_PII_KEY or the key file)"
            ) from exc
        return plain.decode("utf-8")

    def lookup_hash(self, field: str, value: str) -> str:
        """Keyed hash for exact look-ups; the value is normalised (trimmed, upper-case)."""
        norm = value.strip().upper().encode("utf-8")
        return hmac.new(self.mac_key, field.encode() + b"\0" + norm, hashlib.sha256).hexdigest()

    def key_check(self) -> str:
        return self.lookup_hash("key_check", "door-knocking-center")


def _decode_key(text: str, where: str) -> bytes:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (ValueError, binascii.Error) as exc:
        raise PiiKeyError(f"{where}: the personal-information key is not valid base64") from exc
    if len(raw) != 32:
        raise PiiKeyError(f"{where}: the personal-information key must be 32 bytes (base64)")
    return raw


def load_master_key(key_file: Path, *, create: bool = True) -> bytes:
    env = os.environ.get("CENTER_PII_KEY")
    if env:
        return _decode_key(env, "CENTER_PII_KEY")
    if key_file.exists():
        return _decode_key(key_file.read_text(encoding="ascii"), str(key_file))
    if not create:
        raise PiiKeyError(f"no personal-information key: set CENTER_PII_KEY or provide {key_file}")
    key_file.parent.mkdir(parents=True, exist_ok=True)
    master = secrets.token_bytes(32)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(base64.b64encode(master).decode("ascii") + "\n")
    return master


def generate_key_text() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode("ascii")


# ---------------------------------------------------------------- masking


def mask_id_number(value: str | None) -> str:
    """``110101199003071234`` → ``110***********123X``-style: first 3 and last 4 kept."""
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_phone(value: str | None) -> str:
    """``13812341234`` → ``138****1234``; landlines keep the area code and last 4."""
    if not value:
        return ""
    digits = value
    if len(digits) <= 7:
        return digits[:1] + "*" * max(0, len(digits) - 1)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_name(value: str | None) -> str:
    """``张三`` → ``张*``; ``欧阳娜娜`` → ``欧***``; Latin names keep the first letter."""
    if not value:
        return ""
    value = value.strip()
    return value[:1] + "*" * max(1, len(value) - 1)
