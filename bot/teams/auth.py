"""Authentication of POST /api/messages: the Agents SDK's JWT validation, made cheap to attack.

The SDK's `JwtTokenValidator` checks signature, audience, expiry, issuer and tenant binding; this
module decides what reaches it and how its signing keys are fetched:

- A token whose header does not parse, has no string `kid` or is not RS256 is refused (401) before
  any key is looked up (the SDK raised a KeyError, a 500, for a missing `kid`).
- Signing keys are fetched with a short timeout (FETCH_TIMEOUT_S, not PyJWT's 30 s). A key set is
  refetched for an unknown `kid` at most once per REFETCH_AFTER_S, and an unreachable key endpoint
  is not tried again for FAILURE_TTL_S: forged tokens cost no outbound request after the first.
- At most MAX_CONCURRENT validations run at once; beyond that, and while the key endpoint is
  unreachable, the answer is 503 with Retry-After, never a 500 or a long wait.
- Any other validation failure is 401 with one log line naming the exception type.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import jwt
from aiohttp import web
from microsoft_agents.hosting.core.authorization import AgentAuthConfiguration
from microsoft_agents.hosting.core.authorization.jwt import JwtTokenValidator

log = logging.getLogger("careerfw.teams.auth")

FETCH_TIMEOUT_S = 5.0
REFETCH_AFTER_S = 60.0
FAILURE_TTL_S = 30.0
MAX_CONCURRENT = 16
REFUSED = {"error": "Invalid token or authentication failed."}
UNAVAILABLE = {"error": "Token signing keys are unavailable right now; try again shortly."}


class KeysUnavailable(Exception):
    """The signing-key endpoint could not be reached (or recently could not)."""


@dataclass
class _KeySet:
    keys: dict[str, jwt.PyJWK] = field(default_factory=dict)
    fetched_at: float = float("-inf")
    failed_at: float = float("-inf")
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class SigningKeys:
    """Stands where the SDK's `_JwkClientManager` stands (`get_signing_key(jwks_uri, header)`), with
    a short timeout, negative caching and one fetch at a time per endpoint."""

    def __init__(self, timeout: float = FETCH_TIMEOUT_S, refetch_after: float = REFETCH_AFTER_S,
                 failure_ttl: float = FAILURE_TTL_S) -> None:
        self.timeout = timeout
        self.refetch_after = refetch_after
        self.failure_ttl = failure_ttl
        self._sets: dict[str, _KeySet] = {}
        self.fetches = 0  # outbound key-set requests made, for logs and tests

    async def get_signing_key(self, jwks_uri: str, header: dict[str, Any]) -> jwt.PyJWK:
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise jwt.InvalidTokenError("the token names no signing key")
        entry = self._sets.setdefault(jwks_uri, _KeySet())
        key = self._cached(entry, kid)
        if key is not None:
            return key
        async with entry.lock:  # one fetch per endpoint; those who waited see its result
            key = self._cached(entry, kid)
            if key is not None:
                return key
            await self._fetch(jwks_uri, entry)
        key = entry.keys.get(kid)
        if key is None:
            raise jwt.InvalidTokenError("unknown signing key")
        return key

    def _cached(self, entry: _KeySet, kid: str) -> jwt.PyJWK | None:
        now = time.monotonic()
        if kid in entry.keys:
            return entry.keys[kid]
        if now - entry.failed_at < self.failure_ttl:
            raise KeysUnavailable("the signing-key endpoint failed moments ago")
        if now - entry.fetched_at < self.refetch_after:
            raise jwt.InvalidTokenError("unknown signing key")  # the set is fresh: no refetch for it
        return None

    async def _fetch(self, jwks_uri: str, entry: _KeySet) -> None:
        client = jwt.PyJWKClient(jwks_uri, cache_jwk_set=False, timeout=self.timeout)
        self.fetches += 1
        try:
            key_set = await asyncio.wait_for(asyncio.to_thread(client.get_jwk_set), self.timeout + 1)
        except (jwt.PyJWKClientConnectionError, TimeoutError, OSError) as exc:
            entry.failed_at = time.monotonic()
            log.warning("could not fetch token signing keys from %s (%s); refusing tokens for %.0f s",
                        jwks_uri, type(exc).__name__, self.failure_ttl)
            raise KeysUnavailable(str(exc)) from None
        except jwt.PyJWKClientError as exc:  # the endpoint answered with no usable keys
            entry.failed_at = time.monotonic()
            log.warning("token signing keys from %s are unusable (%s)", jwks_uri, exc)
            raise KeysUnavailable(str(exc)) from None
        entry.keys = {k.key_id: k for k in key_set.keys if k.key_id}
        entry.fetched_at = time.monotonic()


class _Validator(JwtTokenValidator):
    def __init__(self, configuration: AgentAuthConfiguration, keys: SigningKeys) -> None:
        super().__init__(configuration)
        self._jwk_client_manager = keys  # type: ignore[assignment]  # same interface as the SDK's


def _bearer(header: str) -> str | None:
    parts = header.split()
    return parts[1] if len(parts) == 2 and parts[0].lower() == "bearer" else None


def _plausible(token: str) -> bool:
    """Only a token that could be Bot Framework's or Entra's is worth looking a key up for."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        return False
    return header.get("alg") == "RS256" and isinstance(header.get("kid"), str) and bool(header["kid"])


class TokenGate:
    """Validates the Authorization header of each request against one AgentAuthConfiguration."""

    keys: SigningKeys = SigningKeys()  # shared by every gate in the process, like the SDK's cache

    def __init__(self, config: AgentAuthConfiguration, max_concurrent: int = MAX_CONCURRENT) -> None:
        self.config = config
        self._slots = asyncio.Semaphore(max_concurrent)

    async def identify(self, request: web.Request) -> Any:
        """The request's ClaimsIdentity, or the web.Response refusing it."""
        header = request.headers.get("Authorization")
        validator = _Validator(self.config, self.keys)
        if not header:
            if self.config.ANONYMOUS_ALLOWED:
                return validator.get_anonymous_claims()
            return web.json_response({"error": "Authorization header not found"}, status=401)
        token = _bearer(header)
        if token is None or not _plausible(token):
            log.warning("refused a request: malformed or implausible bearer token")
            return web.json_response(REFUSED, status=401)
        try:
            await asyncio.wait_for(self._slots.acquire(), FETCH_TIMEOUT_S)
        except TimeoutError:
            log.warning("refused a request: %d token validations already running", MAX_CONCURRENT)
            return web.json_response(UNAVAILABLE, status=503, headers={"Retry-After": "5"})
        try:
            return await validator.validate_token(token)
        except KeysUnavailable:
            return web.json_response(UNAVAILABLE, status=503, headers={"Retry-After": str(int(FAILURE_TTL_S))})
        except Exception as exc:  # the SDK raises PyJWTError, ValueError, KeyError, TypeError, …: all 401
            log.warning("refused a request: token validation failed (%s)", type(exc).__name__)
            return web.json_response(REFUSED, status=401)
        finally:
            self._slots.release()


GATE = web.AppKey("careerfw_token_gate", TokenGate)


def authenticated(handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> Callable[..., Any]:
    """Route decorator: the handler runs only for an authenticated (or allowed anonymous) request,
    with the identity where the SDK's `start_agent_process` looks for it."""

    @functools.wraps(handler)
    async def wrapper(request: web.Request) -> web.StreamResponse:
        identity = await request.app[GATE].identify(request)
        if isinstance(identity, web.StreamResponse):
            return identity
        with warnings.catch_warnings():
            # The SDK's start_agent_process reads the identity from this plain string key.
            warnings.simplefilter("ignore", web.NotAppKeyWarning)
            request["claims_identity"] = identity
        return await handler(request)

    return wrapper
