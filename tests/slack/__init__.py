"""bot/slack/: the Slack app over real HTTP with Slack-signed requests."""
