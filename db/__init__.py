"""The database: SQLModel tables, the engine and session, repo.py (the one door), migrations."""
