"""Reading the content folder (index/files.py; docs/security.md): pages are the *.md outside dot-folders,
a link to a directory is listed but never followed, a link out of the folder is refused with a reason,
and hot reload's signature changes when a page or a directory link changes. (Hostile folders end to end
are in test_hostile_content.py.)"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from index.files import UnsafePage, content_signature, directory_links, page_paths, read_page


def _folder(root: Path) -> Path:
    content = root / "content"
    (content / "engineering").mkdir(parents=True)
    (content / ".git").mkdir()
    (content / "index.md").write_text("# Acme\n")
    (content / "engineering" / "level1.md").write_text("# Level 1\n")
    (content / ".git" / "HEAD.md").write_text("not a page\n")
    (content / ".draft.md").write_text("hidden\n")
    (content / "notes.txt").write_text("not a page\n")
    return content


def test_pages_are_the_markdown_files_outside_dot_folders_in_order(tmp_path: Path) -> None:
    content = _folder(tmp_path)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "secret.md").write_text("# Secret\n")
    os.symlink(outside, content / "linked")
    assert [p.relative_to(content).as_posix() for p in page_paths(content)] == ["index.md", "engineering/level1.md"]
    assert list(directory_links(content)) == [content / "linked"]


def test_a_link_to_a_file_outside_the_folder_is_refused_with_the_reason(tmp_path: Path) -> None:
    content = _folder(tmp_path)
    (tmp_path / "passwd.md").write_text("root\n")
    os.symlink(tmp_path / "passwd.md", content / "leak.md")
    assert read_page(content / "index.md", content) == b"# Acme\n"
    with pytest.raises(UnsafePage, match="outside the content folder"):
        read_page(content / "leak.md", content)


def test_the_reload_signature_sees_a_changed_page_and_a_flipped_link_not_git(tmp_path: Path) -> None:
    content = _folder(tmp_path)
    (tmp_path / "v1").mkdir()
    (tmp_path / "v2").mkdir()
    os.symlink(tmp_path / "v1", content / "..data")
    before = content_signature(content)
    (content / ".git" / "HEAD.md").write_text("a git operation\n")
    assert content_signature(content) == before
    (content / "engineering" / "level1.md").write_text("# Level 1\n\nMore.\n")
    changed = content_signature(content)
    assert changed != before
    (content / "..data").unlink()
    os.symlink(tmp_path / "v2", content / "..data")
    assert content_signature(content) != changed
