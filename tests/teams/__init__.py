"""bot/teams/: the Teams bot over real HTTP with Bot Framework activities."""
