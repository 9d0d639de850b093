"""Alembic environment: runs on the connection that backend_stub.migrations passes in."""

import logging

from alembic import context

from backend_stub.db import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through backend_stub.migrations.upgrade (no alembic.ini here)")



def _skip_empty(ctx, revision, directives) -> None:  # noqa: ANN001
    """`revision` with no schema difference writes no file."""
    if directives and directives[0].upgrade_ops.is_empty():
        logging.getLogger("backend_stub.migrations").warning("no schema change: no revision written")
        directives[:] = []


context.configure(
    connection=connection,
    process_revision_directives=_skip_empty,
    target_metadata=metadata,
    # SQLite cannot ALTER most things in place: batch mode rebuilds the table instead.
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
