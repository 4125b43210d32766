"""The consent wording shown before a recipient is stored, and the version recorded with it."""

from __future__ import annotations

import hashlib

from bot.templates import render

CONSENT_VERSION = "v1"
# SHA-256 of the wording each version showed: a test fails when the template changes without a
# new version, so a stored version always names the words the member agreed to.
CONSENT_DIGESTS = {
    "v1": "aa9c8b64e0d824c975622ca7c66956829ac55fdfc342266073bc1efd7f127c99",
}


def consent_text() -> str:
    """The wording of the current version, as shown to the member."""
    return render("sms_consent")


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
