"""Microsoft Teams front end on the Microsoft 365 Agents SDK (aiohttp hosting).

`serve` hosts the bot, `agent` holds its listeners, `cards` renders Adaptive Cards, `conversations`
keeps references for proactive posts, `nudge` sends the weekly nudge, `package` builds the app zip.
"""
