"""The one josa helper: 은/는, 이/가, 을/를, 과/와, 으로/로 chosen by how the word is read, digits and
Latin letters included, a parenthesis and quotes looked past."""

from __future__ import annotations

import pytest

from bot.korean.hangul import josa


@pytest.mark.parametrize(("word", "pair", "expected"), [
    ("지점", "은/는", "지점은"), ("보증", "이/가", "보증이"), ("대표", "이/가", "대표가"), ("서류", "을/를", "서류를"),
    ("부산", "으로/로", "부산으로"), ("서울", "으로/로", "서울로"), ("제주", "으로/로", "제주로"),
    ("지점", "과/와", "지점과"), ("대표", "과/와", "대표와"),
    ("'수원'", "은/는", "'수원'은"), ("동의서(신용평가용)", "을/를", "동의서(신용평가용)를"),
    ("2026년 11월 13일(금)", "은/는", "2026년 11월 13일(금)은"),
    ("1001", "이/가", "1001이"), ("1002", "이/가", "1002가"), ("41135", "이/가", "41135가"), ("41170", "이/가", "41170이"),
    ("10", "이/가", "10이"), ("100", "은/는", "100은"), ("1000", "은/는", "1000은"), ("20000", "을/를", "20000을"),
    ("100000000", "이/가", "100000000이"), ("0", "이/가", "0이"), ("3", "으로/로", "3으로"), ("7", "으로/로", "7로"),
    ("URL", "이/가", "URL이"), ("SMS", "이/가", "SMS가"), ("PDF", "을/를", "PDF를"), ("BOT_WEBHOOK_URL", "은/는", "BOT_WEBHOOK_URL은"),
])
def test_the_particle_fits_how_the_word_is_read(word: str, pair: str, expected: str) -> None:
    assert josa(word, pair) == expected


@pytest.mark.parametrize("pair", ["은/는", "이/가", "을/를", "과/와", "으로/로"])
def test_exactly_one_form_is_added_whatever_the_word(pair: str) -> None:
    for word in ("가", "각", "갈", "1", "A", "", "(주)", "'1001'", "ㅋㅋ", "?!"):
        assert josa(word, pair).removeprefix(word) in pair.split("/")
