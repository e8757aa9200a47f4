"""Password hashing (argon2id, argon2-cffi) and the password rule.

The cost is chosen so that one verification (one login) takes 0.2-0.5 s on the
reference machine (2 vCPUs; ``python -m center.bench accounts``): 64 MiB, 6 passes,
1 lane measured 0.25 s a verify (median of 11; a whole ``authenticate`` 0.26 s) at a
load of ~2, and a median of 0.38 s while other test suites kept both CPUs busy (load
5). Two lanes at the same cost halve it on an idle machine but double its spread on a
busy one. A hash records its own parameters, so raising them later only makes new
and re-hashed passwords dearer (:func:`needs_rehash` at the next login).
"""

from __future__ import annotations

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from center.core.errors import InvalidInput

TIME_COST = 6
MEMORY_COST_KIB = 64 * 1024
PARALLELISM = 1
MIN_LENGTH = 10
MAX_LENGTH = 1024  # a longer "password" only costs hashing time

#: the hasher every hash and verification uses (tests swap in a cheap one)
HASHER = PasswordHasher(
    time_cost=TIME_COST, memory_cost=MEMORY_COST_KIB, parallelism=PARALLELISM, type=Type.ID
)
_dummy: dict[int, str] = {}


def check_password(password: str) -> None:
    """Refuse a password that breaks the rule (at least 10 characters)."""
    if len(password) < MIN_LENGTH:
        raise InvalidInput(
            "password", f"a password needs at least {MIN_LENGTH} characters ({len(password)} given)"
        )
    if len(password) > MAX_LENGTH:
        raise InvalidInput("password", f"a password has at most {MAX_LENGTH} characters")


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """The argon2id encoded hash of a password that passes :func:`check_password`
    (a random salt unless ``salt`` is given: the demo's accounts are reproducible)."""
    check_password(password)
    return HASHER.hash(password, salt=salt)


def verify(encoded: str, password: str) -> bool:
    """Whether ``password`` matches ``encoded`` (False for a malformed hash)."""
    try:
        return bool(HASHER.verify(encoded, password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(encoded: str) -> bool:
    try:
        return HASHER.check_needs_rehash(encoded)
    except InvalidHashError:
        return True


def dummy_verify(password: str) -> None:
    """Spend the time of one verification (an unknown user name costs what a wrong
    password costs: the login's time does not tell which names exist)."""
    key = id(HASHER)
    if key not in _dummy:
        _dummy[key] = HASHER.hash("not the password of anyone")
    verify(_dummy[key], password)
