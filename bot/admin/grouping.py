"""When two missed questions are the same question in other words: they share most of their
content words (as the FAQ reads them, synonyms folded: "비용"/"수수료"), or they are nearly the
same string of letters (slips and spacing: "신요평가 수수료" / "신용평가수수료")."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from rapidfuzz import fuzz

from bot.korean.hangul import squash, to_jamo

# Shared words over all words of the two (Jaccard): "신용평가 비용 얼마예요" and "신용평가 비용
# 있나요" share two of three; "신용평가 서류" and "신용평가 비용" one of three.
SAME_WORDS = 0.6
# Jamo-level similarity of the two texts without spaces.
SAME_LETTERS = 0.85


# Every miss is compared with every stored group: their letters are spelled out once, not per
# miss. Bounded, since groups only ever grow.
@lru_cache(maxsize=4096)
def letters(text: str) -> str:
    return to_jamo(squash(text))


def likeness(words: frozenset[str], text: str, other_words: frozenset[str], other_text: str) -> float:
    """0..1: how alike two questions are; at or above `same_question`'s bar they are one."""
    shared = len(words & other_words) / len(words | other_words) if words and other_words else 0.0
    spelled = fuzz.ratio(letters(text), letters(other_text)) / 100
    return max(shared if shared >= SAME_WORDS else 0.0, spelled if spelled >= SAME_LETTERS else 0.0)


def closest(words: frozenset[str], text: str, groups: Iterable[tuple[int, frozenset[str], str]]) -> int | None:
    """The id of the group (id, words, representative) the question belongs to, if any: the
    most alike, ties to the oldest group, so ids stay where they are."""
    best, best_id = 0.0, None
    for group_id, group_words, group_text in groups:
        score = likeness(words, text, group_words, group_text)
        if score > best:
            best, best_id = score, group_id
    return best_id
