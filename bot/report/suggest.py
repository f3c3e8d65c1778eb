"""A careerfw.yaml line for a refused group, when one would make the bot answer it: a word the group
keeps using that the framework never does, written near an area's name (an abbreviation, initials, a
numeronym: "mgmt", "IR", "o11y"), becomes a `synonyms:` line for that area.

Every suggestion is checked before it is shown: the group's questions are asked again of the served
framework with the line applied (Answerer.with_glossary, nothing written), and it is kept only when
they are then answered, quoting that area first. It is shown as a diff of careerfw.yaml for the
admin to apply; nothing is ever written here.

Only groups whose texts may be shown (asked by at least CAREERFW_REPORT_MIN_GROUP people) get one:
a suggested word is a word of the questions.
"""

from __future__ import annotations

import difflib
import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from index import GLOSSARY_FILE, STOPWORDS, Answer, Answerer, parse_glossary

MAX_TEXTS = 20  # distinct wordings of one group asked again
MAX_TRIES = 6  # candidate lines tried per group
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Suggestion:
    group: int  # the refused group's place in the report (0: the largest)
    phrase: str
    target: str  # the area's name, as the framework writes it
    answered: int  # of the group's wordings still refused now, how many the line gets answered
    asked: int
    diff: str  # careerfw.yaml before and after, unified; "" when the file's form could not take the line

    @property
    def line(self) -> str:
        return f"{self.phrase}: {_yaml_scalar(self.target)}"

    def to_json(self) -> dict[str, object]:
        return {"group": self.group, "line": self.line, "section": "synonyms", "answered": self.answered,
                "asked": self.asked, "diff": self.diff}


def _fold(text: str) -> str:
    return text.casefold()


def near(word: str, name: str) -> bool:
    """Whether `word` is a short form of the name `name`: a prefix of one of its words (4+ letters), an
    abbreviation keeping a word's letters in order ("mgmt" of "management"), its initials ("IR" of
    "Incident Response"), or a numeronym ("o11y" of "observability")."""
    w = _fold(word)
    parts = [p for p in _WORD.findall(_fold(name)) if p not in STOPWORDS]
    if len(parts) > 1 and len(w) >= 2 and w == "".join(p[0] for p in parts):
        return True
    numeronym = re.fullmatch(r"([a-z])(\d+)([a-z])", w)
    for part in parts:
        if numeronym and len(part) > 3 and part[0] == numeronym.group(1) and part[-1] == numeronym.group(3) \
                and len(part) - 2 == int(numeronym.group(2)):
            return True
        if len(w) >= 4 and w != part and part.startswith(w):
            return True
        if len(w) >= 3 and w[0] == part[0] and len(w) < len(part) and _in_order(w, part):
            return True
    return False


def _in_order(short: str, long: str) -> bool:
    it = iter(long)
    return all(c in it for c in short)


def _answers(answer: Answer, target: str) -> bool:
    return answer.confident and bool(answer.quotes) and answer.quotes[0].entry.area == target


def _yaml_scalar(text: str) -> str:
    return text if re.fullmatch(r"[\w][\w .()&/'-]*", text) and not text.endswith(" ") else json.dumps(text)


def with_line(original: str, phrase: str, target: str) -> str | None:
    """careerfw.yaml's text with `phrase: target` added under `synonyms:` (the section made when there
    is none); None when the file writes its synonyms in a form a line cannot be added to by hand."""
    line = f"{phrase}: {_yaml_scalar(target)}"
    lines = original.splitlines()
    for i, text in enumerate(lines):
        if re.fullmatch(r"synonyms:\s*(#.*)?", text):
            end, indent = i + 1, "  "
            while end < len(lines) and (not lines[end].strip() or lines[end][:1] in " \t"):
                if lines[end].strip() and indent == "  " and end == i + 1:
                    indent = lines[end][: len(lines[end]) - len(lines[end].lstrip())]
                end += 1
            while end > i + 1 and not lines[end - 1].strip():
                end -= 1
            return "\n".join([*lines[:end], indent + line, *lines[end:]]) + "\n"
        if re.match(r"synonyms:", text):
            return None  # a flow mapping or another form: the admin adds it
    head = original if not original or original.endswith("\n") else original + "\n"
    return head + f"synonyms:\n  {line}\n"


def _diff(before: str, after: str) -> str:
    return "".join(difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                        f"a/{GLOSSARY_FILE}", f"b/{GLOSSARY_FILE}"))


def suggest(groups: Sequence[tuple[int, list[str]]], answerer: Answerer, content_dir: Path) -> list[Suggestion]:
    """One checked suggestion at most per group (`(place, texts)` of the groups that may be shown)."""
    entries = answerer.entries
    vocabulary = {w for e in entries for w in _WORD.findall(_fold(f"{e.area} {e.level} {e.craft} {e.description}"))}
    areas = sorted({e.area for e in entries if e.area and e.kind == "level"})
    path = Path(content_dir) / GLOSSARY_FILE
    original = path.read_text(encoding="utf-8") if path.is_file() else ""
    known = {_fold(s.phrase) for s in answerer.glossary.synonyms}
    found = []
    for place, texts in groups:
        wordings = list(dict.fromkeys(" ".join(t.split()) for t in texts))[:MAX_TEXTS]
        refused = [t for t in wordings if not answerer.ask(t).confident]
        if not refused:
            continue  # answered now without any line (the framework or the glossary changed since)
        counts: Counter[str] = Counter()
        spelled: dict[str, str] = {}
        for text in refused:
            for word in dict.fromkeys(_WORD.findall(text)):
                folded = _fold(word)
                if folded in STOPWORDS or folded in vocabulary or folded in known or folded.isdigit() \
                        or len(folded) < 2:
                    continue
                counts[folded] += 1
                spelled.setdefault(folded, word)
        words = sorted((w for w, n in counts.items() if 2 * n >= len(refused)), key=lambda w: (-counts[w], w))
        tries = [(w, a) for w in words for a in areas if near(w, a)][:MAX_TRIES]
        best: Suggestion | None = None
        for word, area in tries:
            phrase = spelled[word]
            glossary = answerer.glossary.extended({"synonyms": {phrase: area}})
            if len(glossary.problems) > len(answerer.glossary.problems):
                continue
            trial = answerer.with_glossary(glossary)
            answered = sum(_answers(trial.ask(t), area) for t in refused)
            if 2 * answered < len(refused) or (best is not None and answered <= best.answered):
                continue
            after = with_line(original, phrase, area)
            usable = after is not None and any(_fold(s.phrase) == word for s in parse_glossary(after).synonyms)
            best = Suggestion(place, phrase, area, answered, len(refused),
                              _diff(original, after) if usable and after is not None else "")
        if best is not None:
            found.append(best)
    return found
