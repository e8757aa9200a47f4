"""Personal information at rest: AES-GCM encryption, HMAC look-up hashes, masking.

The 32-byte master key comes from ``CENTER_PII_KEY`` (base64) or from a key file
(default ``pii.key`` in the user config dir) created with owner-only permissions on
first use of a database that holds no personal information yet. A key file other
users can read is refused (``chmod 600``), and a missing key is never replaced by a
new one for a database that already holds personal information
(:class:`center.core.context.ServiceContext`). Two sub-keys are derived with HKDF: one
for AES-256-GCM, one for HMAC-SHA256. A database remembers a check value of its key
(setting ``pii.key_check``) so a wrong key is refused with a clear error before
anything is read or written.

Also here: masking for screens and files, and the shapes of identity and phone
numbers that must never reach a log, an audit detail or a free-text field that is
written down (:func:`contains_pi_number`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from center.core.errors import InvalidInput, UserError

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


def check_key_file_mode(key_file: Path) -> None:
    """Refuse a key file that other users may read or write (POSIX permissions)."""
    if os.name != "posix":
        return
    mode = stat.S_IMODE(key_file.stat().st_mode)
    if mode & 0o077:
        raise PiiKeyError(
            f"{key_file}: the personal-information key file can be read by other users "
            f"(mode {mode:04o}); make it owner-only with `chmod 600 {key_file}` and check "
            "who may have copied it"
        )


def load_master_key(key_file: Path, *, create: bool = True) -> bytes:
    """The master key: ``CENTER_PII_KEY``, else the (owner-only) key file, else, with
    ``create``, a new key written to a new owner-only key file."""
    env = os.environ.get("CENTER_PII_KEY")
    if env:
        return _decode_key(env, "CENTER_PII_KEY")
    if key_file.exists():
        check_key_file_mode(key_file)
        return _decode_key(key_file.read_text(encoding="ascii"), str(key_file))
    if not create:
        raise PiiKeyError(
            f"no personal-information key: neither CENTER_PII_KEY nor {key_file} is there, "
            "and this database holds personal information encrypted with its key: restore "
            f"the key file {key_file} from your backup (chmod 600) or set CENTER_PII_KEY to "
            "the key; a new key could not read it, so none is made"
        )
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


# ---------------------------------------------------------------- numbers in text

#: an 18-character resident identity number (GB 11643 shape) inside a text
ID_NUMBER_PATTERN = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
#: a mainland mobile number inside a text (optionally +86, spaces or dashes)
MOBILE_PATTERN = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)")
#: a landline number with its area code inside a text
LANDLINE_PATTERN = re.compile(r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)")


def contains_pi_number(text: str) -> bool:
    """Whether ``text`` holds something shaped like an identity or phone number."""
    return any(p.search(text) for p in (ID_NUMBER_PATTERN, MOBILE_PATTERN, LANDLINE_PATTERN))


def mask_pi_numbers(text: str) -> str:
    """``text`` (typed by staff) with every identity and phone number in it masked like
    on the screens (``110***********123X``, ``138****1234``)."""
    text = ID_NUMBER_PATTERN.sub(lambda m: mask_id_number(m[0]), text)
    text = MOBILE_PATTERN.sub(lambda m: mask_phone(m[0]), text)
    return LANDLINE_PATTERN.sub(lambda m: mask_phone(m[0]), text)


def check_reveal_reason(reason: str) -> str:
    """A reveal's reason, trimmed: required, and free of identity and phone numbers (it
    is written into the audit log, which never holds personal information)."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput("reason", "say why the personal information is needed")
    if contains_pi_number(reason):
        raise InvalidInput(
            "reason",
            "the reason is written into the audit log and may not hold an identity or "
            "phone number: say what the information is needed for (e.g. 回访核实)",
        )
    return reason
