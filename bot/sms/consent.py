"""The consent wording shown before a recipient is stored, and the version recorded with it.

Each version's wording stays in its own template (sms_consent_<version>.j2) so a stored consent
always names words that can still be read; a new wording is a new version, and consents given
under an older one keep it."""

from __future__ import annotations

import hashlib

from bot.sms import policy
from bot.templates import render

CONSENT_VERSION = "v2"
# How long a copy of an erased number may live on in the nightly backups: the backups kept
# (`bot backup`) must not reach further back than this.
BACKUP_RETENTION_DAYS = 30
# SHA-256 of the wording each version showed: a test fails when a template changes without a
# new version, so a stored version always names the words the member agreed to.
CONSENT_DIGESTS = {
    "v1": "aa9c8b64e0d824c975622ca7c66956829ac55fdfc342266073bc1efd7f127c99",
    "v2": "25389abf83d86911c84f01889839a4e6c1a6584ea2e058cd2a25a0a6f98c61af",
}


def consent_text(version: str = CONSENT_VERSION) -> str:
    """The wording of `version`, as shown to the member."""
    return render(f"sms_consent_{version}", pending_days=policy.PENDING_TTL.days, backup_days=BACKUP_RETENTION_DAYS)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
