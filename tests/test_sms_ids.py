"""Korean mobile numbers, business registration numbers, member numbers and names: what is
accepted, how it is normalised, and the reason given for everything refused."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.korean.phones import mask_phone
from bot.sms.kr_ids import (
    FieldError,
    brn_checksum_ok,
    clean_text,
    display_phone,
    national,
    parse_brn,
    parse_member_no,
    parse_mobile,
    parse_person_name,
)


@pytest.mark.parametrize("typed", [
    "010-1234-5678", "01012345678", "010 1234 5678", "010.1234.5678", "+82 10-1234-5678",
    "+82 010 1234 5678", "821012345678", "+821012345678", "(010) 1234-5678", "０１０-１２３４-５６７８",
])
def test_every_usual_spelling_of_a_mobile_gives_e164(typed: str) -> None:
    assert parse_mobile(typed) == "+821012345678"


@pytest.mark.parametrize(("typed", "reason"), [
    ("", "비어"),
    ("010-1234", "올바른 휴대전화 번호가 아닙니다"),
    ("010-12345-67890", "올바른 휴대전화 번호가 아닙니다"),
    ("02-1234-5678", "휴대전화 번호(010 등)만"),
    ("031-123-4567", "휴대전화 번호(010 등)만"),
    ("070-1234-5678", "휴대전화 번호(010 등)만"),
    ("1588-1234", "휴대전화 번호(010 등)만"),
    ("+1 650 253 0000", "국내 휴대전화"),
    ("+81 90-1234-5678", "국내 휴대전화"),
    ("010-1234-567a", "숫자와"),
    ("'; DROP TABLE sms_recipients; --", "숫자와"),
    ("1" * 40, "숫자와"),
])
def test_numbers_that_are_not_korean_mobiles_are_refused_with_a_reason(typed: str, reason: str) -> None:
    with pytest.raises(FieldError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        parse_mobile(typed)


def _outcome(typed: str) -> str:
    """What parse_mobile makes of one spelling: the E.164 number, or the reason it refuses."""
    try:
        return parse_mobile(typed)
    except FieldError as exc:
        return f"refused: {exc}"


@given(st.integers(min_value=1000, max_value=9999), st.integers(min_value=0, max_value=9999))
def test_spellings_of_one_number_agree_and_mask_hides_the_middle(middle: int, last: int) -> None:
    # What the parser guarantees is agreement: every spelling of one 010 number gives the same
    # E.164 form, or the same refusal (phonenumbers' metadata leaves some blocks unassigned,
    # e.g. 010-597x..599x, and those are refused however they are typed).
    spellings = [form.format(a="10", b=f"{middle:04d}", c=f"{last:04d}")
                 for form in ("0{a}-{b}-{c}", "0{a}{b}{c}", "+82 {a} {b} {c}", "82{a}{b}{c}", "0{a}.{b}.{c}")]
    outcomes = {_outcome(typed) for typed in spellings}
    assert len(outcomes) == 1, outcomes
    [e164] = outcomes
    if e164.startswith("refused"):
        assert "올바른 휴대전화 번호가 아닙니다" in e164
        return
    assert e164 == f"+8210{middle:04d}{last:04d}"
    assert national(e164) == f"010{middle:04d}{last:04d}"
    assert display_phone(e164) == f"010-{middle:04d}-{last:04d}"
    assert mask_phone(e164) == f"010-****-{last:04d}"


def test_an_unassigned_010_block_is_refused_in_every_spelling() -> None:
    for typed in ("010-5970-0000", "01059700000", "+82 10 5970 0000"):
        with pytest.raises(FieldError, match="올바른 휴대전화 번호가 아닙니다"):
            parse_mobile(typed)


@pytest.mark.parametrize("brn", ["101-81-00016", "1018100016", " 2208100170 ", "124-81-00998"])
def test_business_numbers_with_a_good_check_digit_pass(brn: str) -> None:
    assert parse_brn(brn) == brn.strip().replace("-", "")


@pytest.mark.parametrize(("brn", "reason"), [
    ("101-81-00017", "검증 숫자"),
    ("124-81-00999", "검증 숫자"),
    ("12345", "10자리"),
    ("", "10자리"),
    ("000-81-00016", "올바른 사업자등록번호가 아닙니다"),
    ("abcdefghij", "올바른 사업자등록번호가 아닙니다"),
])
def test_business_numbers_are_refused_with_a_reason(brn: str, reason: str) -> None:
    with pytest.raises(FieldError, match=reason):
        parse_brn(brn)


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_exactly_one_check_digit_fits_every_business_number(head: str) -> None:
    assert sum(brn_checksum_ok(head + str(d)) for d in range(10)) == 1


def test_member_numbers_ignore_spaces_and_hyphens() -> None:
    assert parse_member_no(" 10-01 ") == "1001"
    assert parse_member_no("a100") == "A100"
    for bad in ("", "1001; --", "1" * 21, "조합원"):
        with pytest.raises(FieldError):
            parse_member_no(bad)


def test_names_are_letters_within_a_limit() -> None:
    assert parse_person_name("  홍  길동 ") == "홍 길동"
    assert parse_person_name("John O'Neil") == "John O'Neil"
    for bad, reason in (("홍길동1", "숫자"), ("x" * 10_000, "40자"), ("", "비어"), ("홍\x00길동", "쓸 수 없는"),
                        ("Robert'); DROP TABLE--", "글자로만")):
        with pytest.raises(FieldError, match=reason):
            parse_person_name(bad)


def test_free_text_fields_refuse_control_characters_and_overlong_values() -> None:
    assert clean_text("가나\n설비", "상호") == "가나 설비"
    with pytest.raises(FieldError, match="100자"):
        clean_text("가" * 101, "상호")
    with pytest.raises(FieldError, match="쓸 수 없는"):
        clean_text("가나\u202e설비", "상호")
