"""Hangul helpers: syllables decomposed to jamo for typo tolerance, so that a one-key slip
("신요" for "신용", "잇" for "있") costs one character, not a whole syllable; the form used to
compare without spacing; and the one josa helper (은/는, 을/를, 이/가, 으로/로)."""

from __future__ import annotations

import re
import unicodedata

_SYLLABLE_BASE = 0xAC00
_SYLLABLE_LAST = 0xD7A3
_LEADS = [chr(c) for c in range(0x1100, 0x1113)]
_VOWELS = [chr(c) for c in range(0x1161, 0x1176)]
_TAILS = ["", *[chr(c) for c in range(0x11A8, 0x11C3)]]


def to_jamo(text: str) -> str:
    """Decompose every precomposed Hangul syllable into its lead, vowel and tail jamo."""
    out: list[str] = []
    for ch in text:
        code = ord(ch)
        if _SYLLABLE_BASE <= code <= _SYLLABLE_LAST:
            index = code - _SYLLABLE_BASE
            out.append(_LEADS[index // 588])
            out.append(_VOWELS[(index % 588) // 28])
            out.append(_TAILS[index % 28])
        else:
            out.append(ch)
    return "".join(out)


def squash(text: str) -> str:
    """NFC, lower case, letters and digits only: the form used to compare without spacing."""
    text = unicodedata.normalize("NFC", text).lower()
    return "".join(ch for ch in text if ch.isalnum())


def josa(word: str, pair: str) -> str:
    """word + the particle of "은/는", "을/를", "이/가" or "으로/로" that fits how it ends: the
    first after a final consonant (but 로 after ㄹ), the second after a vowel or a non-Hangul
    ending. Trailing punctuation is looked past: "동의서(신용평가용)" takes 을."""
    with_final, without = pair.split("/")
    letters = re.sub(r"[^0-9A-Za-z가-힣]+$", "", word)
    last = letters[-1] if letters else ""
    if "가" <= last <= "힣":
        final = (ord(last) - 0xAC00) % 28
        use_with = final != 0 and not (with_final == "으로" and final == 8)  # ㄹ takes 로
    else:
        use_with = False
    return word + (with_final if use_with else without)
