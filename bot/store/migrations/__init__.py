"""Alembic's schema versions for the shared state (run through bot.store.migrate, never by hand)."""
