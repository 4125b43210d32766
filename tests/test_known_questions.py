"""knowledge/known_questions.yaml: member questions we wrote from the guides, labelled with the
entry that answers them (or out of scope, with why). Fitting the gate and guarding taught
alternates both rely on it being well formed and honest, which is what these tests keep."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import yaml

from bot.settings import DEFAULT_KNOWLEDGE_DIR
from support import knowledge

PATH = DEFAULT_KNOWLEDGE_DIR / "known_questions.yaml"
ALLOWED_KEYS = {"q", "id", "accept", "also", "ood", "why"}


def _items() -> list[dict[str, Any]]:
    data = yaml.safe_load(PATH.read_text(encoding="utf-8"))
    assert isinstance(data, list), "the file is a list of items"
    return data


def _squashed(text: str) -> str:
    """Spacing, punctuation and case aside (the same key test_knowledge uses for phrasings)."""
    return re.sub(r"[\s\W_]+", "", text.lower())


def _in_scope() -> list[dict[str, Any]]:
    return [item for item in _items() if not item.get("ood")]


def _out_of_scope() -> list[dict[str, Any]]:
    return [item for item in _items() if item.get("ood")]


def test_the_file_loads_and_says_what_it_is() -> None:
    header = PATH.read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("#")
    items = _items()
    assert items
    for item in items:
        assert isinstance(item, dict), item
        assert set(item) <= ALLOWED_KEYS, (item, set(item) - ALLOWED_KEYS)
        assert isinstance(item.get("q"), str) and item["q"].strip(), item


def test_every_item_is_either_labelled_with_an_entry_or_out_of_scope_with_a_reason() -> None:
    ids = {e.id for e in knowledge().entries}
    for item in _items():
        if item.get("ood"):
            assert item["ood"] is True, item
            assert not {"id", "accept", "also"} & set(item), item
            assert isinstance(item.get("why"), str) and item["why"].strip(), item
        else:
            assert "why" not in item, item
            assert item.get("id") in ids, item
            if "also" in item:
                assert item["also"] in ids, item
                assert item["also"] != item["id"], item
            # Another entry whose answer answers the same thing as fully (a sibling).
            for other in item.get("accept", []):
                assert other in ids and other not in (item["id"], item.get("also")), item


def test_no_known_question_is_a_question_or_alternate_of_the_knowledge_base() -> None:
    """Known questions measure the phrasings; one that repeats a phrasing measures nothing."""
    phrasings = {
        _squashed(text): entry.id
        for entry in knowledge().entries
        for text in (entry.question, *entry.alternates)
    }
    copied = [(item["q"], phrasings[_squashed(item["q"])]) for item in _items() if _squashed(item["q"]) in phrasings]
    assert copied == []


def test_no_question_is_written_twice() -> None:
    counts = Counter(_squashed(item["q"]) for item in _items())
    assert [key for key, n in counts.items() if n > 1] == []


def test_every_entry_is_asked_at_least_twice_and_both_kinds_are_there_in_number() -> None:
    asked = Counter(item["id"] for item in _in_scope())
    missing = [e.id for e in knowledge().entries if asked[e.id] < 2]
    assert missing == []
    assert len(_in_scope()) >= 350
    assert len(_out_of_scope()) >= 150
    assert sum(1 for item in _in_scope() if "also" in item) >= 20
