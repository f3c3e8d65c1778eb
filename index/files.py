"""Which files under a content folder are framework pages, and reading them without trusting them.

The content folder may be a git checkout, a mounted ConfigMap or a shared drive that someone else can
write to, and a hot reload reads it while the bot serves. So a page is read only when it is a regular
file whose real path is inside the folder (a symlink may point elsewhere in the folder, as a
ConfigMap's `..data` links do, never outside it), never larger than MAX_PAGE_BYTES, and directory
links are never followed (a link back to a parent would make the walk endless).
"""

from __future__ import annotations

import codecs
import os
import stat
from collections.abc import Iterator
from pathlib import Path

# The largest real framework page is tens of kilobytes; this leaves room for a generous one.
MAX_PAGE_BYTES = 2 * 1024 * 1024


class UnsafePage(ValueError):
    """A *.md that is not read; the message says why, for a file:line problem."""


class NotText(ValueError):
    """A content file that is not UTF-8 text: the line of its first byte that is not, and that byte. Its message
    is the one every content file's problem says (a page, owners.yaml, careerfw.yaml)."""

    def __init__(self, line: int, byte: int) -> None:
        super().__init__(f"not UTF-8 text (byte 0x{byte:02x}); save the file as UTF-8")
        self.line = line
        self.byte = byte


def text_of(raw: bytes) -> str:
    """A content file's bytes (a page, owners.yaml, careerfw.yaml) as text: UTF-8, a byte-order mark dropped.
    NotText when they are not, counted in the bytes after the mark, where the decoder counts; its line counted
    as the page's text and YAML count lines, a lone CR ending one too (`bytes.splitlines`)."""
    body = raw.removeprefix(codecs.BOM_UTF8)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NotText(len(body[: exc.start + 1].splitlines()), body[exc.start]) from None


def page_paths(root: Path) -> Iterator[Path]:
    """Every *.md under `root`, sorted, outside dot-directories, without following directory links."""
    for folder, _dirs, files in _walk(root):
        for name in sorted(files):
            if name.endswith(".md") and not name.startswith("."):
                yield Path(folder) / name


def directory_links(root: Path) -> Iterator[Path]:
    """Links to directories under `root` (outside dot-directories): listed, never followed."""
    for folder, dirs, _files in _walk(root):
        for name in dirs:
            if (Path(folder) / name).is_symlink():
                yield Path(folder) / name


def _walk(root: Path) -> Iterator[tuple[str, list[str], list[str]]]:
    for folder, dirs, files in os.walk(root, followlinks=False):
        # os.walk lists a link to a directory among `dirs` but, with followlinks=False, never enters it.
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        yield folder, dirs, files


def read_page(path: Path, root: Path) -> bytes:
    """The bytes of the page at `path`, or UnsafePage saying why it is refused."""
    real_root = root.resolve()
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError) as exc:  # a dangling link, or a link loop
        raise UnsafePage(f"cannot be read ({_reason(exc)}); skipped") from None
    if not real.is_relative_to(real_root):
        raise UnsafePage("is a link to a file outside the content folder; not read")
    try:
        # O_NONBLOCK: opening a FIFO that appeared after the check must not wait for a writer.
        fd = os.open(real, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        raise UnsafePage(f"cannot be read ({_reason(exc)})") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise UnsafePage("is not a regular file (a device, FIFO or socket); not read")
        if info.st_size > MAX_PAGE_BYTES:
            raise UnsafePage(f"is {info.st_size:,} bytes, over the {MAX_PAGE_BYTES:,}-byte limit for a page; not read")
        data = handle.read(MAX_PAGE_BYTES + 1)
    if len(data) > MAX_PAGE_BYTES:  # grew while being read
        raise UnsafePage(f"is over the {MAX_PAGE_BYTES:,}-byte limit for a page; not read")
    return data


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


def content_signature(root: Path) -> tuple[tuple[str, int, int], ...]:
    """Cheap change detector for hot reload: every file's path, size and mtime, plus where each
    directory link points. Links to files are followed for their size and mtime and links to
    directories are not descended into, so a ConfigMap-style `..data` flip shows up as a changed
    link target and a link loop cannot make the scan endless."""
    found: list[tuple[str, int, int]] = []
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".git"))
        for name in dirs:
            path = Path(folder) / name
            if path.is_symlink():
                try:
                    target = os.readlink(path)
                except OSError:
                    continue
                found.append((f"{path.relative_to(root)} -> {target}", 0, 0))
        for name in sorted(files):
            path = Path(folder) / name
            try:
                st = path.stat()
            except OSError:  # removed between the listing and the stat, or a dangling link
                continue
            found.append((str(path.relative_to(root)), st.st_size, st.st_mtime_ns))
    return tuple(found)
