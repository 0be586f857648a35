"""Persistence: SQLAlchemy 2 models, engine set-up, migrations, seeding, search, backups."""
