"""Alembic environment: the engine comes from db.engine (no alembic.ini needed)."""

from alembic import context
from sqlalchemy import create_engine
from sqlalchemy.exc import ArgumentError

from db.models import Base

config = context.config
engine = config.attributes.get("engine")
if engine is None:  # `alembic` command line: take the URL from the config
    url = config.get_main_option("sqlalchemy.url")
    if url is None:  # what create_engine(None) raised
        raise ArgumentError("Expected string or URL object, got None")
    engine = create_engine(url)

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
