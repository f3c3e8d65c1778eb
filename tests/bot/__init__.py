"""bot/ modules every surface shares: the CLI, the runtime, feedback."""
