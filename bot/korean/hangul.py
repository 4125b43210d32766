"""Hangul helpers for typo tolerance: syllables decomposed to jamo, so that a one-key slip
("신요" for "신용", "잇" for "있") costs one character, not a whole syllable."""

from __future__ import annotations

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
