"""Tests of the budget ledger (spec/office.md "Budget"); a package, so that its
``conftest`` does not shadow ``tests/conftest.py``."""
