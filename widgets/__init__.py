"""Reusable Qt widgets: they take plain data (numbers, strings, dataclasses of
built-in types) and never open a database session."""
