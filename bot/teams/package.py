"""`careerfw teams-package`: the zip a Teams admin uploads (manifest.json + two icons).

`appPackage/manifest.json` is a template with `${{BOT_ID}}` (the bot's Entra app / client id, which
is also used as the Teams app id) and `${{SITE_URL}}` (CAREERFW_SITE_URL, for the developer links).
The bot's commands (Teams shows them as prompt starters) are the template's `help` and `todo` plus
questions made from the framework in CAREERFW_CONTENT (bot/prompts.py), so they name its real
levels and areas. The build substitutes them, checks the result the way Teams' upload check would (valid JSON, ids are
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
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.config import REPO_ROOT, Settings
from bot.prompts import prompt_starters
from bot.teams.icons import COLOR_SIZE, OUTLINE_SIZE, png_info
from index import Entry, load_content

PACKAGE_DIR = REPO_ROOT / "appPackage"
MANIFEST_VERSION = "1.22"
SCHEMA_URL = f"https://developer.microsoft.com/json-schemas/teams/v{MANIFEST_VERSION}/MicrosoftTeams.schema.json"
PLACEHOLDER_SITE = "https://www.example.com/careerfw"
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_PLACEHOLDER = re.compile(r"\$\{\{[A-Z_]+\}\}")
# Limits from the manifest schema that Teams enforces on upload.
_LIMITS = {("name", "short"): 30, ("name", "full"): 100, ("description", "short"): 80,
           ("description", "full"): 4000}
MAX_COMMANDS = 10
COMMAND_TITLE_LIMIT = 32
COMMAND_DESCRIPTION_LIMIT = 128


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
            if len(titles) > MAX_COMMANDS:
                problems.append(f"a command list may hold at most {MAX_COMMANDS} commands")
            if len(set(titles)) != len(titles):
                problems.append("command titles must be unique within a command list")
            for command in command_list.get("commands", []):
                if (not 0 < len(command.get("title", "")) <= COMMAND_TITLE_LIMIT
                        or not 0 < len(command.get("description", "")) <= COMMAND_DESCRIPTION_LIMIT):
                    problems.append(f"command {command.get('title')!r}: title 1-{COMMAND_TITLE_LIMIT} and "
                                    f"description 1-{COMMAND_DESCRIPTION_LIMIT} characters")
    return problems


def add_content_commands(manifest: dict[str, Any], entries: Sequence[Entry]) -> None:
    """After the template's own commands, questions about this framework, up to Teams' ten per list."""
    for bot in manifest.get("bots") or []:
        for command_list in bot.get("commandLists") or []:
            commands = command_list.setdefault("commands", [])
            room = MAX_COMMANDS - len(commands)
            taken = {c.get("title") for c in commands}
            for starter in prompt_starters(entries, limit=MAX_COMMANDS, title_limit=COMMAND_TITLE_LIMIT):
                if room <= 0:
                    break
                if starter.title in taken:
                    continue
                description = starter.message
                if len(description) > COMMAND_DESCRIPTION_LIMIT:
                    description = description[: COMMAND_DESCRIPTION_LIMIT - 1] + "…"
                commands.append({"title": starter.title, "description": description})
                taken.add(starter.title)
                room -= 1


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


def build_package(out: Path, bot_id: str, site_url: str | None, source: Path = PACKAGE_DIR,
                  entries: Sequence[Entry] = ()) -> dict[str, Any]:
    """Write the zip to `out` and return the manifest in it; PackageError lists every problem.
    `entries` (the loaded framework) add its questions to the bot's commands."""
    if not _GUID.match(bot_id):
        raise PackageError(f"the bot id {bot_id!r} is not a GUID (the Azure Bot's Microsoft App ID)")
    try:
        template = (source / "manifest.json").read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PackageError(f"{source / 'manifest.json'}: missing") from None
    manifest = render_manifest(template, bot_id, (site_url or PLACEHOLDER_SITE).rstrip("/"))
    add_content_commands(manifest, entries)
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
    content = load_content(settings.content_dir)
    entries = [e for e in content.entries if e.kind == "level"]
    if not entries:
        problem = next((str(p) for p in content.problems if p.severity == "error"), "no framework entries")
        print(f"careerfw: {settings.content_dir}: {problem}; the package's commands are only help and todo "
              f"(check the content with `careerfw check`)", file=sys.stderr)
    try:
        manifest = build_package(args.out, bot_id, site, entries=entries)
    except PackageError as exc:
        print(f"careerfw: the Teams package was not built:\n{exc}", file=sys.stderr)
        return 1
    commands = dict.fromkeys(c.get("title") for b in manifest.get("bots", []) for cl in b.get("commandLists", [])
                             for c in cl.get("commands", []))
    print(f"{args.out}: manifest {manifest['manifestVersion']} for bot {bot_id}, icons {COLOR_SIZE}px and "
          f"{OUTLINE_SIZE}px, commands from {settings.content_dir}: {', '.join(commands)}. "
          f"Upload it in Teams: Apps > Manage your apps > Upload an app.")
    return 0
