"""Names typed into a question are masked before it is kept for staff: found by a title after
them or an introduction before them, never by a surname alone."""

from __future__ import annotations

import pytest

from bot.korean.names import mask_names


@pytest.mark.parametrize(("text", "masked"), [
    ("김철수 과장님 번호 바꾸려면", "김** 과장님 번호 바꾸려면"),
    ("홍길동씨가 신청했어요", "홍**씨가 신청했어요"),
    ("제 이름은 이영희입니다", "제 이름은 이**입니다"),
    ("담당자는 박민수예요", "담당자는 박**예요"),
    ("남궁민수 대표 휴대폰", "남궁** 대표 휴대폰"),
    ("홍길동입니다. 보증서 문의드려요", "홍**입니다. 보증서 문의드려요"),
    ("우리 대표 박영수 씨 번호 등록", "우리 대표 박** 씨 번호 등록"),
])
def test_a_name_next_to_a_title_or_an_introduction_is_masked(text: str, masked: str) -> None:
    assert mask_names(text) == masked


@pytest.mark.parametrize("text", [
    "신용평가 수수료 있나요", "이사님 번호 바꾸려면", "조합 대표님께 전화", "김대표님 폰으로 문자",
    "대표 변경하면 동의서 다시 내요?", "정보 변경은 어디서", "신규 담당자 등록",
])
def test_ordinary_words_are_left_alone(text: str) -> None:
    assert mask_names(text) == text


def test_words_the_caller_knows_are_never_names() -> None:
    assert mask_names("신용평가 담당자 연락처") == "신*** 담당자 연락처"  # 신 is a surname...
    assert mask_names("신용평가 담당자 연락처", known={"신용평가"}) == "신용평가 담당자 연락처"  # ...but a known word
