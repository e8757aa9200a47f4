"""Alembic migrations of the schema (``center db upgrade``)."""
