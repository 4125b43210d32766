"""Masking phone numbers before text is kept or logged: every way people separate a mobile
number's groups is caught, only phone shapes are masked (dates and amounts stay readable), the
last question a conversation keeps is stored masked, and python-telegram-bot's own log lines
(an update it cannot parse is logged whole) are masked too."""

from __future__ import annotations

import logging

import pytest

from bot.handlers.log_redaction import RedactPhones, redact_library_logs
from bot.korean.phones import mask_phone, redact
from bot.storage import open_db
from bot.storage.state import StateStore


@pytest.mark.parametrize("typed", [
    "010-1234-5678", "010–1234–5678", "010—1234—5678", "010ㅡ1234ㅡ5678", "010/1234/5678", "010_1234_5678",
    "010,1234,5678", "010~1234~5678", "010 . 1234 . 5678", "010.1234.5678", "010 1234 5678", "01012345678",
    "+82 10-1234-5678", "+82 010 1234 5678", "821012345678", "(010) 1234-5678", "011-123-5678",
])
def test_every_spelling_of_a_mobile_number_is_masked(typed: str) -> None:
    masked = redact(f"제 번호는 {typed} 입니다")
    assert "5678" in masked and "1234" not in masked and "123-" not in masked, masked
    assert masked.startswith("제 번호는 01") and masked.endswith(" 입니다")


@pytest.mark.parametrize("text", [
    "2026-11-30", "2026.11.30", "2026/11/30", "2016.12.31 결산", "보증금액 50,000,000원", "10000000원",
    "1,100만원", "계약보증 1억 종료일 2027년 1월 9일", "G-2026-001", "02-3449-8738", "1588-1234", "20261130",
    "3,000만원 1,010,0000", "2016~2017년", "사업자등록번호 101-81-00016",
])
def test_dates_amounts_and_other_numbers_stay_readable(text: str) -> None:
    assert redact(text) == text


def test_a_resident_registration_number_is_masked_too() -> None:
    assert redact("주민번호 900101-1234567 로 조회") == "주민번호 900101-******* 로 조회"


def test_mask_phone_keeps_the_prefix_and_the_last_four() -> None:
    assert mask_phone("+82 010 1234 5678") == "010-****-5678" == mask_phone("821012345678")


def test_the_last_question_is_kept_masked() -> None:
    store = StateStore(open_db(None))
    store.save("c1", {"last_question": "010ㅡ1234ㅡ5678 로 문자 안 와요, 2026-11-30 종료", "data": {"phone": "+821012345678"}})
    raw = store.db.execute("SELECT state FROM conversations").fetchone()[0]
    assert "010-****-5678 로 문자 안 와요, 2026-11-30 종료" in raw and "1234ㅡ" not in raw
    assert "+821012345678" in raw  # a flow's own scratch data is the flow's (purged within a day)


def test_the_library_s_log_of_an_unparsable_update_is_masked(caplog: pytest.LogCaptureFixture) -> None:
    import telegram.ext  # noqa: F401  (its loggers exist once imported)

    assert redact_library_logs() > 0
    logger = logging.getLogger("telegram.ext.ExtBot")
    assert any(isinstance(f, RedactPhones) for f in logger.filters)
    with caplog.at_level(logging.DEBUG, logger="telegram"):
        try:
            raise ValueError("bad contact 821097535678")
        except ValueError as exc:
            logger.critical("Error while parsing updates! Received data was %r",
                            [{"message": {"contact": {"phone_number": "821097535678"}}}], exc_info=exc)
    [record] = [r for r in caplog.records if r.name == "telegram.ext.ExtBot"]
    assert "010-****-5678" in record.getMessage() and "9753" not in record.getMessage()
    assert "9753" not in caplog.text and "010-****-5678" in (record.exc_text or "")
