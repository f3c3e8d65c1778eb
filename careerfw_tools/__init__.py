"""Tooling behind `careerfw eval`, `bench` and `loadtest`: measures the bot, never part of answering.

Nothing in `bot/` or `index/` imports this package; the CLI imports a module from it only when one of
those commands runs.
"""
