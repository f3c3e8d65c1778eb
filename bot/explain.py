"""`careerfw ask --explain`: how one question was read and answered, for whoever tunes a framework.

It reads what the answer already carries (index/answer.py `Answer.query`, `fired`, `ranking`,
`signals`) and the answerer's gate; nothing is computed again, so what it shows is what decided.
Four parts: the question model (index/query.py) with the decision table's rows that fired; the
level, craft and area resolved, with the forms of the question that named them; the top candidates
with each ranking feature's value; and the gate's decision with the values it compared.
"""

from __future__ import annotations

from typing import Any

from index import INTENT_ROWS, Answer, Answerer, Query

CANDIDATES = 5  # candidates shown; the ranking keeps more
WEIGHED = 3  # the fitted gate's heaviest features named in its reason
_GLOSSARY_KIND = {
    "synonym": "a synonym: the question was read with the framework's name",
    "title": "a title: the question was read with its levels",
    "redirect": "a redirect: answered with the admins' note, not the framework",
}

_WHY = {row.name: row.why for row in INTENT_ROWS}
_WHY["topical-word-picks-an-area"] = "a topical word of the question singles out one area of the level, once ranked"


def explain(answer: Answer, answerer: Answerer) -> dict[str, Any]:
    """The explanation as data (`ask --explain --json` puts it under "explain")."""
    query = answer.query
    return {
        "query": query.to_json() if query else None,
        "fired": [{"row": name, "why": _WHY.get(name, "")} for name in answer.fired],
        "resolved": _resolved(answer, query),
        "candidates": _candidates(answer, answerer),
        "gate": _gate(answer, answerer),
        # The careerfw.yaml lines applied before the question was read (index/glossary.py).
        "glossary": [g.to_json() for g in answer.glossary],
        "redirect": answer.redirect.to_json() if answer.redirect else None,
    }


def _resolved(answer: Answer, query: Query | None) -> dict[str, Any]:
    context = answer.context
    named = []
    if query is not None:
        for kind, mentions in (("level", query.levels), ("craft", query.crafts), ("area", query.areas)):
            for m in mentions:
                values = sorted({v for f, v in m.values if f == kind or (kind == "level" and f == "role")})
                named.append({"kind": kind, "typed": m.text, "form": m.alias or m.text, "names": values,
                              "score": round(m.score, 1), "partial": m.partial})
    return {
        "framework": context.framework if context else "",
        "craft": context.craft if context else "",
        "level": context.level if context else "",
        "area": context.area if context else "",
        "carried": list(answer.carried),
        "named_by": named,
    }


def _candidates(answer: Answer, answerer: Answerer) -> list[dict[str, Any]]:
    ranking = answer.ranking
    if ranking is None:
        return []
    entries = answerer.entries
    features = getattr(ranking, "features", None)
    names: tuple[str, ...] = ()
    if features is not None:
        from index import FEATURE_NAMES  # the fitted ranker's features, when it ranked

        names = FEATURE_NAMES
    out = []
    for rank, hit in enumerate(ranking.hits[:CANDIDATES], start=1):
        e = entries[hit.entry]
        row: dict[str, Any] = {
            "rank": rank, "area": e.area, "level": e.level, "craft": e.craft, "source": e.source,
            "final": round(hit.score, 4), "dense": round(hit.dense, 4), "bm25": round(hit.lexical, 4),
        }
        logits = getattr(ranking, "logits", None)
        if logits is not None:
            # What the candidates are ordered by: `final`, the probability, reads 1.0000 for several at once.
            row["logit"] = round(float(logits[hit.entry]), 4)
        if features is not None:
            row["features"] = {n: round(float(v), 4) for n, v in zip(names, features[hit.entry], strict=False)}
        out.append(row)
    return out


def _gate(answer: Answer, answerer: Answerer) -> dict[str, Any]:
    s = answer.signals
    if s is None:
        return {"confident": answer.confident, "gated": False,
                "why": f"no gate: the {answer.intent} answer is composed from the framework's structure"}
    signals = {"dense": round(s.dense, 4), "dense_rest": None if s.dense_rest is None else round(s.dense_rest, 4),
               "coverage": round(s.cover, 4), "named_area": s.named_area, "phrase": s.phrase,
               "out_of_scope": s.out_of_scope}
    p = s.probability if s.probability is not None else 0.0
    why = _gate_why(answer, answerer, s, p, answerer.gate.threshold)
    return {"confident": answer.confident, "gated": True, "signals": signals | {"probability": p}, "why": why}


def _gate_why(answer: Answer, answerer: Answerer, s: Any, p: float, threshold: float) -> str:
    """The gate's decision: answered or refused, why in words when a feature says it alone (pay, leave or
    benefits), then the fitted model's probability against its threshold and the features that pushed the
    best candidate's probability most, each with its share of the logit."""
    verdict = "answered" if answer.confident else "refused"
    reason = ("it asks about pay, leave or benefits, which the best match's text never mentions (out_of_scope), "
              if s.out_of_scope else "")
    why = f"{verdict}: {reason}probability {p:.3f} {'>=' if answer.confident else '<'} threshold {threshold:.3f}"
    model, ranking = answerer.model, answer.ranking
    features = getattr(ranking, "features", None)
    if ranking is None or features is None or not ranking.hits:
        return why
    from index import FEATURE_NAMES

    # Each feature's term of the logit (standardised value times weight) is what it weighed in this decision.
    terms = (features[ranking.hits[0].entry] - model.mean) / model.scale * model.weights
    heaviest = sorted(zip(FEATURE_NAMES, terms, strict=True), key=lambda t: -abs(float(t[1])))[:WEIGHED]
    return why + "; weighed most: " + ", ".join(f"{n} {float(t):+.2f}" for n, t in heaviest)


def render_explain(data: dict[str, Any]) -> str:
    """The explanation as plain text, after the answer."""
    lines = [""]
    if data.get("glossary"):
        lines.append("== careerfw.yaml ==")
        lines += [f"{g['source']}: {g['text']}  ({_GLOSSARY_KIND.get(g['kind'], g['kind'])})" for g in data["glossary"]]
    lines.append("== question model ==")
    q = data["query"]
    if q is None:
        lines.append("(not read: the question was empty or answered by the glossary)")
    else:
        lines.append(f"words: {' '.join(q['words'])}")
        for kind in ("levels", "crafts", "areas"):
            found = ", ".join(f'"{m["typed"]}" -> {" / ".join(m["names"])}' for m in q[kind]) or "-"
            lines.append(f"{kind}: {found}")
        if q["missing"]:
            lines.append(f"not in the framework: {', '.join(q['missing'])}")
        lines.append(f"own level: {q['own_level'] or '-'}")
        lines.append(f"unnamed words: {', '.join(q['unnamed']) or '-'}; topic: {', '.join(q['topic']) or '-'}")
        lines.append(f"asks: {', '.join(q['asks']) or '-'}")
        lines.append(f"intent: {q['intent']}")
    for row in data["fired"]:
        lines.append(f"  row fired: {row['row']} ({row['why']})")
    r = data["resolved"]
    lines.append("== resolved ==")
    lines.append(f"craft: {r['craft'] or '-'}; level: {r['level'] or '-'}; area: {r['area'] or '-'}"
                 + (f"; carried from the last answer: {', '.join(r['carried'])}" if r["carried"] else ""))
    for m in r["named_by"]:
        part = ", in part" if m["partial"] else ""
        lines.append(f'  {m["kind"]} "{m["typed"]}" matched the form "{m["form"]}" '
                     f'({m["score"]}{part}) -> {" / ".join(m["names"]) or "-"}')
    lines.append("== candidates ==")
    if not data["candidates"]:
        lines.append("(no ranking)")
    for c in data["candidates"]:
        where = " · ".join(p for p in (c["craft"], c["level"]) if p)
        lines.append(f"{c['rank']}. {c['area']} @ {where} [{c['source']}]")
        logit = f" (logit {c['logit']:.4f})" if "logit" in c else ""
        lines.append(f"   final {c['final']:.4f}{logit}  dense {c['dense']:.4f}  bm25 {c['bm25']:.4f}")
        if "features" in c:
            lines.append("   " + "  ".join(f"{k} {v}" for k, v in c["features"].items()))
    g = data["gate"]
    lines.append("== gate ==")
    lines.append(f"{'confident' if g['confident'] else 'not confident'}: {g['why']}")
    if "signals" in g:
        lines.append("   " + "  ".join(f"{k} {v}" for k, v in g["signals"].items()))
    return "\n".join(lines) + "\n"
