"""All configuration, read once from the environment into one typed object.

Nothing else in the project reads os.environ for settings; front ends receive a Settings.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from index import BACKENDS

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONTENT = REPO_ROOT / "content"
DEFAULT_NUDGE_CRON = "0 9 * * mon"
DEFAULT_SLACK_API_URL = "https://slack.com/api/"
_TEAMS_SDK_PREFIXES = ("CONNECTIONS__", "CONNECTIONSMAP__", "AGENTAPPLICATION__")
DEFAULT_PORT = 3000
MODES = ("socket", "http")
POSTGRES_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")  # all served by psycopg 3


class ConfigError(ValueError):
    """A setting is missing or malformed; the message names the variable."""


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name}={raw!r} is not a yes/no value (use 1 or 0)")


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a whole number") from None


def _days(env: Mapping[str, str], name: str, default: int) -> int:
    days = _int(env, name, default)
    if days < 0:
        raise ConfigError(f"{name}={days} is negative (a number of days; 0 keeps everything)")
    return days


def _at_least(env: Mapping[str, str], name: str, default: int, smallest: int) -> int:
    value = _int(env, name, default)
    if value < smallest:
        raise ConfigError(f"{name}={value} is below {smallest}")
    return value


def _path(env: Mapping[str, str], name: str) -> Path | None:
    raw = (env.get(name) or "").strip()
    return Path(raw).expanduser() if raw else None


def _str(env: Mapping[str, str], name: str) -> str | None:
    raw = (env.get(name) or "").strip()
    return raw or None


def _choice(env: Mapping[str, str], name: str, choices: tuple[str, ...]) -> str | None:
    raw = _str(env, name)
    if raw is None:
        return None
    if raw.lower() not in choices:
        raise ConfigError(f"{name}={raw!r} is not one of: {', '.join(choices)}")
    return raw.lower()


def _database_url(env: Mapping[str, str], name: str) -> str | None:
    """A PostgreSQL URL, checked here so a typo stops the start with a line naming the variable (its
    password masked); unset keeps the SQLite file at CAREERFW_STATE_DB."""
    raw = _str(env, name)
    if raw is None:
        return None
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(raw)
    except ArgumentError:
        raise ConfigError(f"{name} is not a database URL (expected postgresql://user:password@host:port/db)") from None
    if url.drivername not in POSTGRES_SCHEMES:
        shown = url.render_as_string(hide_password=True)
        raise ConfigError(
            f"{name}={shown} is not a PostgreSQL URL (postgresql://user:password@host:port/db); "
            "leave it unset for the SQLite file at CAREERFW_STATE_DB"
        )
    return raw


def default_state_db() -> Path:
    base = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
    return base / "careerfw" / "state.db"


@dataclass(frozen=True)
class Settings:
    content_dir: Path = DEFAULT_CONTENT
    index_dir: Path | None = None  # None: a per-content cache directory
    model: str | None = None  # None: the packaged all-MiniLM-L6-v2
    # torch, onnx or onnx-int8; None: the fastest ONNX export whose parity check passed, else torch.
    model_backend: str | None = None
    state_db: Path = field(default_factory=default_state_db)
    # Shared state (bot/store): None keeps it in the SQLite file `state_db`; a postgresql:// URL puts
    # it in PostgreSQL, which several replicas can share.
    database_url: str | None = None
    # Questions and votes older than this many days are deleted automatically (0 keeps them forever).
    retention_days: int = 90
    # The owners' report shows question texts only for groups asked by at least this many people.
    report_min_group: int = 3
    site_url: str | None = None
    tz: str = "UTC"

    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str = DEFAULT_SLACK_API_URL
    slack_retry_seconds: int = 120  # keep retrying an answer Slack refused (5xx, down) this long

    nudge_channel: str | None = None
    nudge_cron: str = DEFAULT_NUDGE_CRON
    scheduler_enabled: bool = True
    rate_limit_per_minute: int = 10

    # The container's switch: `careerfw run` serves Slack in this mode (socket or http) and never
    # falls back to the terminal chat; None keeps `make run`'s behaviour.
    mode: str | None = None
    port: int = DEFAULT_PORT  # HTTP mode: Slack events and /healthz; Socket Mode: /healthz only
    reload_seconds: int = 0  # poll the content folder and hot-reload on change; 0: SIGHUP only

    teams_allow_anonymous: bool = False
    # Connector hosts trusted beyond Bot Framework's own (bot/teams/trust.py), e.g. a sovereign cloud's.
    teams_service_hosts: tuple[str, ...] = ()
    teams_client_id: str | None = None
    teams_client_secret: str | None = None
    teams_tenant_id: str | None = None
    # The Agents SDK's own settings (CONNECTIONS__…, CONNECTIONSMAP__…, AGENTAPPLICATION__…), passed
    # through untouched to its load_configuration_from_env; a tuple so Settings stays hashable.
    teams_sdk_env: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        api_url = _str(env, "SLACK_API_URL") or DEFAULT_SLACK_API_URL
        if not api_url.endswith("/"):
            api_url += "/"  # slack_sdk joins method names onto the base URL
        return cls(
            content_dir=_path(env, "CAREERFW_CONTENT") or DEFAULT_CONTENT,
            index_dir=_path(env, "CAREERFW_INDEX"),
            model=_str(env, "CAREERFW_MODEL"),
            model_backend=_choice(env, "CAREERFW_MODEL_BACKEND", BACKENDS),
            state_db=_path(env, "CAREERFW_STATE_DB") or default_state_db(),
            database_url=_database_url(env, "CAREERFW_DATABASE_URL"),
            retention_days=_days(env, "CAREERFW_RETENTION_DAYS", 90),
            report_min_group=_at_least(env, "CAREERFW_REPORT_MIN_GROUP", 3, 1),
            site_url=_str(env, "CAREERFW_SITE_URL"),
            tz=_str(env, "CAREERFW_TZ") or "UTC",
            slack_bot_token=_str(env, "SLACK_BOT_TOKEN"),
            slack_signing_secret=_str(env, "SLACK_SIGNING_SECRET"),
            slack_app_token=_str(env, "SLACK_APP_TOKEN"),
            slack_api_url=api_url,
            slack_retry_seconds=_int(env, "CAREERFW_SLACK_RETRY_SECONDS", 120),
            nudge_channel=_str(env, "CAREERFW_NUDGE_CHANNEL"),
            nudge_cron=_str(env, "CAREERFW_NUDGE_CRON") or DEFAULT_NUDGE_CRON,
            scheduler_enabled=_flag(env, "CAREERFW_SCHEDULER", True),
            rate_limit_per_minute=_int(env, "CAREERFW_RATE_LIMIT", 10),
            mode=_choice(env, "CAREERFW_MODE", MODES),
            port=_int(env, "CAREERFW_PORT", DEFAULT_PORT),
            reload_seconds=_int(env, "CAREERFW_RELOAD_SECONDS", 0),
            teams_allow_anonymous=_flag(env, "CAREERFW_TEAMS_ALLOW_ANONYMOUS", False),
            teams_service_hosts=tuple(
                h.strip() for h in (_str(env, "CAREERFW_TEAMS_SERVICE_HOSTS") or "").split(",") if h.strip()
            ),
            # The SDK's standard names first; the short and Bot Framework names are accepted too.
            teams_client_id=_str(env, "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID")
            or _str(env, "CLIENT_ID")
            or _str(env, "MicrosoftAppId"),
            teams_client_secret=_str(env, "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTSECRET")
            or _str(env, "CLIENT_SECRET")
            or _str(env, "MicrosoftAppPassword"),
            teams_tenant_id=_str(env, "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__TENANTID")
            or _str(env, "TENANT_ID")
            or _str(env, "MicrosoftAppTenantId"),
            teams_sdk_env=tuple(
                sorted((k, v) for k, v in env.items() if k.startswith(_TEAMS_SDK_PREFIXES) and v.strip())
            ),
        )

    def with_content_site_url(self) -> Settings:
        """CAREERFW_SITE_URL, else the address the content declares (careerfw.yaml, Jekyll's _config.yml;
        index/siteurl.py), so citations are links without anyone having to set it."""
        if self.site_url:
            return self
        from index import site_address

        return replace(self, site_url=site_address(self.content_dir).url)

    def with_overrides(self, **changes: object) -> Settings:
        """A copy with command-line flags applied (None leaves a setting as it is)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})
