"""Korean phone numbers in free text: the one pattern for them, and masking them (and other long
digit runs) before text is shown, stored or logged."""

from __future__ import annotations

import re

# Korean mobile and landline numbers as people type them: 010-1234-5678, 01012345678,
# +82 10 1234 5678, 02)1234-5678...
PHONE = re.compile(r"(?<!\d)(?:\+?82[-\s.]?)?0?1[016789][-\s.)]?\d{3,4}[-\s.]?\d{4}(?!\d)")
_LONG_DIGITS = re.compile(r"\d[\d\-\s]{8,}\d")


def mask_phone(number: str) -> str:
    """010-1234-5678 -> 010-****-5678 (keeps the prefix and last four, as members expect)."""
    digits = re.sub(r"\D", "", number)
    if digits.startswith("82"):
        digits = "0" + digits[2:]
    if len(digits) < 8:
        return "*" * len(digits)
    return f"{digits[:3]}-****-{digits[-4:]}"


def redact(text: str) -> str:
    """Free text with every phone-like or long digit run masked: safe for logs and reports."""
    return _LONG_DIGITS.sub(lambda m: re.sub(r"\d", "*", m.group(0)), mask_phones(text))


def mask_phones(text: str) -> str:
    """Every phone number in text masked as mask_phone does; other digits left as they are."""
    return PHONE.sub(lambda m: mask_phone(m.group(0)), text)

