"""Korean mobile numbers in free text: the one pattern for them, and masking them before text is
shown, stored or logged.

People type a number with whatever is at hand between the groups: hyphens, en or em dashes, the
Hangul vowel ㅡ, slashes, underscores, commas, tildes, dots (spaced or not) or spaces. Only that
shape is masked (01X, then 3-4 and 4 digits, or +82 before it), and a resident registration
number's shape; dates (2026-11-30, 2026.11.30) and amounts (10,000,000원) stay readable."""

from __future__ import annotations

import re

# One separator between groups, possibly with spaces around it, or just spaces.
_SEP = r"(?:\s*[-‐‑‒–—―ㅡ/_,~.·)]\s*|\s+)?"
PHONE = re.compile(rf"(?<![\d])(?:\+?82{_SEP})?\(?0?1[016789]{_SEP}\d{{3,4}}{_SEP}\d{{4}}(?!\d)")
# 주민등록번호: six digits of birth date, then seven starting with the sex digit.
_RESIDENT_NO = re.compile(r"(?<!\d)\d{6}\s*[-–ㅡ]?\s*[1-8]\d{6}(?!\d)")


def mask_phone(number: str) -> str:
    """010-1234-5678 -> 010-****-5678 (keeps the prefix and last four, as members expect)."""
    digits = re.sub(r"\D", "", number)
    if digits.startswith("82"):
        digits = "0" + digits[2:].removeprefix("0")
    if len(digits) < 8:
        return "*" * len(digits)
    return f"{digits[:3]}-****-{digits[-4:]}"


def redact(text: str) -> str:
    """Free text with every mobile number and resident registration number masked: safe for
    logs, reports and kept questions."""
    masked = mask_phones(text)
    return _RESIDENT_NO.sub(lambda m: m.group(0)[:6] + "-*******", masked)


def mask_phones(text: str) -> str:
    """Every mobile number in text masked as mask_phone does; other digits left as they are."""
    return PHONE.sub(lambda m: mask_phone(m.group(0)), text)
