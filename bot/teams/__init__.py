"""Microsoft Teams front end on the Microsoft 365 Agents SDK (aiohttp hosting).

- `serve`: `careerfw teams`, the aiohttp app (POST /api/messages behind the SDK's JWT check, /healthz)
- `agent`: the AgentApplication and its listeners; `services`: what they share
- `cards`: Adaptive Cards (answers, TODO list, nudge) with plain-text fallbacks
- `conversations`: conversation references in the state DB; `nudge`: the proactive weekly nudge
- `connection`: the SDK's standard auth configuration; `package` / `icons`: the app package zip
"""
