"""The Agents SDK's standard authentication configuration, built from Settings.

The SDK reads its settings from environment variables named like its configuration tree
(`CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID`, …) through `load_configuration_from_env`;
`bot/config.py` collects those variables and this module hands them to the SDK unchanged, filling
the service connection's client id, secret and tenant from the shorter names when only those are set.
`CAREERFW_TEAMS_ALLOW_ANONYMOUS` alone decides whether unauthenticated requests are accepted.

The connections are the SDK's `MsalConnectionManager` but for when MSAL is imported: each connection's
MSAL token provider is made the first time it is used (`MsalOnFirstUse`), since a start needs only the
configuration, checked here, and MSAL is needed only to call Teams (issue 23, item 4).

A Teams start imports the SDK here first (serve.py checks the configuration before anything else of
Teams), with its pydantic models built when first used rather than at import (`models_built_on_first_use`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pydantic import BaseModel

from bot.config import ConfigError, Settings


@contextmanager
def models_built_on_first_use() -> Iterator[None]:
    """Pydantic models defined meanwhile build their validators and serializers when first used
    (pydantic's `defer_build`), not when their class is defined. The SDK defines 178 models at import
    (every activity, card and Teams payload type) and built each one's validator there, about 40 ms of a
    Teams start's CPU before /healthz could say 200 (issue 23, item 4); an activity uses a few of them (its
    first validation builds `Activity` in about 5 ms) and most are never used by this bot. Pydantic (from
    2.14, the floor pyproject.toml sets) builds a deferred model under its own lock, so two threads meeting it
    first (the loop, the weekly nudge's) build it once; before, one of them could validate with a half-built
    model. Models defined outside the block are built as before (a subclass of a deferred model
    defers too); a model that names its own `defer_build` keeps it."""
    config = BaseModel.model_config  # what every model's own configuration is merged onto at its definition
    if "defer_build" in config:
        yield
        return
    config["defer_build"] = True
    try:
        yield
    finally:
        del config["defer_build"]


# A process that imported the SDK before (a test importing the Teams app first) keeps the models it built:
# the same models either way, only when they are built differs.
with models_built_on_first_use():
    from microsoft_agents.activity import load_configuration_from_env
    from microsoft_agents.hosting.core import AgentAuthConfiguration, ConnectionManager

SERVICE_CONNECTION = "SERVICE_CONNECTION"
SETTING_PREFIX = "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__"


def sdk_configuration(settings: Settings) -> dict[str, Any]:
    """What `load_configuration_from_env` would return, plus our fallbacks and the anonymous switch."""
    config = load_configuration_from_env(dict(settings.teams_sdk_env))
    service = config["CONNECTIONS"].setdefault(SERVICE_CONNECTION, {}).setdefault("SETTINGS", {})
    for key, value in (
        ("CLIENTID", settings.teams_client_id),
        ("CLIENTSECRET", settings.teams_client_secret),
        ("TENANTID", settings.teams_tenant_id),
    ):
        if value and not service.get(key):
            service[key] = value
    service["ANONYMOUS_ALLOWED"] = settings.teams_allow_anonymous
    # The SDK checks a token's issuer against its allow-list only when asked (off by default for
    # backward compatibility); a bot new to the SDK has nothing to be compatible with.
    service.setdefault("VALIDATE_ISSUER", True)
    return config


def check_credentials(settings: Settings) -> None:
    """Refuse to start a production bot that could never authenticate anyone."""
    if settings.teams_allow_anonymous:
        return
    config = sdk_configuration(settings)["CONNECTIONS"][SERVICE_CONNECTION]["SETTINGS"]
    missing = [] if settings.teams_client_id else [SETTING_PREFIX + "CLIENTID"]
    # A client secret (the Azure portal's default) also needs the tenant it was issued in; other
    # AUTHTYPEs (certificate, managed identity, …) are the SDK's to validate.
    if str(config.get("AUTHTYPE", "ClientSecret")).lower() == "clientsecret":
        missing += [
            SETTING_PREFIX + key
            for key, value in (("CLIENTSECRET", settings.teams_client_secret), ("TENANTID", settings.teams_tenant_id))
            if not value
        ]
    if missing:
        raise ConfigError(
            "the Teams bot needs its Azure Bot / Entra ID app registration: set "
            + ", ".join(missing)
            + " (see docs/teams.md), or CAREERFW_TEAMS_ALLOW_ANONYMOUS=1 for local development only"
        )


class MsalOnFirstUse:
    """One connection's `MsalAuth`, made on its first use: what `MsalConnectionManager` would have made at
    start, as its connections' `provider_factory`. MSAL and what it imports (requests, azure.core, the
    managed-identity client) cost a Teams start about 50 ms of CPU and 5 MB before /healthz could say 200,
    yet only a reply, a nudge or a sign-in asks for a token; `MsalAuth` itself only keeps the configuration
    and an empty token cache until then, so nothing is checked later than before. Every attribute is the
    provider's, so the SDK calls it as it would the provider."""

    def __init__(self, configuration: AgentAuthConfiguration) -> None:
        self._configuration = configuration
        self._provider: Any = None
        self._lock = threading.Lock()  # a nudge asks for a token on the scheduler's thread, a reply on the loop

    def provider(self) -> Any:
        """The `MsalAuth`, made once."""
        with self._lock:
            if self._provider is None:
                from microsoft_agents.authentication.msal import MsalAuth

                self._provider = MsalAuth(self._configuration)
            return self._provider

    def __getattr__(self, name: str) -> Any:
        if name in ("_configuration", "_provider", "_lock"):  # not set yet (a copy): never the provider's
            raise AttributeError(name)
        return getattr(self.provider(), name)


def connection_manager(settings: Settings) -> ConnectionManager:
    """`MsalConnectionManager(**configuration)` (which is the SDK's `ConnectionManager` with `MsalAuth` as
    its provider factory), with each provider made on first use."""
    try:
        return ConnectionManager(provider_factory=MsalOnFirstUse, **sdk_configuration(settings))
    except ValueError as exc:  # the SDK names the bad setting in its message
        raise ConfigError(f"Teams configuration: {exc}") from None


def auth_configuration(manager: ConnectionManager) -> AgentAuthConfiguration:
    """What the SDK's JWT middleware validates incoming requests against."""
    return manager.get_default_connection_configuration()
