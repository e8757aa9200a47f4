"""Accounts (spec/access.md): users with one or more roles, argon2id passwords, the
five-failure lock-out, the first-admin bootstrap and the login that makes an
:class:`~center.core.access.Actor`. Qt-free; every account change and every login
attempt writes an audit row."""
