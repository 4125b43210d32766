"""knowledge/out_of_scope.yaml: topics members ask about that the two guides do not answer, each
with where to ask and example phrasings. The bot indexes the phrasings next to the FAQ entries so
a question close to a known out-of-scope topic is declined honestly; these tests keep the file
well formed and keep it from copying the phrasings it must be told apart from (the FAQ's own
questions and alternates) or the labelled questions used to measure it (known_questions.yaml)."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from typing import Any

import yaml

from bot.settings import DEFAULT_KNOWLEDGE_DIR
from support import faq_index, knowledge

PATH = DEFAULT_KNOWLEDGE_DIR / "out_of_scope.yaml"
KNOWN = DEFAULT_KNOWLEDGE_DIR / "known_questions.yaml"
KEYS = {"id", "topic", "why", "ask", "questions"}
# branch: 관할 지점, rating: 신용평가팀 02-3449-8738, systems: 정보시스템부 02-6240-1041~1045,
# nice: NICE평가정보 1566-2544 / 02-3771-1100, none: not the cooperative's business
ASKS = {"branch", "rating", "systems", "nice", "none"}
ID_PATTERN = re.compile(r"^oos(-[a-z0-9]+)+$")
MIN_PHRASINGS = 6


def _squashed(text: str) -> str:
    """NFC, lower case, letters and digits only: spacing, punctuation and case aside."""
    return "".join(ch for ch in unicodedata.normalize("NFC", text).lower() if ch.isalnum())


def _data() -> dict[str, Any]:
    data = yaml.safe_load(PATH.read_text(encoding="utf-8"))
    assert isinstance(data, dict), "the file is a mapping with a topics list"
    return data


def _topics() -> list[dict[str, Any]]:
    topics = _data()["topics"]
    assert isinstance(topics, list)
    return topics


def _phrasings() -> list[tuple[str, str]]:
    """(topic id, phrasing) for every example question in the file."""
    return [(topic["id"], q) for topic in _topics() for q in topic["questions"]]


def test_the_file_loads_and_says_what_it_is() -> None:
    text = PATH.read_text(encoding="utf-8")
    assert text.splitlines()[0].startswith("#"), "the header says what the file is"
    assert set(_data()) == {"topics"}
    assert 30 <= len(_topics()) <= 45


def test_ids_are_unique_well_formed_and_not_entry_ids() -> None:
    ids = [topic.get("id") for topic in _topics()]
    assert all(isinstance(i, str) and ID_PATTERN.match(i) for i in ids), ids
    assert [i for i, n in Counter(ids).items() if n > 1] == []
    entry_ids = {e.id for e in knowledge().entries}
    assert set(ids) & entry_ids == set()


def test_every_topic_has_a_label_a_reason_a_place_to_ask_and_phrasings() -> None:
    for topic in _topics():
        assert isinstance(topic, dict), topic
        assert set(topic) == KEYS, (topic.get("id"), set(topic) ^ KEYS)
        for key in ("topic", "why"):
            assert isinstance(topic[key], str) and topic[key].strip(), (topic["id"], key)
        assert topic["why"].rstrip().endswith("다."), (topic["id"], "why is one polite sentence")
        assert topic["ask"] in ASKS, (topic["id"], topic["ask"])
        questions = topic["questions"]
        assert isinstance(questions, list) and len(questions) >= MIN_PHRASINGS, topic["id"]
        for q in questions:
            assert isinstance(q, str) and q.strip() and _squashed(q), (topic["id"], q)


def test_no_phrasing_is_a_question_or_alternate_of_the_knowledge_base() -> None:
    """A phrasing that is also an entry's phrasing would pull that entry's own question out of scope."""
    entry_phrasings = {
        _squashed(text): entry.id
        for entry in knowledge().entries
        for text in (entry.question, *entry.alternates)
    }
    copied = [(tid, q, entry_phrasings[_squashed(q)]) for tid, q in _phrasings() if _squashed(q) in entry_phrasings]
    assert copied == []


def test_no_phrasing_is_a_known_question() -> None:
    """The known questions measure this file; one copied here would measure nothing."""
    items = yaml.safe_load(KNOWN.read_text(encoding="utf-8"))
    known = {_squashed(item["q"]) for item in items}
    copied = [(tid, q) for tid, q in _phrasings() if _squashed(q) in known]
    assert copied == []


def test_no_phrasing_is_written_twice() -> None:
    counts = Counter(_squashed(q) for _, q in _phrasings())
    assert [key for key, n in counts.items() if n > 1] == []


def test_what_a_topic_says_the_guides_do_have_is_answered_not_declined() -> None:
    """The topic on fee rates says the guides only state that the fee is discounted or
    surcharged by grade: that much is an entry's answer, not a reason to decline."""
    ranking = faq_index().rank("보증수수료가 신용등급 따라 할인돼요?")
    assert ranking.declined is None
    assert ranking.outcome == "answer"
    assert ranking.best is not None and "할인" in ranking.best.entry.answer
