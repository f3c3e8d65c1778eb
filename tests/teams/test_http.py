"""The Teams endpoint as an HTTP service: authentication, malformed requests, /healthz."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import jwt
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jwt import PyJWK
from microsoft_agents.hosting.core.authorization import ConnectionManager
from microsoft_agents.hosting.core.authorization.jwt import JwtTokenValidator

from bot.config import ConfigError, Settings
from bot.teams import connection
from index.answer import Answerer
from tests.teams.harness import CLIENT_ID, Bot, Connector, IssuedToken, message

QUESTION = "what does AI governance expect at level 1?"


@pytest.fixture(scope="module")
def secure_bot(start_bot: Any, seed_answerer: Answerer) -> Bot:
    """Production settings: an app registration, anonymous requests not allowed."""
    return start_bot(
        seed_answerer, teams_allow_anonymous=False, teams_client_id=CLIENT_ID,
        teams_client_secret="not-a-real-secret", teams_tenant_id="tenant-1",
    )


def _unsigned_jwt() -> str:
    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    # A JWT's shape (header.claims.signature) with a signature that is not even base64: PyJWT rejects
    # it before any signing-key lookup, so the test never reaches for Microsoft's key endpoint.
    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part({'aud': CLIENT_ID, 'iss': 'https://evil.example'})}.x"


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer not-a-jwt"}, {"Authorization": "Basic dXNlcjpwYXNz"}, {"Authorization": "Bearer"}],
    ids=["no-token", "garbage-token", "wrong-scheme", "empty-bearer"],
)
def test_unauthenticated_requests_are_refused_when_anonymous_is_off(
    secure_bot: Bot, connector: Connector, headers: dict[str, str]
) -> None:
    connector.clear()
    conversation = "a:secure-personal"
    status, body = secure_bot.post(message(QUESTION, service_url=connector.url, conversation=conversation), headers)
    assert status == 401
    assert "Traceback" not in json.dumps(body)
    assert connector.calls == []  # nothing was answered
    assert secure_bot.services.conversations.get(conversation) is None  # nor stored


def test_forged_token_is_refused(secure_bot: Bot, connector: Connector) -> None:
    status, _ = secure_bot.post(
        message(QUESTION, service_url=connector.url), {"Authorization": f"Bearer {_unsigned_jwt()}"}
    )
    assert status == 401


def test_expect_replies_needs_a_token_too(secure_bot: Bot, connector: Connector) -> None:
    status, body = secure_bot.post({**message(QUESTION, service_url=connector.url), "deliveryMode": "expectReplies"})
    assert status == 401
    assert not (body or {}).get("activities")


def test_healthz_is_public_and_reports_the_loaded_index(secure_bot: Bot, seed_answerer: Answerer) -> None:
    status, body = secure_bot.get("/healthz")
    assert status == 200
    assert body["status"] == "ok" and body["entries"] == len(seed_answerer.entries)


def test_healthz_is_503_until_the_model_and_index_are_loaded(start_bot: Any, seed_answerer: Answerer) -> None:
    bot = start_bot(seed_answerer, ready=False, teams_allow_anonymous=True)
    status, body = bot.get("/healthz")
    assert status == 503 and body["status"] != "ok"
    bot.services.health.mark_ready(len(seed_answerer.entries))
    assert bot.get("/healthz")[0] == 200


MALFORMED: list[tuple[str, bytes]] = [
    ("not-json", b"{this is not json"),
    ("json-array", b"[1, 2, 3]"),
    ("json-string", b'"hello"'),
    ("empty-object", b"{}"),
    ("no-conversation", json.dumps({"type": "message", "text": "hi", "serviceUrl": "http://127.0.0.1:9/"}).encode()),
    ("wrong-types", json.dumps({"type": 5, "conversation": "x", "from": [1]}).encode()),
    ("no-service-url", json.dumps({"type": "message", "text": "hi", "conversation": {"id": "a:1"}}).encode()),
    ("no-service-url-expect-replies", json.dumps({"type": "message", "text": "hi", "conversation": {"id": "a:1"},
                                                  "deliveryMode": "expectReplies"}).encode()),
    ("binary", b"\xff\xfe\x00garbage"),
    ("deeply-nested", b"[" * 100_000 + b"]" * 100_000),
    ("product-info-conflict", json.dumps({
        "type": "message", "channelId": "msteams:COPILOT", "serviceUrl": "http://127.0.0.1:9/",
        "conversation": {"id": "a:1"}, "entities": [{"type": "ProductInfo", "id": "OTHER"}]}).encode()),
]


@pytest.mark.parametrize("raw", [m[1] for m in MALFORMED], ids=[m[0] for m in MALFORMED])
def test_malformed_activity_gets_400_not_a_crash(bot: Bot, connector: Connector, raw: bytes) -> None:
    status, body = bot.post(None, raw=raw)
    assert status == 400
    assert isinstance(body["error"], str) and "Traceback" not in body["error"]
    # The server is fine afterwards.
    assert bot.get("/healthz")[0] == 200
    assert bot.replies(message(QUESTION, service_url=connector.url))


def test_malformed_activity_without_token_is_401_first(secure_bot: Bot) -> None:
    # Unauthenticated callers learn nothing about what the bot would accept.
    assert secure_bot.post(None, raw=b"[]")[0] == 401


def test_production_settings_need_an_app_registration() -> None:
    with pytest.raises(ConfigError) as excinfo:
        connection.check_credentials(Settings(teams_allow_anonymous=False))
    assert "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID" in str(excinfo.value)
    assert "CAREERFW_TEAMS_ALLOW_ANONYMOUS" in str(excinfo.value)
    connection.check_credentials(Settings(teams_allow_anonymous=True))  # development: fine


def test_sdk_standard_environment_names_configure_the_service_connection() -> None:
    env = {
        "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID": CLIENT_ID,
        "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTSECRET": "s3cret",
        "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__TENANTID": "tenant-9",
        "CAREERFW_TEAMS_ALLOW_ANONYMOUS": "0",
    }
    settings = Settings.from_env(env)
    assert (settings.teams_client_id, settings.teams_tenant_id) == (CLIENT_ID, "tenant-9")
    connection.check_credentials(settings)
    auth = connection.auth_configuration(connection.connection_manager(settings))
    assert (auth.CLIENT_ID, auth.TENANT_ID, auth.CLIENT_SECRET) == (CLIENT_ID, "tenant-9", "s3cret")
    assert auth.ANONYMOUS_ALLOWED is False

    # The Bot Framework names still work, and our switch alone decides anonymous access.
    legacy = Settings.from_env({"MicrosoftAppId": CLIENT_ID, "MicrosoftAppPassword": "p", "MicrosoftAppTenantId": "t",
                                "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__ANONYMOUS_ALLOWED": "true"})
    auth = connection.auth_configuration(connection.connection_manager(legacy))
    assert auth.CLIENT_ID == CLIENT_ID and auth.ANONYMOUS_ALLOWED is False


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8,
)
_FIELDS = ["type", "id", "text", "channelId", "conversation", "from", "recipient", "entities", "value",
           "deliveryMode", "membersAdded", "membersRemoved", "channelData", "attachments", "action"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_json_gets_an_answer_or_a_400_never_a_crash(bot: Bot, connector: Connector, data: st.DataObject) -> None:
    base = message("what does AI governance expect?", service_url=connector.url)
    # Start from a real activity and break some of it: every serviceUrl stays the loopback connector.
    broken = dict(base)
    for key in data.draw(st.lists(st.sampled_from(_FIELDS), max_size=4, unique=True)):
        if data.draw(st.booleans()):
            broken.pop(key, None)
        else:
            broken[key] = data.draw(_json)
    if data.draw(st.booleans()):
        broken["deliveryMode"] = "expectReplies"
    status, body = bot.post(broken)
    assert status in (200, 202, 400), (status, body, broken)
    assert "Traceback" not in json.dumps(body)


class SigningKeys:
    """Stands in for the Bot Framework's published signing keys (fetched from login.botframework.com in
    production): the key lookup is the only part of the SDK's JWT validation replaced; decoding,
    signature, audience, expiry and issuer checks are the SDK's own."""

    def __init__(self) -> None:
        from cryptography.hazmat.primitives.asymmetric import rsa

        self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.jwk = PyJWK.from_json(jwt.algorithms.RSAAlgorithm.to_jwk(self.private.public_key()))
        self.uris: list[str] = []

    async def get_signing_key(self, jwks_uri: str, header: dict[str, Any]) -> PyJWK:
        self.uris.append(jwks_uri)
        return self.jwk

    def token(self, private: Any = None, **claims: Any) -> str:
        now = int(time.time())
        payload = {"iss": "https://api.botframework.com", "aud": CLIENT_ID, "nbf": now - 5, "exp": now + 600} | claims
        return jwt.encode(payload, private or self.private, algorithm="RS256", headers={"kid": "test-key"})


@pytest.fixture()
def signing_keys(monkeypatch: pytest.MonkeyPatch) -> SigningKeys:
    keys = SigningKeys()
    monkeypatch.setattr(JwtTokenValidator, "_jwk_client_manager", keys)
    return keys


@pytest.fixture(scope="module")
def production_bot(start_bot: Any, seed_answerer: Answerer) -> Bot:
    """Anonymous off, and the bot's own outgoing tokens from a stand-in for Entra ID."""
    manager = ConnectionManager(IssuedToken, CONNECTIONS={"SERVICE_CONNECTION": {"SETTINGS": {
        "CLIENTID": CLIENT_ID, "TENANTID": "tenant-1", "ANONYMOUS_ALLOWED": False}}})
    return start_bot(seed_answerer, manager=manager, teams_allow_anonymous=False, teams_client_id=CLIENT_ID,
                     teams_client_secret="s", teams_tenant_id="tenant-1")


def test_a_valid_bot_framework_token_is_answered_and_the_reply_carries_the_bots_token(
    production_bot: Bot, connector: Connector, signing_keys: SigningKeys
) -> None:
    connector.clear()
    token = signing_keys.token(serviceurl=connector.url)

    status, _ = production_bot.post(message(QUESTION, service_url=connector.url), {"Authorization": f"Bearer {token}"})

    assert status == 202
    assert signing_keys.uris == ["https://login.botframework.com/v1/.well-known/keys"]
    (reply,) = connector.posts()
    assert reply.headers.get("Authorization") == "Bearer token-from-entra"
    assert reply.card["type"] == "AdaptiveCard"


@pytest.mark.parametrize("problem", ["other-audience", "expired", "not-yet-valid", "signed-by-someone-else"])
def test_an_invalid_token_is_refused(
    production_bot: Bot, connector: Connector, signing_keys: SigningKeys, problem: str
) -> None:
    from cryptography.hazmat.primitives.asymmetric import rsa

    now = int(time.time())
    token = {
        "other-audience": lambda: signing_keys.token(aud="22222222-3333-4444-5555-666666666666"),
        "expired": lambda: signing_keys.token(exp=now - 3600, nbf=now - 7200),
        "not-yet-valid": lambda: signing_keys.token(nbf=now + 3600),
        "signed-by-someone-else": lambda: signing_keys.token(
            private=rsa.generate_private_key(public_exponent=65537, key_size=2048)),
    }[problem]()
    connector.clear()
    status, _ = production_bot.post(message(QUESTION, service_url=connector.url), {"Authorization": f"Bearer {token}"})
    assert status == 401
    assert connector.calls == []
