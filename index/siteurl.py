"""Where the framework is published, read from the content itself, so citations are links by default.

Without a site address a citation is a file path (`backend/level3.md:20`) nobody can click. A Jekyll
site already says where it lives: `url` and `baseurl` in its `_config.yml`, which sits in the content
folder or, when the pages are a folder of the site, in its parent. A folder that is not a Jekyll site
can say so in `careerfw.yaml` (`site_url: https://…`). CAREERFW_SITE_URL, when set, wins over both
(bot/config.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index.problem import Problem
from index.settingsfile import SETTINGS_FILE, load_settings

JEKYLL_CONFIG = "_config.yml"


@dataclass(frozen=True)
class SiteAddress:
    url: str | None  # absolute http(s) address the permalinks hang under, or None
    source: str | None = None  # the file it came from, for `check` to say
    problem: Problem | None = None  # why careerfw.yaml, which is there, gives no address


def site_address(content_dir: Path) -> SiteAddress:
    """The site address the content declares, looking at careerfw.yaml, then _config.yml in the content
    folder, then _config.yml in its parent."""
    content_dir = Path(content_dir)
    own = _read(content_dir / SETTINGS_FILE, content_dir)
    if isinstance(own, Problem):
        return SiteAddress(None, SETTINGS_FILE, own)
    if own is not None and own.get("site_url") is not None:
        url = _absolute(own.get("site_url"))
        if url is None:
            reason = f"site_url {own.get('site_url')!r} is not an http:// or https:// address"
            return SiteAddress(None, SETTINGS_FILE, Problem(SETTINGS_FILE, 1, reason))
        return SiteAddress(url, SETTINGS_FILE)
    for folder in (content_dir, content_dir.resolve().parent):
        config = _read(folder / JEKYLL_CONFIG, folder)
        if config is None or isinstance(config, Problem):
            continue  # a Jekyll config the bot cannot read is Jekyll's business, not a content problem
        url = _absolute(config.get("url"))
        if url is not None:
            base = str(config.get("baseurl") or "").strip().strip("/")
            where = JEKYLL_CONFIG if folder == content_dir else f"../{JEKYLL_CONFIG}"
            return SiteAddress(f"{url}/{base}" if base else url, where)
    return SiteAddress(None)


def _read(path: Path, root: Path) -> dict[str, Any] | Problem | None:
    """The YAML mapping in `path`; None when there is no such file; a Problem when it cannot be read."""
    settings = load_settings(path, root)
    if settings is None:
        return None
    return settings.problem or settings.data


def _absolute(value: Any) -> str | None:
    url = str(value or "").strip().rstrip("/")
    return url if url.startswith(("http://", "https://")) and len(url) > len("https://") else None
