"""Korean identifiers as members type them: mobile numbers, business registration numbers,
member numbers and names. Pure functions; every rejection carries a polite Korean reason."""

from __future__ import annotations

import re
import unicodedata

import phonenumbers
from stdnum import exceptions as stdnum_errors
from stdnum.kr import brn as stdnum_brn

from bot.korean.hangul import josa, squash
from bot.korean.values import NO_WORDS, YES_WORDS

MAX_NAME_CHARS = 40
MAX_TEXT_CHARS = 100
_PHONE_CHARS = re.compile(r"[0-9+\-\s().]+")
_MEMBER_NO = re.compile(r"[0-9A-Z]{1,20}")
# Words typed in answer to the bot, which are no one's name ("취소님은 대표이사이신가요?").
NOT_NAMES = frozenset(squash(w) for w in (
    *YES_WORDS, *NO_WORDS, "넵", "응", "ㅇㅇ", "ok", "yes", "no", "취소", "그만", "종료", "처음", "메뉴", "도움말",
    "help", "cancel", "start", "동의", "동의합니다", "동의안함", "거부", "확인", "등록", "삭제", "수신거부", "조회",
    "대표", "대표님", "대표이사", "사장", "사장님", "담당", "담당자", "직원", "경리", "실무자", "본인", "모름",
    "몰라요", "없음", "테스트", "test",
))
# stdnum checks the BRN's shape but not its check digit, so the 국세청 weights are applied here.
_BRN_WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)


class FieldError(ValueError):
    """A value that cannot be used; str() is the reason, in Korean, for the user."""


def parse_mobile(text: str) -> str:
    """A Korean mobile number in any usual spelling -> E.164 (+821012345678)."""
    raw = unicodedata.normalize("NFKC", text).strip()
    if not raw:
        raise FieldError("휴대전화 번호가 비어 있습니다.")
    if len(raw) > 32 or not _PHONE_CHARS.fullmatch(raw):
        raise FieldError("휴대전화 번호는 숫자와 '-'로만 입력해 주세요. 예) 010-1234-5678")
    digits = re.sub(r"\D", "", raw)
    # Telegram sends contacts as 821012345678, without the plus; national numbers start with 0.
    candidate = "+" + digits if not raw.startswith("+") and digits.startswith("82") else raw
    try:
        number = phonenumbers.parse(candidate, "KR")
    except phonenumbers.NumberParseException as exc:
        raise FieldError("올바른 휴대전화 번호가 아닙니다. 예) 010-1234-5678") from exc
    if number.country_code != 82:
        raise FieldError("국내 휴대전화 번호만 등록할 수 있습니다.")
    if not phonenumbers.is_valid_number(number):
        raise FieldError("올바른 휴대전화 번호가 아닙니다. 자릿수를 확인해 주세요. 예) 010-1234-5678")
    if phonenumbers.number_type(number) != phonenumbers.PhoneNumberType.MOBILE:
        raise FieldError("휴대전화 번호(010 등)만 받을 수 있습니다. 일반 전화나 인터넷 전화번호는 등록할 수 없습니다.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def national(e164: str) -> str:
    """+821012345678 -> 01012345678, the form Korean SMS gateways take."""
    return "0" + e164[3:] if e164.startswith("+82") else e164


def display_phone(e164: str) -> str:
    """+821012345678 -> 010-1234-5678, for staff who asked for full numbers."""
    digits = national(e164)
    return f"{digits[:3]}-{digits[3:-4]}-{digits[-4:]}" if len(digits) >= 10 else digits


def brn_checksum_ok(digits: str) -> bool:
    """The 국세청 check digit: weighted sum plus the carry of the ninth digit times five."""
    values = [int(c) for c in digits]
    total = sum(v * w for v, w in zip(values, _BRN_WEIGHTS, strict=False)) + values[8] * 5 // 10
    return (10 - total % 10) % 10 == values[9]


def parse_brn(text: str) -> str:
    """A business registration number (123-45-67890) -> its ten digits, checksum verified."""
    raw = unicodedata.normalize("NFKC", text).strip()
    try:
        digits = stdnum_brn.validate(raw)
    except stdnum_errors.InvalidLength as exc:
        raise FieldError("사업자등록번호는 10자리 숫자입니다. 예) 123-45-67890") from exc
    except stdnum_errors.ValidationError as exc:
        raise FieldError("올바른 사업자등록번호가 아닙니다.") from exc
    if not brn_checksum_ok(digits):
        raise FieldError("사업자등록번호의 검증 숫자가 맞지 않습니다. 번호를 다시 확인해 주세요.")
    return digits


def parse_member_no(text: str) -> str:
    """A member number as typed (spaces and hyphens ignored) -> its canonical form."""
    compact = re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", text)).upper()
    if not compact:
        raise FieldError("조합원번호가 비어 있습니다.")
    if not _MEMBER_NO.fullmatch(compact):
        raise FieldError("조합원번호는 20자 이내의 숫자(또는 영문)로 입력해 주세요.")
    return compact


def clean_text(text: str, what: str, limit: int = MAX_TEXT_CHARS) -> str:
    """One line of free text (company, branch): NFC, trimmed, no control characters."""
    value = " ".join(unicodedata.normalize("NFC", text).split())
    if not value:
        raise FieldError(f"{josa(what, '이/가')} 비어 있습니다.")
    if len(value) > limit:
        raise FieldError(f"{josa(what, '은/는')} {limit}자 이내로 입력해 주세요.")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs") for ch in value):
        raise FieldError(f"{what}에 쓸 수 없는 문자가 들어 있습니다.")
    return value


def parse_person_name(text: str, what: str = "이름") -> str:
    """A person's name: two or more letters (spaces and a few marks between), at most
    MAX_NAME_CHARS, and not a word people answer the bot with (네, 취소, 대표이사...)."""
    value = clean_text(text, what, MAX_NAME_CHARS)
    if any(ch.isdigit() for ch in value):
        raise FieldError(f"{what}에는 숫자를 쓸 수 없습니다.")
    if not all(ch.isalpha() or ch in " .·-'" for ch in value):
        raise FieldError(f"{josa(what, '은/는')} 글자로만 입력해 주세요.")
    if sum(ch.isalpha() for ch in value) < 2:
        raise FieldError(f"{josa(what, '은/는')} 두 글자 이상으로 입력해 주세요.")
    if squash(value) in NOT_NAMES:
        quoted = f"'{value}'" + josa(value, "은/는")[len(value):]
        raise FieldError(f"{quoted} {josa(what, '으로/로')} 받을 수 없습니다. 사람의 {josa(what, '을/를')} 입력해 주세요.")
    return value
