"""The manifests declare what the app listens to and needs, for both connection modes."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", ["manifest.yml", "manifest.http.yml"])
def test_manifest_declares_command_scopes_events_and_interactivity(name: str) -> None:
    manifest = yaml.safe_load((REPO / name).read_text())
    features, settings = manifest["features"], manifest["settings"]
    assert [c["command"] for c in features["slash_commands"]] == ["/careerfw"]
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"commands", "chat:write", "app_mentions:read", "im:history", "assistant:write"} <= scopes
    assert set(settings["event_subscriptions"]["bot_events"]) == {
        "app_home_opened", "app_mention", "message.im", "assistant_thread_started", "assistant_thread_context_changed"}
    assert settings["interactivity"]["is_enabled"] is True
    assert features["app_home"]["home_tab_enabled"] and not features["app_home"]["messages_tab_read_only_enabled"]
    http = name == "manifest.http.yml"
    assert settings["socket_mode_enabled"] is (not http)
    urls = [features["slash_commands"][0].get("url"), settings["event_subscriptions"].get("request_url"),
            settings["interactivity"].get("request_url")]
    if http:
        assert all(u and u.startswith("https://") and u.endswith("/slack/events") for u in urls)
    else:
        assert urls == [None, None, None]


@pytest.mark.parametrize("name", ["manifest.yml", "manifest.http.yml"])
def test_manifest_enables_the_agent_view_without_a_fixed_prompt_list(name: str) -> None:
    features = yaml.safe_load((REPO / name).read_text())["features"]
    agent = features["agent_view"]
    assert set(agent) == {"agent_description"} and agent["agent_description"].strip()
    # The Messages tab stays writable: classic DMs and agent threads both arrive as message.im.
    assert features["app_home"]["messages_tab_enabled"] is True


def test_both_manifests_declare_the_same_app() -> None:
    socket, http = (yaml.safe_load((REPO / n).read_text()) for n in ("manifest.yml", "manifest.http.yml"))
    assert socket["features"]["agent_view"] == http["features"]["agent_view"]
    assert socket["oauth_config"] == http["oauth_config"]
    events = [m["settings"]["event_subscriptions"]["bot_events"] for m in (socket, http)]
    assert events[0] == events[1]
