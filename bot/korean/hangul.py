"""Hangul helpers: syllables decomposed to jamo for typo tolerance, so that a one-key slip
("신요" for "신용", "잇" for "있") costs one character, not a whole syllable; the form used to
compare without spacing; and the one josa helper (은/는, 을/를, 이/가, 과/와, 으로/로)."""

from __future__ import annotations

import re
import unicodedata


def to_jamo(text: str) -> str:
    """Decompose every precomposed Hangul syllable into its lead, vowel and tail jamo. Unicode's
    canonical decomposition (NFD) is exactly that for Hangul, done in C; it also takes accents
    off Latin letters, which the guides and the members' messages compare the same way."""
    return unicodedata.normalize("NFD", text)


# What squash drops: everything but letters and digits (\W, and the underscore \w lets in).
# The same as keeping str.isalnum characters on every line of the guides, the knowledge files and
# the dev sets, done in C: the index squashes every phrasing at start-up.
_NOT_LETTER_OR_DIGIT = re.compile(r"[\W_]+")


def squash(text: str) -> str:
    """NFC, lower case, letters and digits only: the form used to compare without spacing."""
    return _NOT_LETTER_OR_DIGIT.sub("", unicodedata.normalize("NFC", text).lower())


def clip(text: str, limit: int) -> str:
    """The text cut to `limit` characters, an ellipsis showing where."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def josa(word: str, pair: str) -> str:
    """word + the particle of "은/는", "을/를", "이/가", "과/와" or "으로/로" that fits how it is read:
    the first after a final consonant (but 로 after ㄹ), the second after a vowel. Digits are read
    as Korean numbers ("2025년 3월 5일" → 이, "10" → 이 for 십) and Latin letters as their names
    ("URL" → 이, "SMS" → 가); a closing parenthesis and quotes are looked past: the word before a
    parenthesis chooses, as in "동의서(신용평가용)를" and "2026년 11월 13일(금)은"."""
    with_final, without = pair.split("/")
    final = _final_sound(word)
    use_with = final is not None and not (with_final == "으로" and final == "ㄹ")
    return word + (with_final if use_with else without)


# The final consonant heard at the end of a digit (영, 일, 이...), and of round numbers (십, 백...).
_DIGIT_FINALS = {"0": "ㅇ", "1": "ㄹ", "2": None, "3": "ㅁ", "4": None, "5": None, "6": "ㄱ", "7": "ㄹ",
                 "8": "ㄹ", "9": None}
_ROUND_FINALS: tuple[tuple[int, str | None], ...] = (
    (12, None), (8, "ㄱ"), (4, "ㄴ"), (3, "ㄴ"), (2, "ㄱ"), (1, "ㅂ"))  # 조, 억, 만, 천, 백, 십
# Letter names that end in a consonant: 엘, 엠, 엔 (and R read 알).
_LETTER_FINALS = {"l": "ㄹ", "m": "ㅁ", "n": "ㄴ", "r": "ㄹ"}
_FINALS = " ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ"


def _final_sound(word: str) -> str | None:
    """The final consonant (as a compatibility jamo) the word ends on when read, or None."""
    letters = re.sub(r"[^0-9A-Za-z가-힣]+$", "", re.sub(r"\([^()]*\)\W*$", "", word) or word)
    if not letters:
        return None
    last = letters[-1]
    if "가" <= last <= "힣":
        index = (ord(last) - 0xAC00) % 28
        return _FINALS[index] if index else None
    if last.isdigit():
        digits = re.search(r"\d+$", letters)
        run = digits.group(0) if digits else last
        if int(run) == 0:
            return "ㅇ"
        zeros = len(run) - len(run.rstrip("0"))
        if zeros == 0:
            return _DIGIT_FINALS[last]
        return next(final for power, final in _ROUND_FINALS if zeros >= power)
    return _LETTER_FINALS.get(last.lower())
