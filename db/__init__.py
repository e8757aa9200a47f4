"""Database layer: models, engine/session, KPI queries, migrations. Imports no Qt."""
