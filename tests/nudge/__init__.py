"""bot/nudge/: the surface-neutral weekly nudge (message, ledger, command, scheduler)."""
