"""Hostile content folders: what a writer to the content folder (or its mount) can make the parser and
the hot-reload watcher do. Every case must end quickly with a file:line problem, never read outside
the folder, block, or grow without bound."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from index.files import MAX_PAGE_BYTES, content_signature
from index.parse import load_content

PAGE = """---
title: Level 1
parent: Engineering Craft
grand_parent: Test Framework
{extra}---
# Engineer - Level 1
| Area | Description |
|:-----|:------------|
| Incident Response | {text} |
"""


def page(text: str = "I lead the response when production breaks.", extra: str = "") -> str:
    return PAGE.format(text=text, extra=extra)


def finishes(fn: Callable[[], Any], seconds: float = 20.0) -> Any:
    """fn's result, or a test failure if it has not returned in `seconds` (it runs on a daemon thread,
    so a hang fails the test instead of the whole run)."""
    result: list[Any] = []
    thread = threading.Thread(target=lambda: result.append(fn()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"{fn} did not return within {seconds} s"
    return result[0]


def problems(content: Any) -> list[str]:
    return [str(p) for p in content.problems]


def test_an_alias_in_front_matter_is_refused_with_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "level1.md").write_text(page(extra="nav: &n 1\nnav_order: *n\n"), "utf-8")
    content = load_content(tmp_path)
    assert "level1.md:6: front matter is not valid YAML: aliases (*n) are not allowed in front matter" in problems(
        content
    )
    assert content.errors


def test_a_yaml_alias_bomb_is_refused_at_once(tmp_path: Path) -> None:
    # Nine levels of nine aliases each: 387 million strings if expanded.
    lines = ['a0: &a0 "lol"'] + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    (tmp_path / "bomb.md").write_text(page(extra="\n".join(lines) + "\n"), "utf-8")
    content = finishes(lambda: load_content(tmp_path))
    assert any(p.startswith("bomb.md:") and "aliases (*a0) are not allowed" in p for p in problems(content))


def test_oversized_front_matter_is_refused(tmp_path: Path) -> None:
    (tmp_path / "big.md").write_text(page(extra="".join(f"k{i}: {'x' * 60}\n" for i in range(2000))), "utf-8")
    assert any(p.startswith("big.md:2: front matter is over") for p in problems(load_content(tmp_path)))


def test_a_link_to_a_page_outside_the_content_folder_is_not_read(tmp_path: Path) -> None:
    content_dir = tmp_path / "content"
    content_dir.mkdir()
    (content_dir / "level1.md").write_text(page(), "utf-8")
    secret = tmp_path / "private" / "salaries.md"
    secret.parent.mkdir()
    secret.write_text(page("SECRET salary bands for everyone"), "utf-8")
    (content_dir / "leak.md").symlink_to(secret)

    content = load_content(content_dir)
    assert "leak.md:1: is a link to a file outside the content folder; not read" in problems(content)
    assert not any("SECRET" in e.description for e in content.entries)
    assert any("production breaks" in e.description for e in content.entries)


def test_a_link_inside_the_content_folder_is_read_like_a_configmap_mount(tmp_path: Path) -> None:
    # Kubernetes mounts a ConfigMap as level1.md -> ..data/level1.md, ..data -> ..2026_01_01/.
    (tmp_path / "..2026_01_01").mkdir()
    (tmp_path / "..2026_01_01" / "level1.md").write_text(page(), "utf-8")
    (tmp_path / "..data").symlink_to("..2026_01_01")
    (tmp_path / "level1.md").symlink_to("..data/level1.md")
    content = load_content(tmp_path)
    assert not content.errors, problems(content)
    assert [e.area for e in content.entries] == ["Incident Response"]


def test_a_link_to_dev_zero_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "level1.md").write_text(page(), "utf-8")
    (tmp_path / "zero.md").symlink_to("/dev/zero")
    content = finishes(lambda: load_content(tmp_path))
    assert "zero.md:1: is a link to a file outside the content folder; not read" in problems(content)


def test_a_fifo_named_like_a_page_does_not_block(tmp_path: Path) -> None:
    (tmp_path / "level1.md").write_text(page(), "utf-8")
    os.mkfifo(tmp_path / "pipe.md")
    content = finishes(lambda: load_content(tmp_path))
    assert "pipe.md:1: is not a regular file (a device, FIFO or socket); not read" in problems(content)
    assert [e.area for e in content.entries] == ["Incident Response"]


def test_a_page_over_the_size_limit_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "level1.md").write_text(page(), "utf-8")
    (tmp_path / "huge.md").write_text(page("x " * (MAX_PAGE_BYTES // 2 + 10)), "utf-8")
    content = load_content(tmp_path)
    assert any(p.startswith("huge.md:1: is ") and "over the" in p for p in problems(content))
    assert [e.area for e in content.entries] == ["Incident Response"]


def test_directory_link_loops_end_the_parse_and_the_reload_scan(tmp_path: Path) -> None:
    (tmp_path / "eng").mkdir()
    (tmp_path / "eng" / "level1.md").write_text(page(), "utf-8")
    (tmp_path / "eng" / "loop").symlink_to("..")
    (tmp_path / "elsewhere").symlink_to("/")

    content = finishes(lambda: load_content(tmp_path))
    assert [e.area for e in content.entries] == ["Incident Response"]
    assert "eng/loop:1: is a link to a directory; not followed" in " ".join(problems(content))
    signature = finishes(lambda: content_signature(tmp_path), 10)
    assert "eng/level1.md" in {path for path, _, _ in signature}
    assert any(path == "eng/loop -> .." for path, _, _ in signature)


def test_the_reload_scan_sees_a_configmap_flip(tmp_path: Path) -> None:
    for version in ("..v1", "..v2"):
        (tmp_path / version).mkdir()
        (tmp_path / version / "level1.md").write_text(page(version), "utf-8")
    (tmp_path / "..data").symlink_to("..v1")
    (tmp_path / "level1.md").symlink_to("..data/level1.md")
    before = content_signature(tmp_path)
    (tmp_path / "..data").unlink()
    (tmp_path / "..data").symlink_to("..v2")
    assert content_signature(tmp_path) != before


def test_a_dangling_link_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "level1.md").write_text(page(), "utf-8")
    (tmp_path / "dangling.md").symlink_to(tmp_path / "missing.md")
    assert any(p.startswith("dangling.md:1: cannot be read") for p in problems(load_content(tmp_path)))
