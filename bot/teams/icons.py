"""The Teams app icons, drawn in code so they can be regenerated (`python -m bot.teams.icons`).

Teams wants a 192x192 full-colour icon and a 32x32 outline icon that is white on a transparent
background. Both are written as 8-bit RGBA PNGs with nothing but the standard library, and
`png_info` reads back what the package check needs (size and whether there is an alpha channel).
"""

from __future__ import annotations

import math
import struct
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

from bot.config import REPO_ROOT

COLOR_SIZE = 192
OUTLINE_SIZE = 32
ACCENT = (0x2F, 0x5D, 0xA8)  # also the manifest's accentColor
WHITE = (255, 255, 255)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

Pixel = tuple[int, int, int, int]


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png(size: int, pixel: Callable[[float, float], Pixel]) -> bytes:
    """A size x size RGBA PNG; `pixel(x, y)` gets coordinates in 0..1 (pixel centres)."""
    rows = bytearray()
    for y in range(size):
        rows.append(0)  # filter type: none
        for x in range(size):
            rows.extend(pixel((x + 0.5) / size, (y + 0.5) / size))
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    image = zlib.compress(bytes(rows), 9)
    return PNG_SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", image) + _chunk(b"IEND", b"")


def png_info(data: bytes) -> tuple[int, int, bool]:
    """(width, height, has_alpha) of a PNG; ValueError if it is not one."""
    if not data.startswith(PNG_SIGNATURE) or data[12:16] != b"IHDR":
        raise ValueError("not a PNG file")
    width, height, _depth, color_type = struct.unpack(">IIBB", data[16:26])
    return width, height, color_type in (4, 6)


def _segment_distance(x: float, y: float, a: tuple[float, float], b: tuple[float, float]) -> float:
    ax, ay = a
    bx, by = b
    t = max(0.0, min(1.0, ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)))
    return math.hypot(x - (ax + t * (bx - ax)), y - (ay + t * (by - ay)))


def _mark(x: float, y: float, scale: float) -> bool:
    """The careerfw mark: a closing quotation mark (it quotes the framework, never invents)."""
    for cx in (0.36, 0.64):
        cy = 0.42
        if math.hypot(x - cx, y - cy) <= 0.1 * scale:
            return True
        if _segment_distance(x, y, (cx + 0.07 * scale, cy), (cx - 0.06 * scale, cy + 0.24 * scale)) <= 0.045 * scale:
            return True
    return False


def color_icon() -> bytes:
    def pixel(x: float, y: float) -> Pixel:
        if _mark(x, y, 1.0):
            return (*WHITE, 255)
        return (*ACCENT, 255)

    return png(COLOR_SIZE, pixel)


def outline_icon() -> bytes:
    def pixel(x: float, y: float) -> Pixel:
        return (*WHITE, 255) if _mark(x, y, 1.25) else (0, 0, 0, 0)

    return png(OUTLINE_SIZE, pixel)


def write_icons(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in (("color.png", color_icon()), ("outline.png", outline_icon())):
        path = folder / name
        path.write_bytes(data)
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_icons(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO_ROOT / "appPackage"):
        print(path)
