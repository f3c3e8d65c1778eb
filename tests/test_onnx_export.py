"""The install step's checks (careerfw_tools/onnx_export.py; docs/model.md): int8 serves by default only
when its answers are fp32's within one question per set, what users see is compared question by question,
and the answers check asks single-turn sets and conversations of both graphs. (Which backend the bot then
serves is in tests/index/test_embedder.py.)
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import yaml

from careerfw_tools.onnx_export import MAX_DIFFERING_PER_SET, differences, measure_answers, parity_texts, verdict
from index import build_documents, load_content
from index.embedder import DEFAULT_MODEL, EXPORT_RECORD, ONNX_GRAPHS, export_dir_for, resolve_model, weights_file

REPO = Path(__file__).resolve().parents[1]
EXPORT = export_dir_for(DEFAULT_MODEL)


def test_the_verdict_passes_int8_on_its_answers_only_within_one_question_per_set() -> None:
    parity = {"onnx": {"passed": True}, "onnx-int8": {"passed": False}}

    def answers(*differing: int) -> dict:
        sets = [{"name": f"set{i}", "kind": "single", "differ": {"questions": n}} for i, n in enumerate(differing)]
        return {"passed": all(n <= MAX_DIFFERING_PER_SET for n in differing), "sets": sets, "rule": "r"}

    assert verdict(parity, answers(0, 1, 1))["onnx-int8"]["serve"]
    refused = verdict(parity, answers(0, 2))["onnx-int8"]
    assert not refused["serve"] and "2 questions of set1" in refused["by"]
    assert not verdict(parity, None)["onnx-int8"]["serve"]  # the answers check left out: cosine alone
    # int8 is measured against fp32, so it cannot pass on answers where fp32 itself failed.
    assert not verdict({"onnx": {"passed": False}, "onnx-int8": {"passed": False}}, answers(0))["onnx-int8"]["serve"]


def test_int8_close_in_cosine_still_does_not_serve_when_its_answers_differ() -> None:
    # Block-wise 8-bit weights (int8_variants nbits8) came within 0.9994 of PyTorch on every question,
    # over the 0.99 bar, yet changed the top-3 of 5 Artsy questions: the answers are what users see.
    parity = {"onnx": {"passed": True}, "onnx-int8": {"passed": True}}
    def answers(differing: int) -> dict:
        artsy = {"name": "artsy", "kind": "single", "differ": {"questions": differing}}
        return {"passed": differing <= MAX_DIFFERING_PER_SET, "rule": "r", "sets": [artsy]}

    refused = verdict(parity, answers(5))["onnx-int8"]
    assert not refused["serve"] and "5 questions of artsy" in refused["by"]
    assert verdict(parity, answers(1))["onnx-int8"]["serve"]
    assert verdict(parity, None)["onnx-int8"]["serve"]  # the answers check left out: the cosine alone judges


def test_what_users_see_is_compared_question_by_question() -> None:
    a, b, c = "a", "b", "c"
    reference = [(a, False, frozenset({a, b, c})), (b, False, frozenset({b})), (None, True, frozenset())]
    same_top_other_third = [(a, False, frozenset({a, b, "d"})), (b, False, frozenset({b})), (None, True, frozenset())]
    assert differences(reference, reference) == {"top1": 0, "refusals": 0, "top3": 0, "questions": 0}
    assert differences(reference, same_top_other_third) == {"top1": 0, "refusals": 0, "top3": 1, "questions": 1}
    refused_and_moved = [(a, True, frozenset({a, b, c})), (c, False, frozenset({c})), (None, True, frozenset())]
    assert differences(reference, refused_and_moved) == {"top1": 1, "refusals": 1, "top3": 1, "questions": 2}


def test_the_answers_check_asks_single_turn_sets_and_conversations_of_both_graphs() -> None:
    seed = REPO / "tests" / "eval" / "seed.yaml"
    conversations = REPO / "tests" / "fixtures" / "conversations" / "multilevel.yaml"
    result = measure_answers(DEFAULT_MODEL, EXPORT.parent, [seed], [conversations], say=lambda _: None)
    assert (result["reference"], result["candidate"]) == ("onnx", "onnx-int8")
    single, convo = result["sets"]
    assert single["kind"] == "single" and convo["kind"] == "conversations"
    assert single["asked"] == len(parity_texts([seed])[0])
    assert convo["asked"] > 0
    for s in result["sets"]:
        assert set(s["differ"]) == {"top1", "refusals", "top3", "questions", "same_text"}
        assert 0 <= s["differ"]["same_text"] <= s["differ"]["questions"]
        assert len(s["differing"]) == s["differ"]["questions"]
    assert result["passed"] == all(s["differ"]["questions"] <= MAX_DIFFERING_PER_SET for s in result["sets"])


def test_int8_variants_calibrate_on_the_embedded_framework_never_on_an_eval_question() -> None:
    from careerfw_tools.int8_variants import calibration_texts

    questions, documents = calibration_texts(REPO / "content")
    asked: set[str] = set()
    for path in (REPO / "tests" / "eval").rglob("*.yaml"):
        data = yaml.safe_load(path.read_text("utf-8"))
        items = [*(data.get("questions") or []), *(data.get("intents") or []),
                 *(t for c in data.get("conversations") or [] for t in c.get("turns") or [])]
        asked |= {" ".join(str(i["ask"]).split()).lower() for i in items if isinstance(i, dict) and "ask" in i}
    assert len(asked) > 600 and len(questions) >= 100 and documents
    assert not asked & {t.lower() for t in questions + documents}


def test_the_sensitive_layers_left_in_fp32_are_the_fewest_that_make_half_the_error() -> None:
    from careerfw_tools.int8_variants import most_sensitive

    ranked = [("ffn.0", 0.5), ("ffn.1", 0.3), ("q.0", 0.1), ("k.0", 0.1)]
    assert most_sensitive(ranked) == ["ffn.0"]
    assert most_sensitive(ranked, share=0.6) == ["ffn.0", "ffn.1"]
    assert most_sensitive([("a", 0.0), ("b", 0.0)]) == []


def _linked_export(source: Path, target: Path, skip: tuple[str, ...] = ()) -> None:
    """The export under another directory, its files linked (ONNX Runtime looks for a graph's weights
    file beside the path it was given, so the links must sit together as the files do)."""
    for path in source.rglob("*"):
        rel = path.relative_to(source)
        if path.is_dir() or rel.as_posix() in skip:
            continue
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        (target / rel).symlink_to(path)


def test_each_graph_keeps_its_weights_in_a_file_beside_it_and_answers_as_the_single_file_form(tmp_path: Path) -> None:
    # The weights in a file of their own are mapped by ONNX Runtime, not read and copied: about half
    # the fp32 session's peak memory (issue 23), with the same vectors.
    import onnx

    from careerfw_tools.onnx_export import _sha256, external_data
    from index.onnx_encoder import OnnxEncoder

    record = json.loads((EXPORT / EXPORT_RECORD).read_text("utf-8"))
    texts = ["How do I get promoted to senior engineer?", "what does a staff engineer do " * 40,
             *[d.text for d in build_documents(load_content(REPO / "content").entries)]]
    for backend, graph in ONNX_GRAPHS.items():
        data = EXPORT / external_data(graph)
        assert data.is_file() and data.stat().st_size > 10 * (EXPORT / graph).stat().st_size
        files = record["files"][backend]
        assert files["data"] == {"path": external_data(graph), "bytes": data.stat().st_size}
        # The index key is taken from this digest: a changed weights file must change it.
        assert files["sha256"] == _sha256(EXPORT / graph, data)

        single = tmp_path / backend
        _linked_export(EXPORT, single, skip=(graph, external_data(graph)))
        onnx.save_model(onnx.load(str(EXPORT / graph)), str(single / graph))  # the weights inside the graph
        assert not (single / external_data(graph)).exists()
        expected = OnnxEncoder(single, graph).encode(texts)
        assert np.array_equal(OnnxEncoder(EXPORT, graph).encode(texts), expected)


def test_an_export_whose_weights_file_is_missing_or_changed_is_made_again(tmp_path: Path) -> None:
    from careerfw_tools.onnx_export import _up_to_date, external_data

    record = json.loads((EXPORT / EXPORT_RECORD).read_text("utf-8"))
    name, path = resolve_model(None)
    args = (name, weights_file(path) if path else None, record["parity"]["inputs"], record["exported_with"])
    data = external_data(ONNX_GRAPHS["onnx"])
    linked = tmp_path / "linked"
    _linked_export(EXPORT, linked)
    assert _up_to_date(linked, *args)

    missing = tmp_path / "missing"
    _linked_export(EXPORT, missing, skip=(data,))
    assert not _up_to_date(missing, *args)

    changed = tmp_path / "changed"
    _linked_export(EXPORT, changed, skip=(data,))
    (changed / data).write_bytes(b"\0" * 16)
    assert not _up_to_date(changed, *args)
