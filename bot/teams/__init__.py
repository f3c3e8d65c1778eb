"""Microsoft Teams front end on the Microsoft 365 Agents SDK (aiohttp hosting).

- `app`: the aiohttp app (POST /api/messages behind the SDK's JWT check, /healthz)
- `serve`: `careerfw teams`, which builds that app on the shared runtime (bot/runtime.py) and runs it
- `agent`: the AgentApplication and its listeners; `services`: what they share
- `cards`: Adaptive Cards (answers, TODO list, nudge) with plain-text fallbacks
- `conversations`: conversation references in the shared state (bot/store); `nudge`: the proactive weekly nudge and
  `start_teams_nudges`, which schedules it in a serving bot
- `connection`: the SDK's standard auth configuration; `package` / `icons`: the app package zip
"""
