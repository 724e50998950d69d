"""The register's Alembic migrations, shipped in the package so that an installed itaku makes and
upgrades its own register (itaku.register.store runs them; no alembic.ini is needed)."""
