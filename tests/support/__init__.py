"""What every test folder shares that is not a fixture: the fake Slack (slack.py), free ports (ports.py),
a throwaway PostgreSQL server (postgres.py), made-up frameworks written by a test (frameworks.py), the
shared public frameworks (shared.py), a conversation of questions (answers.py) and a `careerfw` child
process's environment (process.py). Fixtures live in the conftest.py of the folder that uses them."""
