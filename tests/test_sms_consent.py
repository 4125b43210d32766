"""The consent wording: each version's words are fixed by their digest (changing a wording means
a new version), and version 2 says what now happens to a registration."""

from __future__ import annotations

import pytest

from bot.sms.consent import BACKUP_RETENTION_DAYS, CONSENT_DIGESTS, CONSENT_VERSION, consent_text, digest
from bot.sms.policy import PENDING_TTL


@pytest.mark.parametrize("version", sorted(CONSENT_DIGESTS))
def test_every_version_still_shows_the_words_it_was_given_under(version: str) -> None:
    assert digest(consent_text(version)) == CONSENT_DIGESTS[version]


def test_version_two_says_what_happens_now() -> None:
    assert CONSENT_VERSION == "v2"
    text = consent_text()
    for words in ("대표이사님께 등록 요청과 등록 사실을 문자로 알려 드리며", "승인하고 번호가 확인된 뒤부터",
                  f"승인되지 않은 요청은 {PENDING_TTL.days}일 뒤 지웁니다", "명부에서 바로 지우며",
                  f"백업에 남은 사본도 {BACKUP_RETENTION_DAYS}일 안에 없어집니다", "거부하실 권리"):
        assert words in text, words
    assert "삭제를 요청하시면 바로 지웁니다" in consent_text("v1")  # the old words, as they were shown
