"""Test doubles shared by every test folder: one fake Slack (slack.py) and one free-port helper (ports.py)."""
