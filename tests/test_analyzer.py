"""The Korean analyser: content words only, stems for verbs, the domain's terms whole and by
their parts, synonyms folded, typos corrected towards the guides' words."""

from __future__ import annotations

import pytest

from support import analyzer, faq_index


@pytest.mark.parametrize(("text", "present", "absent"), [
    ("신용평가를 받으려면 서류를 제출해야 하나요?", {"신용평가", "서류", "제출"}, {"를", "하", "나요"}),
    ("재무제표를 보냈어요", {"재무제표", "전송"}, {"보냈어요"}),
    ("세무사가 보내요", {"세무대리인", "전송"}, {"세무사"}),
    ("핸드폰으로 문자 받기", {"핸드폰", "문자"}, set()),
    ("휴대폰 SMS", {"핸드폰", "문자"}, {"sms"}),
    ("공동인증서 갱신", {"공인인증서"}, {"공동인증서"}),
    ("대출 이자율", {"융자"}, {"대출"}),
    ("문자 안 받기", {"수신거부"}, set()),
])
def test_content_words_synonyms_and_stems(text: str, present: set[str], absent: set[str]) -> None:
    terms = set(analyzer().terms(text))
    assert present <= terms
    assert not (absent & terms)


@pytest.mark.parametrize("spelling", ["보증해제", "보증 해제"])
def test_a_domain_term_reads_the_same_with_or_without_spaces(spelling: str) -> None:
    assert {"보증해제", "보증"} <= set(analyzer().terms(spelling))


def test_user_dictionary_keeps_foreign_and_coined_terms_whole() -> None:
    terms = analyzer().terms("XecureWeb 설치하고 원클릭으로 표준재무제표증명 보내기")
    assert {"xecureweb", "원클릭", "표준재무제표증명"} <= set(terms)


def test_typos_are_corrected_to_the_guides_words_only_for_queries() -> None:
    faq_index()  # the index gives the analyser its vocabulary
    assert "신요" not in analyzer().terms("신요평가 수수료", correct=True)
    assert "신요" in analyzer().terms("신요평가 수수료")


def test_negation_is_kept() -> None:
    assert "안" in analyzer().terms("신용평가 안 받아도 되나요")



def test_a_one_sentence_message_is_read_once_with_the_same_words(monkeypatch: pytest.MonkeyPatch) -> None:
    reader = analyzer()
    text = "신용평가 신청서류를 지점에 직접 내도 되나요"
    reader._sentences.pop(text, None)
    reader._raw.pop(text, None)
    expected = reader._content_words(reader.kiwi.tokenize(reader.normalize(text)))
    read: list[str] = []
    tokenize = reader.kiwi.tokenize
    monkeypatch.setattr(reader.kiwi, "tokenize", lambda *a, **k: read.append(a[0]) or tokenize(*a, **k))
    assert reader.sentences(text) == [text]
    assert reader._words(text) == expected
    assert read == []  # splitting the sentences read its words already
