"""How a member's message is read before ranking: its sentences, which of them ask, what kind
of answer is wanted, and which words may be slips."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.app import faq_actions
from bot.faq.analyzer import Analyzer
from bot.faq.features import gives_kinds
from bot.faq.lexicon import Lexicon
from bot.faq.loading import load_faq
from bot.faq.message import BACKGROUND_WEIGHT, read_message
from bot.settings import DEFAULT_KNOWLEDGE_DIR
from support import analyzer, faq_index


def test_the_question_counts_fully_the_background_less_and_a_greeting_not_at_all() -> None:
    message = read_message("안녕하세요. 저희는 비외감 법인입니다. 재무제표는 어떻게 보내나요?", analyzer().sentences)
    assert [(s.asks, s.greeting) for s in message.sentences] == [(False, True), (False, False), (True, False)]
    assert message.weighted_sentences() == [("저희는 비외감 법인입니다.", BACKGROUND_WEIGHT),
                                            ("재무제표는 어떻게 보내나요?", 1.0)]
    assert message.asked == "재무제표는 어떻게 보내나요?"


def test_sentences_typed_without_punctuation_or_spaces_are_still_found() -> None:
    assert len(analyzer().sentences("신평수수료있나요그리고유효기간은언제까지에요")) == 2


def test_a_message_with_no_asking_sentence_counts_every_sentence_fully() -> None:
    message = read_message("재무제표 전송 방법", analyzer().sentences)
    assert message.weighted_sentences() == [("재무제표 전송 방법", 1.0)]


@pytest.mark.parametrize(("text", "kind"), [
    ("A등급 보증수수료율 몇 퍼센트예요", "percent"),
    ("지점은 몇 시까지 해요?", "time_of_day"),
    ("확인원은 며칠간 유효해요?", "duration"),
    ("등급이 몇 단계예요?", "count"),
    ("출자 1좌 얼마예요", "amount"),
    ("마감이 언제예요?", "date"),
    ("어디서 떼요?", "place"),
    ("이의신청은 며칠 안에 해야 해요?", "duration"),
    ("안내 문자는 얼마나 자주 와요?", "frequency"),
    ("최대 몇 콜까지 쌓여요", "count"),
    ("확인원 떼는 데 수수료 있어요?", "fee"),
    ("수신자는 최대 몇 명 등록돼요?", "maximum"),
])
def test_the_asking_words_say_what_kind_of_answer_is_wanted(text: str, kind: str) -> None:
    assert kind in read_message(text, analyzer().sentences).answer_kinds


@pytest.mark.parametrize(("text", "kind"), [
    ("현금은 명세서 어디에 적어요?", "place"),      # a line of a form, not a place to go
    ("원가 상승은 부실 사례 중 어디에 해당해요?", "place"),
    ("안내 문자는 얼마나 자주 와요?", "amount"),    # how often, not how much money
])
def test_words_that_only_look_like_asking_for_a_kind_do_not(text: str, kind: str) -> None:
    assert kind not in read_message(text, analyzer().sentences).answer_kinds


def test_a_word_kiwi_does_not_know_is_corrected_but_a_real_word_never_is() -> None:
    terms = faq_index().analyzer.terms
    assert "신용평가" in terms("신요평가 수수료 잇나요", correct=True)
    # 분실 (lost) is a real word, one jamo from 부실 (insolvent): it stays what it is.
    assert "분실" in terms("출자증권을 분실했어요", correct=True)
    assert "부실" not in terms("출자증권을 분실했어요", correct=True)


def test_the_word_cache_keeps_the_knowledge_bases_texts_and_never_a_members_message(tmp_path: Path) -> None:
    cache = tmp_path / "faq-words.json"
    lexicon = Lexicon.load(DEFAULT_KNOWLEDGE_DIR / "lexicon.yaml")
    first = Analyzer(lexicon, cache)
    first.read_all(["보증해제 문자 수신거부", "재무제표 전송"])
    first.terms("010-1234-5678 번호로 문자 받게 해 주세요", correct=True)  # a member's message
    first.save_cache()
    saved = json.loads(cache.read_text(encoding="utf-8"))
    assert sorted(saved["words"]) == ["보증해제 문자 수신거부", "재무제표 전송"]
    second = Analyzer(lexicon, cache)
    assert second.terms("재무제표 전송") == first.terms("재무제표 전송")
    assert second.parts == first.parts


def test_a_damaged_word_cache_is_read_again_not_trusted(tmp_path: Path) -> None:
    cache = tmp_path / "faq-words.json"
    cache.write_text('{"fingerprint": "x", "words": {"재무제표": [["엉뚱한말", false]]}}', encoding="utf-8")
    reader = Analyzer(Lexicon.load(DEFAULT_KNOWLEDGE_DIR / "lexicon.yaml"), cache)
    assert "엉뚱한말" not in reader.terms("재무제표")
    cache.write_text("{not json", encoding="utf-8")
    assert "재무제표" in Analyzer(Lexicon.load(DEFAULT_KNOWLEDGE_DIR / "lexicon.yaml"), cache).terms("재무제표")


def test_the_shipped_seed_holds_every_text_of_the_knowledge_base(tmp_path: Path) -> None:
    """A new data folder's first start takes the words from knowledge/faq-words.json.gz: Kiwi
    reads none of the knowledge base again, and nothing is written beside the database."""
    cache = tmp_path / "faq-words.json"
    index = load_faq(DEFAULT_KNOWLEDGE_DIR, faq_actions(), cache=cache)
    stale = "knowledge/faq-words.json.gz is stale: run python scripts/build_word_seed.py"
    assert index.analyzer.new_texts == 0 and not cache.exists(), stale


def test_a_seed_is_only_read_and_the_cache_keeps_what_it_lacks(tmp_path: Path) -> None:
    lexicon = Lexicon.load(DEFAULT_KNOWLEDGE_DIR / "lexicon.yaml")
    seed, cache = tmp_path / "seed.json.gz", tmp_path / "faq-words.json"
    writer = Analyzer(lexicon)
    writer.read_all(["재무제표 전송"])
    writer.write_seed(seed)
    shipped = seed.read_bytes()
    reader = Analyzer(lexicon, cache, seed)
    reader.read_all(["재무제표 전송", "보증해제 문자 수신거부"])  # one new text: read, kept in the cache
    reader.save_cache()
    assert reader.new_texts == 0 and seed.read_bytes() == shipped
    assert sorted(json.loads(cache.read_text(encoding="utf-8"))["words"]) == ["보증해제 문자 수신거부", "재무제표 전송"]
    third = Analyzer(lexicon, cache, seed)
    third.read_all(["재무제표 전송", "보증해제 문자 수신거부"])
    assert third.new_texts == 0 and third.terms("재무제표 전송") == writer.terms("재무제표 전송")


def test_a_damaged_seed_is_read_again_not_trusted(tmp_path: Path) -> None:
    seed = tmp_path / "seed.json.gz"
    seed.write_bytes(b"\x1f\x8b not really gzip")
    reader = Analyzer(Lexicon.load(DEFAULT_KNOWLEDGE_DIR / "lexicon.yaml"), seed=seed)
    reader.read_all(["재무제표 전송"])
    assert reader.new_texts == 1 and "재무제표" in reader.terms("재무제표 전송")


def test_a_count_of_a_named_unit_needs_that_unit_counted() -> None:
    message = read_message("출자는 최소 몇 좌 해야 돼요?", analyzer().sentences)
    assert not gives_kinds(message, "신용등급에 따라 1좌당 융자한도가 다릅니다.")  # per unit, not a count
    assert not gives_kinds(message, "신용등급은 10등급입니다.")
    assert gives_kinds(message, "최소 10좌 이상 출자하셔야 합니다.")


def test_a_question_asking_an_upper_limit_needs_an_answer_stating_one() -> None:
    message = read_message("마일리지는 최대 얼마나 쌓을 수 있어요?", analyzer().sentences)
    assert not gives_kinds(message, "인터넷 보증서 1건당 1콜씩 적립되며, 1년 동안 쓸 수 있습니다.")
    assert gives_kinds(message, "적립 한도는 없습니다.")
