"""Ranking and confidence on questions of our own phrasing (tests/data/faq_questions.yaml),
and the three outcomes: a confident answer, did-you-mean suggestions, an honest fallback."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
import yaml

from bot.faq.classifier import ClassifierError, PhrasingClassifier, documents, features
from bot.faq.features import GATE_FEATURES, gives_kinds
from bot.faq.index import FaqIndex
from support import faq_index

QUESTIONS = yaml.safe_load((Path(__file__).parent / "data" / "faq_questions.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("item", QUESTIONS, ids=[q["q"] for q in QUESTIONS])
def test_the_right_entry_is_among_the_first_three_and_never_a_fallback(item: dict[str, str]) -> None:
    ranking = faq_index().rank(item["q"])
    assert item["id"] in [m.entry.id for m in ranking.matches[:3]]
    assert ranking.outcome != "fallback"


def test_most_questions_get_the_right_answer_outright_and_none_a_wrong_one() -> None:
    right = wrong = 0
    for item in QUESTIONS:
        ranking = faq_index().rank(item["q"])
        if ranking.outcome == "answer" and ranking.best is not None:
            if ranking.best.entry.id == item["id"]:
                right += 1
            else:
                wrong += 1
    assert right / len(QUESTIONS) >= 0.85
    assert wrong <= 1


TYPED = {"신요평가 수수료 잇나요": "rating-fee", "보증해제문자수신거부방법": "sms-release-optout",
         "공인인증서발급은행변경": "cert-change-bank"}


@pytest.mark.parametrize(("typed", "entry"), TYPED.items())
def test_typos_and_missing_spaces_still_find_the_entry(typed: str, entry: str) -> None:
    ranking = faq_index().rank(typed)
    assert ranking.best is not None and ranking.best.entry.id == entry
    assert ranking.outcome != "fallback"


def test_most_typed_with_slips_are_answered_outright() -> None:
    assert sum(faq_index().rank(typed).outcome == "answer" for typed in TYPED) >= 2


@pytest.mark.parametrize("typed", ["수수료", "유효기간", "전송"])
def test_a_bare_word_that_fits_several_entries_is_a_suggestion(typed: str) -> None:
    ranking = faq_index().rank(typed)
    assert ranking.outcome == "suggest"
    assert len(ranking.matches) >= 3


@pytest.mark.parametrize("typed", [
    "오늘 서울 날씨 어때요", "코스피 지수 알려줘", "이더리움 가격", "종합소득세 신고 기한",
    "부가가치세 환급 언제 돼요", "점심 메뉴 추천", "보증보험 가입비 얼마", "", "ㅋㅋㅋㅋ", "1234",
    "조합 가입하려면 어떻게 해요", "보증서 재발급",
])
def test_out_of_scope_is_never_a_confident_answer(typed: str) -> None:
    assert faq_index().rank(typed).outcome != "answer"


def test_confidence_is_a_share() -> None:
    for item in QUESTIONS[:10]:
        assert 0.0 <= faq_index().rank(item["q"]).confidence <= 1.0


def test_a_close_runner_up_that_gives_the_rate_asked_for_goes_first() -> None:
    """"몇 %예요?" is answered by the entry that states the percentages, not by its neighbour
    that only names the same items."""
    index = faq_index()
    text = "2금융권 비중이 몇 퍼센트 넘으면 조기경보에 걸려요?"
    evidence = index.read(text)
    by_words = index.entries[int(np.argmax(evidence.fused[: len(index.entries)]))]
    assert "%" not in by_words.answer  # the words alone put the neighbour first
    judgement = index.judge(evidence)
    top = index.entries[int(judgement.order[0])]
    assert "%" in top.answer
    assert judgement.gate[list(GATE_FEATURES).index("kind_unmet")] == 0.0


def test_every_entry_and_topic_has_a_column_in_the_learned_view() -> None:
    index = faq_index()
    assert index.classifier is not None
    missing = [doc for doc, _ in documents(index.entries, index.topics) if doc not in index.classifier.classes]
    assert not missing, f"knowledge/classifier.npz lacks {missing}: run scripts/fit_classifier.py, then fit_ranker.py"


def test_the_learned_view_knows_each_entry_by_its_own_question() -> None:
    index = faq_index()
    assert index.classifier is not None
    for entry in index.entries:
        query = index.views.query(entry.question)
        probabilities = index.classifier.probabilities(features(query.terms, query.grams))
        assert probabilities.sum() == pytest.approx(1.0)
        assert index.classifier.classes[int(np.argmax(probabilities))] == entry.id


def test_a_missing_or_damaged_classifier_is_named_with_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ClassifierError, match=r"classifier\.npz: 파일이 없습니다 \(python scripts/fit_classifier.py"):
        PhrasingClassifier.load(tmp_path / "classifier.npz")
    (tmp_path / "classifier.npz").write_bytes(b"PK\x03\x04 not a real archive")
    with pytest.raises(ClassifierError, match=r"classifier\.npz: 읽을 수 없습니다"):
        PhrasingClassifier.load(tmp_path / "classifier.npz")


def test_an_index_without_the_learned_view_still_ranks() -> None:
    base = faq_index()
    bare = FaqIndex(base.kb, base.analyzer, base.model, base.topics)
    ranking = bare.rank("신용평가 수수료 있나요")
    assert ranking.best is not None and ranking.best.entry.id == "rating-fee"


def test_scope_is_judged_by_the_nearest_entry_not_by_the_kind_checks_choice() -> None:
    """The kind check may put a dated entry before a nearer undated one ("언제예요?"); whether the
    message is out of scope still depends on how near the nearest entry is."""
    index = faq_index()
    evidence = index.read("마감이 언제예요?")
    n = len(index.entries)
    undated = next(i for i, e in enumerate(index.entries) if not gives_kinds(evidence.query.message, e.answer))
    dated = next(i for i, e in enumerate(index.entries) if gives_kinds(evidence.query.message, e.answer))
    fused = np.zeros(len(evidence.fused))
    fused[undated], fused[dated], fused[n] = 0.70, 0.45, 0.55
    judgement = index.judge(dataclasses.replace(evidence, fused=fused))
    assert int(judgement.order[0]) == dated and judgement.topic is None
    fused[n] = 0.75
    assert index.judge(dataclasses.replace(evidence, fused=fused)).topic == 0
