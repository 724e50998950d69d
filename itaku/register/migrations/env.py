"""Alembic's environment: the register hands over its open connection (inside the transaction that
holds the register's write lock), so a migration is part of that one transaction."""

from __future__ import annotations

from alembic import context

from itaku.register.models import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
context.run_migrations()
