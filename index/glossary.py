"""`careerfw.yaml` beside the pages: a company's own words for its framework (docs/content.md).

    titles:            # words people use for levels, per craft or for every craft
      Senior: {Backend Engineering: [Level 4, Level 5], Web Engineering: [Level 4]}
      Staff: [IC6]
    synonyms:          # a word or phrase people use -> a name in the framework, or another phrase
      comms: Communication
    redirects:         # topics the framework does not cover: the admin's words and link, quoted as written
      - topics: [salary, pay, bonus]
        say: "Pay isn't part of the progression framework."
        link: https://people.example.com/pay

No ranker can know that "Senior" means two levels at one company, or that questions about pay belong
to the People team; the people who keep the framework do, so they say it here, as content. The file
is read with the pages (Answerer.open / reload), so a hot reload picks it up like a page, and
`careerfw check` validates it with file:line (`check_glossary`).

Applying it (`Glossary.rewrite`) only rewrites the question's words before anything else reads
them: a synonym becomes the framework's name, a title becomes the levels it stands for ("Level 4 and
Level 5", which the answerer already shows side by side), and a redirect topic stops the question
with the admin's note. Every line that applied is recorded (`GlossaryLine`), so `ask --json` and an
explanation can say which one did.

A glossary is a value: `Glossary.from_mapping({...})` builds one without a file, `extended` adds
lines to one, and `Answerer.with_glossary` answers with it, for whoever wants to try a line first.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from index.levelnames import base_title
from index.problem import Problem
from index.settingsfile import (
    SETTINGS_FILE,
    MappingNode,
    Node,
    ScalarNode,
    SequenceNode,
    SettingsFile,
    block_entry,
    flow_entry,
    load_settings,
    parse_settings,
)
from index.tokens import words

# index.parse is imported by the function that checks the glossary against pages: a restart from kept state
# (issue 23, item 4) answers without the Markdown parser (and index.settingsfile loads YAML only to read one).
if TYPE_CHECKING:
    from index.parse import Content

GLOSSARY_FILE = SETTINGS_FILE
SECTIONS = ("titles", "synonyms", "redirects")
KNOWN_KEYS = frozenset({"site_url", *SECTIONS})
# How a redirect is labelled wherever it is shown: the admin's words, never the framework's.
ADMIN_NOTE = "A note from your framework's admins (not the framework's text)"


@dataclass(frozen=True)
class GlossaryLine:
    """One line of the glossary that applied to a question: where it is and what it says."""

    kind: str  # "title", "synonym" or "redirect"
    line: int
    text: str  # the line as written in the file
    path: str = GLOSSARY_FILE

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.text}"

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind, "source": f"{self.path}:{self.line}", "text": self.text}


@dataclass(frozen=True)
class Title:
    name: str
    # craft name -> its levels; the craft None means every craft (`Staff: [IC6]`).
    levels: tuple[tuple[str | None, tuple[str, ...]], ...]
    origin: GlossaryLine
    # (craft or None, level, line) of each name written, and (craft, line) of each craft, for `check`.
    named_levels: tuple[tuple[str | None, str, int], ...] = ()
    named_crafts: tuple[tuple[str, int], ...] = ()

    def for_craft(self, craft: str | None) -> tuple[str, ...]:
        lookup = {_fold(c) if c else None: lv for c, lv in self.levels}
        if craft is not None and _fold(craft) in lookup:
            return lookup[_fold(craft)]
        return lookup.get(None, ())

    @property
    def crafts(self) -> list[str]:
        return [c for c, _ in self.levels if c is not None]


@dataclass(frozen=True)
class Synonym:
    phrase: str
    target: str
    origin: GlossaryLine


@dataclass(frozen=True)
class Redirect:
    topics: tuple[str, ...]
    say: str
    link: str | None
    origin: GlossaryLine
    topic_lines: tuple[tuple[str, int], ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"say": self.say, "link": self.link, "topics": list(self.topics),
                "source": f"{self.origin.path}:{self.origin.line}"}

    def message(self) -> str:
        """The admin's words, labelled, with the link: what every surface shows as the answer."""
        return f"{ADMIN_NOTE}: {self.say}" + (f" More: {self.link}" if self.link else "")


@dataclass(frozen=True)
class Rewrite:
    """What the glossary made of a question."""

    text: str  # the question to answer, with synonyms and titles written as the framework names them
    used: tuple[GlossaryLine, ...] = ()
    redirect: Redirect | None = None
    # A title that means different levels in several crafts, none named: (label, question) per craft.
    choices: tuple[tuple[str, str], ...] = ()
    choose_message: str | None = None


@dataclass(frozen=True)
class Glossary:
    """The parsed careerfw.yaml. Parts that cannot be used are left out and listed in `problems`."""

    titles: tuple[Title, ...] = ()
    synonyms: tuple[Synonym, ...] = ()
    redirects: tuple[Redirect, ...] = ()
    problems: tuple[Problem, ...] = ()
    path: Path | None = None
    source: Mapping[str, Any] = field(default_factory=dict)  # the sections as read, for `extended`

    def __bool__(self) -> bool:
        return bool(self.titles or self.synonyms or self.redirects)

    @property
    def lines(self) -> int:
        return len(self.titles) + len(self.synonyms) + len(self.redirects)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], path: str = GLOSSARY_FILE) -> Glossary:
        """A glossary from a dict shaped like the file (`{"synonyms": {"comms": "Communication"}}`), with
        the same rules and problems as the file; line numbers are those of the mapping written as YAML."""
        return parse_glossary(_as_yaml(data), path)

    def to_mapping(self) -> dict[str, Any]:
        return {k: v for k, v in self.source.items() if k in SECTIONS}

    def extended(self, extra: Mapping[str, Any]) -> Glossary:
        """This glossary with more lines: `extra`'s titles and synonyms added (replacing the same key),
        its redirects appended. For trying a candidate line without writing the file."""
        merged: dict[str, Any] = {k: (dict(v) if isinstance(v, Mapping) else list(v))
                                  for k, v in self.to_mapping().items()}
        for key in ("titles", "synonyms"):
            if key in extra:
                merged[key] = {**merged.get(key, {}), **dict(extra[key])}
        if "redirects" in extra:
            merged["redirects"] = [*merged.get("redirects", []), *list(extra["redirects"])]
        return Glossary.from_mapping(merged, str(self.path.name) if self.path else GLOSSARY_FILE)

    # --- applying it -----------------------------------------------------------------------------

    def rewrite(
        self,
        question: str,
        crafts_named: Callable[[str], set[str]] = lambda _q: set(),
        carried_craft: str | None = None,
        level_titles: Callable[[], Iterable[str]] = lambda: (),
    ) -> Rewrite:
        """The question with the glossary applied. `crafts_named` says which crafts a text names (the
        framework's own detection); `carried_craft` is the craft a follow-up inherits; `level_titles`
        the framework's level names, read only when a title matched: a title inside one of them ("Senior"
        in "Senior Engineer 2") is that level's name, not the title."""
        if not self:
            return Rewrite(question)
        used: list[GlossaryLine] = []
        text = self._synonyms_applied(question, used)
        for redirect, pattern in zip(self.redirects, self._topic_patterns, strict=True):
            if pattern.search(question) or pattern.search(text):
                return Rewrite(text, (*used, redirect.origin), redirect=redirect)
        return self._titles_applied(text, used, crafts_named, carried_craft, level_titles)

    # Built once per glossary, not per question (a frozen dataclass may still cache in its __dict__).
    @cached_property
    def _topic_patterns(self) -> list[re.Pattern[str]]:
        return [_alternation(r.topics) for r in self.redirects]

    @cached_property
    def _synonym_pattern(self) -> re.Pattern[str]:
        return _alternation(s.phrase for s in self.synonyms)

    @cached_property
    def _title_pattern(self) -> re.Pattern[str]:
        return _alternation(t.name for t in self.titles)

    def _synonyms_applied(self, question: str, used: list[GlossaryLine]) -> str:
        if not self.synonyms:
            return question
        by_key = {_fold(s.phrase): s for s in self.synonyms}

        def resolve(match: re.Match[str]) -> str:
            synonym = by_key[_fold(match.group(1))]
            seen = {_fold(synonym.phrase)}
            chain = [synonym]
            # "cross team: xfn", "xfn: Collaboration": follow to the framework's own name, or to the first name
            # seen twice (a loop, which `check` names).
            while _fold(chain[-1].target) in by_key and _fold(chain[-1].target) not in seen:
                seen.add(_fold(chain[-1].target))
                chain.append(by_key[_fold(chain[-1].target)])
            for s in chain:
                if s.origin not in used:
                    used.append(s.origin)
            return chain[-1].target

        return self._synonym_pattern.sub(resolve, question)

    def _titles_applied(
        self, text: str, used: list[GlossaryLine], crafts_named: Callable[[str], set[str]], carried: str | None,
        level_titles: Callable[[], Iterable[str]],
    ) -> Rewrite:
        if not self.titles:
            return Rewrite(text, tuple(used))
        by_key = {_fold(t.name): t for t in self.titles}
        pattern = self._title_pattern
        found = list(pattern.finditer(text))
        if found:
            names = _level_names_with(level_titles(), {_fold(t.name) for t in self.titles})
            inside = [range(m.start(), m.end()) for m in names.finditer(text)] if names else []
            found = [m for m in found if not any(m.start() in r for r in inside)]
        if not found:
            return Rewrite(text, tuple(used))
        named = {_fold(c) for c in crafts_named(pattern.sub(" ", text))}
        out: list[str] = []
        at = 0
        for match in found:
            title = by_key[_fold(match.group(1))]
            crafts = title.crafts
            craft = next((c for c in crafts if _fold(c) in named), None)
            if craft is None and not named and carried and any(_fold(c) == _fold(carried) for c in crafts):
                craft = carried
            levels = title.for_craft(craft)
            if not levels and craft is None and not named:
                if len(crafts) == 1:
                    craft, levels = crafts[0], title.for_craft(crafts[0])
                elif crafts:
                    # "Senior" is different levels in each craft and the question names none: ask which.
                    rest = text.rstrip(" ?!.")
                    choices = tuple((c, f"{rest} in {c}?") for c in crafts)
                    return Rewrite(text, (*used, title.origin), choices=choices,
                                   choose_message=f'"{title.name}" means different levels in {len(crafts)} crafts: '
                                                  "which one do you mean?")
            if not levels:
                continue  # the title says nothing about the craft asked about: the words stay as asked
            used.append(title.origin)
            out.append(text[at : match.start()])
            # Each level with its craft's name ("Backend Engineering Level 4 and Backend Engineering Level 5"):
            # "Level 4 and Level 5 in Backend Engineering" reads the craft into the second level only, and the
            # first would be every craft's Level 4.
            out.append(" and ".join(f"{craft} {lv}" if craft else lv for lv in levels))
            at = match.end()
        out.append(text[at:])
        return Rewrite("".join(out), tuple(used))


def _as_yaml(data: Mapping[str, Any]) -> str:
    """A mapping written as an admin would write the file: one line per title, synonym and redirect
    field, so each line a question used has a line number and text of its own."""
    out: list[str] = []
    for key, value in data.items():
        if key in ("titles", "synonyms") and isinstance(value, Mapping) and value:
            out.append(f"{key}:")
            out += [f"  {flow_entry(k, v)}" for k, v in value.items()]
        elif key == "redirects" and isinstance(value, list | tuple) \
                and all(isinstance(r, Mapping) and r for r in value):
            out.append(f"{key}:")
            for item in value:
                out += [("  - " if n == 0 else "    ") + flow_entry(k, v) for n, (k, v) in enumerate(item.items())]
        else:
            out.append(block_entry(key, value))
    return "\n".join(out) + "\n"


def _level_names_with(titles: Iterable[str], keys: set[str]) -> re.Pattern[str] | None:
    """The level names (and their forms without a bracketed part: "Staff Engineer" of "Staff Engineer
    (IC6)") that have one of the glossary's titles among their words but are not that title alone."""
    names: set[str] = set()
    titled = _alternation(keys)  # the glossary's own matcher of titles: whole words, any case, a plural
    for title in titles:
        for form in (title, base_title(title)):
            folded = _fold(form)
            if folded and folded not in keys and titled.search(folded):
                names.add(form)
    return _alternation(names) if names else None


def _fold(text: str) -> str:
    return " ".join(text.replace("-", " ").replace("_", " ").casefold().split())


def _phrase_pattern(phrase: str) -> str:
    parts = _fold(phrase).split()
    return r"[\s\-_]+".join(re.escape(w) for w in parts)


def _alternation(phrases: Iterable[str]) -> re.Pattern[str]:
    """Whole words, any case, spaces or hyphens between them, an optional plural: "XFN", "x-fn", "xfns"."""
    ordered = sorted({p for p in phrases if _fold(p)}, key=lambda p: -len(_fold(p)))
    body = "|".join(_phrase_pattern(p) for p in ordered)
    return re.compile(rf"(?<![\w])({body})(?:'?s|es)?(?![\w])", re.IGNORECASE)


# --- reading the file ----------------------------------------------------------------------------------


def load_glossary(content_dir: Path | str) -> Glossary:
    """The content folder's glossary; an empty one when there is no careerfw.yaml. Never raises: a
    file that cannot be read at all is `site_address`'s problem to report (it reads the same file)."""
    root = Path(content_dir)
    path = root / GLOSSARY_FILE
    settings = load_settings(path, root)
    if settings is None:
        return Glossary()
    if settings.unreadable is not None:
        return Glossary(path=path)
    parsed = _from_settings(settings, GLOSSARY_FILE)
    return Glossary(parsed.titles, parsed.synonyms, parsed.redirects, parsed.problems, path, parsed.source)


def parse_glossary(text: str, rel: str = GLOSSARY_FILE) -> Glossary:
    """Parse the file's text; `rel` names it in problems. A text that is not YAML gives an empty glossary
    with no problems of its own: siteurl.site_address reads the same file and reports that, once."""
    return _from_settings(parse_settings(text, rel), rel)


def _from_settings(settings: SettingsFile, rel: str) -> Glossary:
    root = settings.root
    if root is None:
        return Glossary()
    problems: list[Problem] = []
    if not isinstance(root, MappingNode):
        problems.append(Problem(rel, root.line, "careerfw.yaml must be key: value pairs (site_url, titles, "
                                                "synonyms, redirects)"))
        return Glossary(problems=tuple(problems))
    _duplicates(root, rel, problems)
    titles: list[Title] = []
    synonyms: list[Synonym] = []
    redirects: list[Redirect] = []
    source: dict[str, Any] = {}

    def origin(kind: str, node: Node) -> GlossaryLine:
        return GlossaryLine(kind, node.line, settings.line_text(node.line), rel)

    for section in settings.sections:
        key_node, value = section.key, section.value
        key = _scalar(key_node)
        if key is None or key not in KNOWN_KEYS:
            problems.append(Problem(rel, key_node.line, f"{_shown(key_node)} is not a careerfw.yaml key; the keys "
                                                        "are site_url, titles, synonyms and redirects", "warning"))
            continue
        if key == "site_url" or _empty(value):
            continue
        if key == "titles":
            titles += _titles(value, rel, problems, origin)
        elif key == "synonyms":
            synonyms += _synonyms(value, rel, problems, origin)
        else:
            redirects += _redirects(value, rel, problems, origin)
        if section.data is not None:
            source[key] = section.data
    problems += _loops(synonyms, rel)
    return Glossary(tuple(titles), tuple(synonyms), tuple(redirects), tuple(problems), None, source)


def _scalar(node: Node) -> str | None:
    if isinstance(node, ScalarNode) and not node.null:
        value = " ".join(node.value.split())
        return value or None
    return None


def _empty(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.null


def _shown(node: Node) -> str:
    return f'"{node.value}"' if isinstance(node, ScalarNode) else "a list or mapping"


def _names(node: Node) -> list[tuple[str, int]] | None:
    """A name or a list of names, each with its line; None when it is neither."""
    items = node.items if isinstance(node, SequenceNode) else [node]
    out = []
    for item in items:
        name = _scalar(item)
        if name is None:
            return None
        out.append((name, item.line))
    return out


def _duplicates(node: Node, rel: str, problems: list[Problem]) -> None:
    """Keys written twice in any mapping: YAML keeps only the last, so the first would be silently lost.
    Compared as the glossary matches them (case and spacing aside): "Senior" and "senior" are one key."""
    if isinstance(node, MappingNode):
        seen: dict[str, int] = {}
        for key_node, value in node.pairs:
            key = _scalar(key_node)
            if key is not None:
                folded = _fold(key)
                if folded in seen:
                    problems.append(Problem(rel, key_node.line, f'"{key}" appears twice (first on line '
                                                                  f"{seen[folded]}); only one of them would be used: "
                                                                  "keep one"))
                else:
                    seen[folded] = key_node.line
            _duplicates(value, rel, problems)
    elif isinstance(node, SequenceNode):
        for item in node.items:
            _duplicates(item, rel, problems)


Origin = Callable[[str, Node], GlossaryLine]


def _titles(node: Node, rel: str, problems: list[Problem], origin: Origin) -> list[Title]:
    if not isinstance(node, MappingNode):
        problems.append(Problem(rel, node.line, "titles must map a title to its levels, e.g. `Senior: "
                                                  "{Backend Engineering: [Level 4, Level 5]}` or `Staff: [IC6]`"))
        return []
    out: list[Title] = []
    seen: set[str] = set()
    for key_node, value in node.pairs:
        name = _scalar(key_node)
        if name is None or _fold(name) in seen:
            if name is None:
                problems.append(Problem(rel, key_node.line, "each title must be a word or phrase, e.g. Senior"))
            continue
        seen.add(_fold(name))
        levels: list[tuple[str | None, tuple[str, ...]]] = []
        named_levels: list[tuple[str | None, str, int]] = []
        named_crafts: list[tuple[str, int]] = []
        if isinstance(value, MappingNode):
            for craft_node, craft_levels in value.pairs:
                craft = _scalar(craft_node)
                names = _names(craft_levels)
                if craft is None or not names:
                    problems.append(Problem(rel, craft_node.line, f'title "{name}": write each craft with '
                                                                    "its levels, e.g. `Backend Engineering: "
                                                                    "[Level 4, Level 5]`"))
                    continue
                named_crafts.append((craft, craft_node.line))
                named_levels += [(craft, lv, n) for lv, n in names]
                levels.append((craft, tuple(dict.fromkeys(lv for lv, _ in names))))
        else:
            names = _names(value)
            if not names:
                problems.append(Problem(rel, key_node.line, f'title "{name}" names no levels; write them as a list, '
                                                              "e.g. `Staff: [IC6]`"))
                continue
            named_levels += [(None, lv, n) for lv, n in names]
            levels.append((None, tuple(dict.fromkeys(lv for lv, _ in names))))
        if levels:
            out.append(Title(name, tuple(levels), origin("title", key_node), tuple(named_levels), tuple(named_crafts)))
    return out


def _synonyms(node: Node, rel: str, problems: list[Problem], origin: Origin) -> list[Synonym]:
    if not isinstance(node, MappingNode):
        problems.append(Problem(rel, node.line, "synonyms must map a word people use to a name in the framework, "
                                                  "e.g. `comms: Communication`"))
        return []
    out: list[Synonym] = []
    seen: set[str] = set()
    for key_node, value in node.pairs:
        phrase, target = _scalar(key_node), _scalar(value)
        if phrase is None or target is None:
            problems.append(Problem(rel, key_node.line, f"synonym {_shown(key_node)}: write one word or phrase and "
                                                          "the name it stands for, e.g. `comms: Communication`"))
            continue
        if _fold(phrase) in seen:
            continue  # reported as a duplicate key
        seen.add(_fold(phrase))
        if _fold(phrase) == _fold(target):
            problems.append(Problem(rel, key_node.line, f'synonym "{phrase}" points to itself; remove the line or '
                                                          "name the area, level or craft it stands for"))
            continue
        out.append(Synonym(phrase, target, origin("synonym", key_node)))
    return out


def _loops(synonyms: list[Synonym], rel: str) -> list[Problem]:
    """Synonyms that lead back to themselves ("a: b", "b: a"): a question with either word would stand
    for no name at all. Named once, at the first line of the loop."""
    by_key = {_fold(s.phrase): s for s in synonyms}
    problems: list[Problem] = []
    reported: set[str] = set()
    for s in synonyms:
        path = [_fold(s.phrase)]
        while _fold(by_key[path[-1]].target) in by_key and len(path) <= len(by_key):
            step = _fold(by_key[path[-1]].target)
            if step in path:
                loop = path[path.index(step):]
                if not reported & set(loop):
                    reported |= set(loop)
                    first = min((by_key[k] for k in loop), key=lambda x: x.origin.line)
                    shown = " -> ".join(f'"{by_key[k].phrase}"' for k in [*loop, loop[0]])
                    problems.append(Problem(rel, first.origin.line, f"synonyms loop: {shown}; one of them must name "
                                                                    "an area, level or craft instead"))
                break
            path.append(step)
    return problems


def _redirects(node: Node, rel: str, problems: list[Problem], origin: Origin) -> list[Redirect]:
    example = '`- topics: [salary, pay]` with `say: "…"` and `link: https://…`'
    if not isinstance(node, SequenceNode):
        problems.append(Problem(rel, node.line, f"redirects must be a list, each item {example}"))
        return []
    out: list[Redirect] = []
    for item in node.items:
        if not isinstance(item, MappingNode):
            problems.append(Problem(rel, item.line, f"each redirect must be {example}"))
            continue
        fields = {_scalar(k): (k, v) for k, v in item.pairs}
        for key, (k, _) in fields.items():
            if key not in ("topics", "say", "link"):
                problems.append(Problem(rel, k.line, f"{_shown(k)} is not a redirect key; a redirect has topics, "
                                                       "say and link"))
        before = len(problems)
        topics = _names(fields["topics"][1]) if "topics" in fields else None
        if not topics:
            problems.append(Problem(rel, item.line, "a redirect needs `topics:`, the words that send a question to "
                                                      "it, e.g. `topics: [salary, pay]`"))
        # The admin's words exactly as written (only the ends trimmed): they are quoted, never reworded.
        say_node = fields["say"][1] if "say" in fields else None
        say = None
        if isinstance(say_node, ScalarNode) and _scalar(say_node) is not None:
            say = say_node.value.strip()
        if say is None:
            problems.append(Problem(rel, item.line, "a redirect needs `say:`, the text to answer with, in quotes"))
        link = None
        if "link" in fields:
            link_node = fields["link"][1]
            link = _scalar(link_node)
            if link is None or not well_formed_link(link):
                problems.append(Problem(rel, link_node.line, f"link {_shown(link_node)} is not a web address; write "
                                                               "a full one such as https://people.example.com/pay"))
        if not topics or say is None:
            continue
        # A malformed link is an error `check` names (so a reload waits for it), but the note still stands.
        usable = link if len(problems) == before else None
        out.append(Redirect(tuple(t for t, _ in topics), say, usable, origin("redirect", item), tuple(topics)))
    return out


def well_formed_link(link: str) -> bool:
    """An http(s) address with a host, or a mailto: address: what a reader can follow."""
    if any(c.isspace() for c in link):
        return False
    try:
        parts = urlsplit(link)
    except ValueError:
        return False
    if parts.scheme == "mailto":
        return "@" in parts.path
    host = parts.hostname or ""
    return parts.scheme in ("http", "https") and ("." in host or host == "localhost")


# --- checking it against the content -----------------------------------------------------------------


def check_glossary(content_dir: Path, content: Content) -> list[Problem]:
    """`careerfw check` hook: the glossary's own problems, and names it uses that the content lacks."""
    glossary = load_glossary(content_dir)
    if glossary.path is None:
        return []
    return sorted([*glossary.problems, *against_content(glossary, content)], key=lambda p: p.line)


def against_content(glossary: Glossary, content: Content, rel: str = GLOSSARY_FILE) -> list[Problem]:
    entries = [e for e in content.entries if e.kind == "level"]
    crafts = {_fold(e.craft): e.craft for e in entries if e.craft}
    levels_of: dict[str, set[str]] = {}
    for e in entries:
        levels_of.setdefault(_fold(e.craft), set()).add(_fold(e.level))
    every_level = {lv for ls in levels_of.values() for lv in ls}
    problems: list[Problem] = []
    for title in glossary.titles:
        for craft, line in title.named_crafts:
            if _fold(craft) not in crafts:
                problems.append(Problem(rel, line, f'title "{title.name}": "{craft}" is not a craft in the content'
                                                   f"{_known(crafts.values())}"))
        for craft, level, line in title.named_levels:
            if craft is not None and _fold(craft) not in crafts:
                continue
            allowed = levels_of.get(_fold(craft), set()) if craft is not None else every_level
            if _fold(level) not in allowed:
                where = f" of {crafts[_fold(craft)]}" if craft is not None else ""
                names = sorted({e.level for e in entries if craft is None or _fold(e.craft) == _fold(craft)})
                problems.append(Problem(rel, line, f'title "{title.name}": "{level}" is not a level{where} in the '
                                                   f"content{_known(names)}"))
    areas = {_fold(e.area): e.area for e in content.entries if e.area}
    names = set(areas) | set(crafts) | every_level
    phrases = {_fold(s.phrase) for s in glossary.synonyms}
    # Words as retrieval reads them (index/tokens.py): a target is found only through the words search sees.
    vocabulary = {w for e in content.entries for w in words(f"{e.description} {e.area}")}
    for s in glossary.synonyms:
        target = _fold(s.target)
        if target in names or target in phrases:
            continue
        if not any(w in vocabulary for w in words(target)):
            problems.append(Problem(rel, s.origin.line, f'synonym "{s.phrase}": "{s.target}" is no area, level or '
                                                        "craft, and no word of it is in the framework's text, so it "
                                                        "finds nothing", "warning"))
    for redirect in glossary.redirects:
        for topic, line in redirect.topic_lines:
            if _fold(topic) in areas or (_fold(topic).endswith("s") and _fold(topic)[:-1] in areas):
                problems.append(Problem(rel, line, f'redirect topic "{topic}" is the name of the area '
                                                   f'"{areas.get(_fold(topic)) or areas[_fold(topic)[:-1]]}": '
                                                   "questions about it would never reach the framework's text; "
                                                   "remove the topic"))
    return problems


def _known(names: Iterable[str]) -> str:
    shown = sorted(set(names))
    if not shown:
        return ""
    from index.parse import SHOWN_NAMES

    listed = ", ".join(f'"{n}"' for n in shown[:SHOWN_NAMES]) + (", …" if len(shown) > SHOWN_NAMES else "")
    return f" (it has {listed})"
