"""Persistence: SQLModel tables, repositories, migrations and blob storage."""
