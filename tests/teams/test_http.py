"""The Teams endpoint as an HTTP service: authentication, malformed requests, /healthz."""

from __future__ import annotations

import base64
import concurrent.futures
import http.server
import json
import logging
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import jwt
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jwt import PyJWK
from microsoft_agents.hosting.core.authorization import ConnectionManager

from bot.config import ConfigError, Settings
from bot.teams import connection
from bot.teams.auth import SigningKeys as TokenGateKeys
from bot.teams.auth import TokenGate
from index.answer import Answerer
from tests.support.process import REPO, process_env
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


def test_anonymous_mode_says_it_has_no_app_id_once_not_per_message(
    start_bot: Any, seed_answerer: Answerer, connector: Connector, caplog: pytest.LogCaptureFixture
) -> None:
    """docs/teams.md, local development: anonymous mode is announced once at start; answering does not
    repeat the SDK's "App ID is not provided" warning (it came several times per message)."""
    with caplog.at_level(logging.INFO):
        dev = start_bot(seed_answerer, teams_allow_anonymous=True)
        at_start = [r for r in caplog.records if "App ID is not provided" in r.getMessage()]
        for n in range(3):
            dev.replies(message(QUESTION, service_url=connector.url, conversation=f"a:dev-{n}"))
            assert dev.post(message("help", service_url=connector.url, conversation=f"a:dev-{n}"))[0] == 202
    said = [r for r in caplog.records if "App ID is not provided" in r.getMessage()]
    assert len(at_start) == 1 and said == at_start


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


# A fresh interpreter (other tests import MSAL): build the connections from a production configuration,
# note whether MSAL was imported, then use the service connection's token provider as the SDK does.
_MSAL_ON_FIRST_USE = """
import json, sys
from bot.config import Settings
from bot.teams import connection

settings = Settings.from_env({"MicrosoftAppId": "app-1", "MicrosoftAppPassword": "s3cret",
                              "MicrosoftAppTenantId": "t-1"})
connection.check_credentials(settings)
manager = connection.connection_manager(settings)
before = "msal" in sys.modules
provider = manager.get_default_connection()
client_id = provider.configuration.CLIENT_ID
made = getattr(provider, "provider", lambda: provider)  # the provider itself, however it was made
print(json.dumps({"msal_before_use": before, "provider": type(made()).__name__, "client_id": client_id,
                  "same": made() is made()}))
"""


def test_the_service_connection_imports_msal_only_when_its_token_provider_is_used(tmp_path: Path) -> None:
    """Issue 23, item 4 (start fast): a Teams start checks its app registration without importing MSAL (about
    50 ms of CPU and 5 MB before /healthz could say 200); the service connection's provider is MSAL's, made
    once, the first time it is asked for anything."""
    proc = subprocess.run([sys.executable, "-c", _MSAL_ON_FIRST_USE], cwd=REPO, env=process_env(tmp_path),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {"msal_before_use": False, "provider": "MsalAuth", "client_id": "app-1",
                                       "same": True}


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
    monkeypatch.setattr(TokenGate, "keys", keys)
    return keys


@pytest.fixture(scope="module")
def production_bot(start_bot: Any, seed_answerer: Answerer) -> Bot:
    """Anonymous off, and the bot's own outgoing tokens from a stand-in for Entra ID."""
    # The stand-in connector is on loopback, which production trusts only when named explicitly.
    settings = dict(teams_allow_anonymous=False, teams_client_id=CLIENT_ID, teams_client_secret="s",
                    teams_tenant_id="tenant-1", teams_service_hosts=("127.0.0.1",))
    # The SDK configuration the bot builds for itself; only token acquisition is the stand-in's.
    manager = ConnectionManager(IssuedToken, **connection.sdk_configuration(Settings(**settings)))
    return start_bot(seed_answerer, manager=manager, **settings)


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


# --- forged tokens: cheap to refuse, never a 500, never a long wait ---------------------------------


def forged(header: dict[str, Any], claims: dict[str, Any] | None = None) -> str:
    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    now = int(time.time())
    body = {"iss": "https://api.botframework.com", "aud": CLIENT_ID, "nbf": now - 5, "exp": now + 600} | (claims or {})
    return f"{part(header)}.{part(body)}.{base64.urlsafe_b64encode(b'x' * 256).rstrip(b'=').decode()}"


class LoopbackKeys(TokenGateKeys):
    """The gate's real key fetching, pointed at a loopback endpoint instead of login.botframework.com."""

    def __init__(self, url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.url = url

    async def get_signing_key(self, jwks_uri: str, header: dict[str, Any]) -> PyJWK:
        return await super().get_signing_key(self.url, header)


@pytest.fixture()
def blackhole() -> Any:
    """A key endpoint that accepts connections and never answers (outbound traffic silently dropped)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/keys", accepted
    stop.set()
    thread.join(5)
    for conn in accepted:
        conn.close()
    server.close()


@pytest.fixture()
def key_server(signing_keys: SigningKeys) -> Any:
    """A key endpoint publishing the test signing key; counts the requests it gets."""
    requests: list[str] = []
    body = json.dumps({"keys": [{**json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(
        signing_keys.private.public_key())), "kid": "test-key", "use": "sig"}]}).encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/keys", requests
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("header", [{"alg": "RS256", "typ": "JWT"}, {"alg": "RS256", "kid": 7}, {"alg": "HS256",
                                    "kid": "k"}, {"alg": "none", "kid": "k"}], ids=["no-kid", "kid-not-text",
                                                                                    "hs256", "alg-none"])
def test_a_forged_token_is_401_without_any_key_lookup(
    production_bot: Bot, connector: Connector, signing_keys: SigningKeys, header: dict[str, Any]
) -> None:
    connector.clear()
    status, body = production_bot.post(message(QUESTION, service_url=connector.url),
                                       {"Authorization": f"Bearer {forged(header)}"})
    assert status == 401, body
    assert signing_keys.uris == [] and connector.calls == []


def test_an_unreachable_key_endpoint_is_503_soon_and_is_not_asked_again_at_once(
    production_bot: Bot, connector: Connector, blackhole: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, accepted = blackhole
    keys = LoopbackKeys(url, timeout=0.5)
    monkeypatch.setattr(TokenGate, "keys", keys)
    token = forged({"alg": "RS256", "kid": "forged-1"})
    connector.clear()

    statuses = []
    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        futures = [pool.submit(production_bot.post, message(QUESTION, service_url=connector.url),
                               {"Authorization": f"Bearer {token}"}) for _ in range(6)]
        statuses = [f.result()[0] for f in futures]

    assert statuses == [503] * 6
    assert keys.fetches == 1  # one fetch for all six; the failure is remembered
    assert production_bot.post(message(QUESTION, service_url=connector.url),
                               {"Authorization": f"Bearer {forged({'alg': 'RS256', 'kid': 'forged-2'})}"})[0] == 503
    assert keys.fetches == 1
    assert connector.calls == []


def test_forged_key_ids_refetch_the_key_set_at_most_once(
    production_bot: Bot, connector: Connector, key_server: Any, signing_keys: SigningKeys,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    url, requests = key_server
    monkeypatch.setattr(TokenGate, "keys", LoopbackKeys(url))
    connector.clear()
    for n in range(5):
        status, _ = production_bot.post(message(QUESTION, service_url=connector.url),
                                        {"Authorization": f"Bearer {forged({'alg': 'RS256', 'kid': f'forged-{n}'})}"})
        assert status == 401
    assert len(requests) == 1
    # The real key is still found in the set already fetched, and the question answered.
    status, _ = production_bot.post(message(QUESTION, service_url=connector.url),
                                    {"Authorization": f"Bearer {signing_keys.token(serviceurl=connector.url)}"})
    assert status == 202 and len(requests) == 1


def test_a_token_from_an_issuer_outside_the_allow_list_is_refused(
    production_bot: Bot, connector: Connector, signing_keys: SigningKeys
) -> None:
    connector.clear()
    token = signing_keys.token(iss="https://sts.windows.net/some-other-tenant/", serviceurl=connector.url)
    assert production_bot.post(message(QUESTION, service_url=connector.url),
                               {"Authorization": f"Bearer {token}"})[0] == 401
    assert connector.calls == []


def test_a_token_for_another_connector_host_is_refused(
    production_bot: Bot, connector: Connector, signing_keys: SigningKeys
) -> None:
    connector.clear()
    token = signing_keys.token(serviceurl="https://smba.trafficmanager.net/emea/")
    assert production_bot.post(message(QUESTION, service_url=connector.url),
                               {"Authorization": f"Bearer {token}"})[0] == 401
    assert connector.calls == []
