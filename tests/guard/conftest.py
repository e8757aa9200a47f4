"""The guard's fixtures (defined in :mod:`guardlib`, with the helpers the tests use)."""

from guardlib import chinese, db_url, guard, snapshot_dir, street

__all__ = ["chinese", "db_url", "guard", "snapshot_dir", "street"]
