"""Which Bot Framework connectors (an activity's `serviceUrl`) the bot will talk to.

Every reply and every proactive post goes to the `serviceUrl` of the activity or stored reference,
carrying the bot's access token in production. So the URL must be one Microsoft runs: https, no
user info, and a host under Bot Framework's and Teams' domains (the Agents SDK's own default list,
`OutboundHostValidator`), plus any named in CAREERFW_TEAMS_SERVICE_HOSTS (a sovereign cloud).

Loopback connectors (http://127.0.0.1:…, the Bot Framework Emulator, the tests' stand-in) are
allowed only in anonymous development mode, or when CAREERFW_TEAMS_SERVICE_HOSTS names them
explicitly; never because an activity said so.
"""

from __future__ import annotations

import ipaddress
import urllib.parse

from microsoft_agents.hosting.core.security import OutboundHostValidator

from bot.config import Settings

LOOPBACK_NAMES = ("localhost",)


def is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class ServiceUrlPolicy(OutboundHostValidator):
    """The SDK's host validator (always enabled), widened to loopback only where configured to be.

    Handed to the CloudAdapter, it also turns on the SDK's check that an activity's serviceUrl host
    matches the `serviceurl` claim of its token."""

    def __init__(self, settings: Settings) -> None:
        listed = [h.strip().lower() for h in settings.teams_service_hosts if h.strip()]
        super().__init__([h for h in listed if not is_loopback(h)], enabled=True)
        self.allow_loopback = settings.teams_allow_anonymous
        self.loopback_hosts = {h for h in listed if is_loopback(h)}

    def refusal(self, url: str | None) -> str | None:
        """Why the bot will not talk to `url`, or None when it may."""
        if not url:
            return "no serviceUrl"
        try:
            parts = urllib.parse.urlsplit(url)
            host = (parts.hostname or "").lower()
            has_userinfo = bool(parts.username or parts.password)
        except ValueError:
            return "the serviceUrl is not a URL"
        if has_userinfo:
            return "the serviceUrl carries a user name or password"
        try:
            allowed = super().is_allowed(url)
        except (UnicodeError, ValueError):
            # yarl decodes the host and raises for punycode that does not round-trip
            # (xn--smba-trafficmanager.net): no connector has such a name.
            return f"{host or 'the serviceUrl'} is not a valid host name (its punycode does not decode)"
        if allowed:
            return None
        if is_loopback(host) and (self.allow_loopback or host in self.loopback_hosts):
            return None if parts.scheme in ("http", "https") else "the serviceUrl is not http(s)"
        if parts.scheme != "https":
            return "the serviceUrl is not https"
        return f"{host or 'the serviceUrl'} is not a Bot Framework connector host (CAREERFW_TEAMS_SERVICE_HOSTS)"

    def is_allowed(self, url: object) -> bool:  # the SDK's hook, called for every inbound activity
        return self.refusal(str(url) if url is not None else None) is None
