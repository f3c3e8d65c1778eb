"""Headless Chromium from Debian's package (`make test` installs it when missing, like PostgreSQL),
for looking at a page as a person would: a screenshot, and the DOM after parsing.

Without the browser the caller skips, except under CI=true, where `make test` has installed it and a
skip would hide a broken setup. Every run gets a fresh profile and the flags that keep Chromium off
the network (no background requests, no component updates, no sync), as this machine has none.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars")


def chromium() -> str:
    """The browser's path; skips the test without it (fails it under CI=true)."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        reason = "Chromium not found: apt-get install chromium, or run `make test`"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (CI=true: this test must run)")
        pytest.skip(reason)
    return found


def _run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory(prefix="careerfw-chromium-") as profile:
        return subprocess.run([chromium(), *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True,
                              text=True, timeout=timeout, check=True, env={**os.environ, "LC_ALL": "C.UTF-8"})


def screenshot(page: Path, out: Path, width: int = 800, height: int = 1800) -> Path:
    _run(f"--window-size={width},{height}", f"--screenshot={out}", page.resolve().as_uri())
    return out


def dump_dom(page: Path) -> str:
    return _run("--dump-dom", page.resolve().as_uri()).stdout


@dataclass(frozen=True)
class Image:
    width: int
    height: int
    pixels: list[list[tuple[int, int, int]]]  # rows of RGB

    def count(self, rgb: tuple[int, int, int], rows: range | None = None) -> int:
        chosen = self.pixels if rows is None else self.pixels[rows.start:rows.stop]
        return sum(row.count(rgb) for row in chosen)

    def rows_with(self, rgb: tuple[int, int, int]) -> list[int]:
        return [y for y, row in enumerate(self.pixels) if rgb in row]


def read_png(path: Path) -> Image:
    """An 8-bit RGB or RGBA PNG (what Chromium writes), decoded with zlib alone."""
    data = path.read_bytes()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path} is not a PNG")
    pos, idat, header = 8, b"", b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
    width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", header)
    if depth != 8 or color not in (2, 6) or interlace:
        raise ValueError(f"{path}: only 8-bit non-interlaced RGB/RGBA is read here (got {depth}, {color})")
    channels = 3 if color == 2 else 4
    stride = width * channels
    raw = zlib.decompress(idat)
    rows: list[list[tuple[int, int, int]]] = []
    previous = bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = previous[i]
            c = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + a) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + b) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        rows.append([tuple(line[x:x + 3]) for x in range(0, stride, channels)])  # type: ignore[misc]
        previous = line
    return Image(width, height, rows)
