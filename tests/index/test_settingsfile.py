"""careerfw.yaml read once into a typed value (index/settingsfile.py, docs/content.md): its nodes with their
lines for the glossary, its key: value pairs for the site address, and a bad file named with file and line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from index.settingsfile import (
    SETTINGS_FILE,
    MappingNode,
    ScalarNode,
    SequenceNode,
    load_settings,
    parse_settings,
)

GLOSSARY = """\
site_url: https://handbook.example.com
titles:
  Staff: [IC6, IC7]
synonyms:
  comms: Communication
redirects:
  -
"""


def test_each_node_has_its_line_and_its_text_as_written() -> None:
    settings = parse_settings(GLOSSARY)
    root = settings.root
    assert isinstance(root, MappingNode)
    keys = [k.value for k, _ in root.pairs if isinstance(k, ScalarNode)]
    assert keys == ["site_url", "titles", "synonyms", "redirects"]
    titles = root.pairs[1][1]
    assert isinstance(titles, MappingNode)
    staff, levels = titles.pairs[0]
    assert (staff, levels.line) == (ScalarNode("Staff", 3), 3)
    assert isinstance(levels, SequenceNode)
    assert [(n.value, n.line) for n in levels.items if isinstance(n, ScalarNode)] == [("IC6", 3), ("IC7", 3)]
    # `-` with nothing after it is a null, not the text "": the glossary says the redirect is empty.
    redirects = root.pairs[3][1]
    assert isinstance(redirects, SequenceNode) and redirects.items == (ScalarNode("", 7, null=True),)
    assert settings.line_text(5) == "comms: Communication"
    assert settings.problem is None


def test_the_sections_are_the_top_level_pairs_with_their_plain_values() -> None:
    sections = parse_settings(GLOSSARY).sections
    assert [s.data for s in sections] == ["https://handbook.example.com", {"Staff": ["IC6", "IC7"]},
                                          {"comms": "Communication"}, [None]]
    assert parse_settings(GLOSSARY).data["site_url"] == "https://handbook.example.com"


def test_a_file_that_is_not_yaml_is_named_with_its_line_in_plain_words() -> None:
    settings = parse_settings("titles:\n  Staff: [IC6\nsynonyms:\n  comms: Communication\n")
    assert settings.root is None and settings.sections == () and settings.data == {}
    problem = settings.problem
    assert problem is not None
    assert (problem.path, problem.line) == (SETTINGS_FILE, 2)
    assert "the [ opened here is never closed" in problem.reason


def test_a_tab_is_named_at_its_line() -> None:
    problem = parse_settings("synonyms:\n\tcomms: Communication\n").problem
    assert problem is not None and problem.line == 2 and "tabs" in problem.reason


def test_a_file_that_is_not_key_value_pairs_says_so() -> None:
    settings = parse_settings("- one\n- two\n")
    assert isinstance(settings.root, SequenceNode) and settings.sections == ()
    assert settings.problem is not None and "key: value pairs" in settings.problem.reason


def test_a_long_line_is_quoted_cut() -> None:
    settings = parse_settings("synonyms:\n  comms: " + "Communication " * 20 + "\n")
    shown = settings.line_text(2)
    assert shown.startswith("comms: Communication") and shown.endswith("…") and len(shown) < 200


def test_reading_a_folder(tmp_path: Path) -> None:
    assert load_settings(tmp_path / SETTINGS_FILE, tmp_path) is None
    (tmp_path / SETTINGS_FILE).write_bytes(b"synonyms:\n  comms: Communic\xe9\n")
    unreadable = load_settings(tmp_path / SETTINGS_FILE, tmp_path)
    assert unreadable is not None and unreadable.root is None
    assert unreadable.problem is not None
    # Named at the line of its first byte that is not UTF-8, as a page or the owners file is (index/files.py).
    assert (unreadable.problem.path, unreadable.problem.line) == (SETTINGS_FILE, 2)
    assert "UTF-8" in unreadable.problem.reason and "(byte 0xe9)" in unreadable.problem.reason
    (tmp_path / SETTINGS_FILE).write_text(GLOSSARY, "utf-8")
    read = load_settings(tmp_path / SETTINGS_FILE, tmp_path)
    assert read is not None and read.path == tmp_path / SETTINGS_FILE and len(read.sections) == 4


def test_importing_the_glossary_loads_no_yaml() -> None:
    """A restart from kept state answers without parsing YAML (issue 23, item 4): only reading a file does."""
    script = ("import sys\nimport index.glossary\nprint('yaml' in sys.modules)\n"
              "index.glossary.parse_glossary('synonyms:\\n  comms: Communication\\n')\nprint('yaml' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "True"]
