"""The secretariat's register: every case, its proposal versions (the file's bytes kept verbatim with
their hash, the proposal as read and its evaluation then), the council's decisions and what happened
after (hand-over, inspections, phone confirmations, reports, deletion, conditions confirmed), and
what is due by a date.

A real database through SQLAlchemy 2: an SQLite file by default, PostgreSQL by URL; its schema is
made and upgraded by the Alembic migrations shipped in `migrations/`. Every change is one
transaction; nothing is ever deleted (a correction is a new record that names the one it corrects).
The register returns values and raises InputError; the command line (itaku.cli.register) prints.
"""
