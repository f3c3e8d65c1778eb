"""`careerfw teams-package`: the zip a Teams admin uploads (manifest.json + two icons).

`appPackage/manifest.json` is a template with `${{BOT_ID}}` (the bot's Entra app / client id, which
is also used as the Teams app id) and `${{SITE_URL}}` (CAREERFW_SITE_URL, for the developer links).
The build substitutes them, checks the result the way Teams' upload check would (valid JSON, ids are
GUIDs, no placeholder left, the schema's length limits, icon files and sizes) and writes the zip
atomically, so a failed build never leaves a half-written package behind.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from bot.config import REPO_ROOT, Settings
from bot.teams.icons import COLOR_SIZE, OUTLINE_SIZE, png_info

PACKAGE_DIR = REPO_ROOT / "appPackage"
MANIFEST_VERSION = "1.22"
SCHEMA_URL = f"https://developer.microsoft.com/json-schemas/teams/v{MANIFEST_VERSION}/MicrosoftTeams.schema.json"
PLACEHOLDER_SITE = "https://www.example.com/careerfw"
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_PLACEHOLDER = re.compile(r"\$\{\{[A-Z_]+\}\}")
# Limits from the manifest schema that Teams enforces on upload.
_LIMITS = {("name", "short"): 30, ("name", "full"): 100, ("description", "short"): 80,
           ("description", "full"): 4000}


class PackageError(ValueError):
    """The manifest or icons would be rejected by Teams; the message says which and why."""


def render_manifest(template: str, bot_id: str, site_url: str) -> dict[str, Any]:
    values = {"BOT_ID": bot_id, "SITE_URL": site_url}
    # Substitute inside JSON strings with JSON escaping, so a value can never break the document.
    text = _PLACEHOLDER.sub(lambda m: json.dumps(values.get(m.group(0)[3:-2], m.group(0)))[1:-1], template)
    try:
        manifest = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PackageError(f"manifest.json:{exc.lineno}: not valid JSON ({exc.msg})") from None
    if not isinstance(manifest, dict):
        raise PackageError("manifest.json: must be a JSON object")
    return manifest


def check_manifest(manifest: dict[str, Any], bot_id: str) -> list[str]:
    """Every problem Teams' upload check would report for this manifest (empty: fine)."""
    problems: list[str] = []
    leftover = sorted(set(_PLACEHOLDER.findall(json.dumps(manifest))))
    if leftover:
        problems.append(f"placeholders not substituted: {', '.join(leftover)}")
    if manifest.get("manifestVersion") != MANIFEST_VERSION or manifest.get("$schema") != SCHEMA_URL:
        problems.append(f"manifestVersion/$schema must be {MANIFEST_VERSION} ({SCHEMA_URL})")
    for key in ("version", "id", "developer", "name", "description", "icons", "accentColor", "bots"):
        if key not in manifest:
            problems.append(f"missing required field {key!r}")
    if not _GUID.match(str(manifest.get("id", ""))):
        problems.append(f"id {manifest.get('id')!r} is not a GUID")
    for (outer, inner), limit in _LIMITS.items():
        value = (manifest.get(outer) or {}).get(inner)
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{outer}.{inner} is missing")
        elif len(value) > limit:
            problems.append(f"{outer}.{inner} is {len(value)} characters; Teams allows {limit}")
    for key in ("websiteUrl", "privacyUrl", "termsOfUseUrl"):
        url = (manifest.get("developer") or {}).get(key)
        if not isinstance(url, str) or not url.startswith("https://"):
            problems.append(f"developer.{key} must be an https:// URL, not {url!r}")
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", str(manifest.get("accentColor", ""))):
        problems.append("accentColor must be a #RRGGBB colour")
    bots = manifest.get("bots") or []
    if len(bots) != 1:
        problems.append("exactly one bot is expected in bots")
    for bot in bots:
        if bot.get("botId") != bot_id:
            problems.append(f"bots[].botId is {bot.get('botId')!r}, expected the bot's client id {bot_id}")
        if set(bot.get("scopes", [])) != {"personal", "team", "groupChat"}:
            problems.append("bots[].scopes must be personal, team and groupChat")
        for command_list in bot.get("commandLists", []):
            titles = [c.get("title") for c in command_list.get("commands", [])]
            if len(titles) > 10:
                problems.append("a command list may hold at most 10 commands")
            for command in command_list.get("commands", []):
                if not 0 < len(command.get("title", "")) <= 32 or not 0 < len(command.get("description", "")) <= 128:
                    problems.append(f"command {command.get('title')!r}: title 1-32 and description 1-128 characters")
    return problems


def check_icon(path: Path, size: int, need_alpha: bool) -> list[str]:
    try:
        width, height, alpha = png_info(path.read_bytes())
    except FileNotFoundError:
        return [f"{path}: missing (regenerate with `python -m bot.teams.icons`)"]
    except ValueError as exc:
        return [f"{path}: {exc}"]
    problems = []
    if (width, height) != (size, size):
        problems.append(f"{path}: {width}x{height} pixels; Teams needs {size}x{size}")
    if need_alpha and not alpha:
        problems.append(f"{path}: the outline icon needs a transparent background (an alpha channel)")
    return problems


def build_package(out: Path, bot_id: str, site_url: str | None, source: Path = PACKAGE_DIR) -> dict[str, Any]:
    """Write the zip to `out` and return the manifest in it; PackageError lists every problem."""
    if not _GUID.match(bot_id):
        raise PackageError(f"the bot id {bot_id!r} is not a GUID (the Azure Bot's Microsoft App ID)")
    try:
        template = (source / "manifest.json").read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PackageError(f"{source / 'manifest.json'}: missing") from None
    manifest = render_manifest(template, bot_id, (site_url or PLACEHOLDER_SITE).rstrip("/"))
    icons = manifest.get("icons") or {}
    color, outline = source / str(icons.get("color", "")), source / str(icons.get("outline", ""))
    problems = check_manifest(manifest, bot_id)
    problems += check_icon(color, COLOR_SIZE, need_alpha=False) + check_icon(outline, OUTLINE_SIZE, need_alpha=True)
    if problems:
        raise PackageError("\n".join(f"{source / 'manifest.json'}: {p}" if not p.startswith(str(source)) else p
                                     for p in problems))
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".careerfw-", suffix=".zip", dir=out.parent)
    try:
        with os.fdopen(fd, "wb") as handle, zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
            zf.write(color, color.name)
            zf.write(outline, outline.name)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return manifest


def package_command(args: argparse.Namespace, settings: Settings) -> int:
    bot_id = settings.teams_client_id
    if not bot_id:
        print(
            "careerfw: the package needs the bot's id: set CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID "
            "to the Azure Bot's Microsoft App ID (see docs/teams.md)",
            file=sys.stderr,
        )
        return 1
    if not settings.site_url or not settings.site_url.startswith("https://"):
        print(
            f"careerfw: CAREERFW_SITE_URL is not an https:// URL, so the developer links in the manifest are "
            f"{PLACEHOLDER_SITE}; set it to your framework site before publishing beyond your own tenant",
            file=sys.stderr,
        )
    site = settings.site_url if settings.site_url and settings.site_url.startswith("https://") else None
    try:
        manifest = build_package(args.out, bot_id, site)
    except PackageError as exc:
        print(f"careerfw: the Teams package was not built:\n{exc}", file=sys.stderr)
        return 1
    print(f"{args.out}: manifest {manifest['manifestVersion']} for bot {bot_id}, icons {COLOR_SIZE}px and "
          f"{OUTLINE_SIZE}px. Upload it in Teams: Apps > Manage your apps > Upload an app.")
    return 0
