"""Sums of money as members write them: 5천만원, 1억 5천만원, 50,000,000원, 3천5백만원, 999만 9999원,
and in number words, 천오백만원, 일억오천만원, 칠백오십만원. Reading never raises: what is not
clearly money (5천, 천안, 만기, 제56조, "이만 줄이겠습니다") is left out."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

_BIG = {"조": 10**12, "억": 10**8, "만": 10**4}
_SMALL = {"천": 1000, "백": 100, "십": 10}
_DIGIT_WORDS = {"일": 1, "이": 2, "삼": 3, "사": 4, "오": 5, "육": 6, "륙": 6, "칠": 7, "팔": 8, "구": 9}
_UNITS = "조억천백십만"
_WORDS = "".join(_DIGIT_WORDS)
_NUMBER = r"\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?"
# A digit word counts only right before a unit (오백, 천오백): elsewhere 이, 사, 오 are words
# ("금액이", "회사"). The first of a run must also start a word, so "금액이천만원" is 천만원.
_FIRST = rf"(?:(?:{_NUMBER})\s?|(?<![가-힣])[{_WORDS}](?=[{_UNITS}]))?[{_UNITS}]+"
_NEXT = rf"(?:(?:{_NUMBER})\s?|[{_WORDS}](?=[{_UNITS}]))?[{_UNITS}]+"
# "999만 9999원": a plain number may close a run when 원 follows it.
_TAIL = rf"(?:\s?(?:{_NUMBER}))?\s?원"
_RUN = re.compile(rf"(?<![제\d,.])(?:{_FIRST}(?:\s?{_NEXT})*(?:{_TAIL})?|(?:{_NUMBER})\s?원)")
_TOKEN = re.compile(rf"{_NUMBER}|[{_UNITS}{_WORDS}원]")
# Units alone that still mean an amount: 천만원, 백만, 백십만, 천백만, 억원, 만원 (but not 만 of 만기),
# each small unit at most once and largest first.
_WORDLESS = re.compile(r"^(?:(?=[천백십])천?백?십?만원?|(?=[천백])천?백?억원|만원)$")
_NEGATIVE = re.compile(r"(?:(?<![\w.])[-−]|마이너스)\s*$")


@dataclass(frozen=True)
class AmountMention:
    """A sum of money in won, with where it was said."""

    start: int
    end: int
    won: int


def find_amounts(text: str) -> list[AmountMention]:
    """Every amount in text (a number with 원, 만, 억 or 조, or number words), left to right."""
    found: list[AmountMention] = []
    for match in _RUN.finditer(text):
        run = match.group(0).rstrip()
        if not _is_amount(run):
            continue
        won = read_amount(run)
        if won is None:
            continue
        start = match.start()
        negative = _NEGATIVE.search(text[max(0, start - 6):start])
        if negative is not None:
            start -= len(negative.group(0))
            won = -won
        found.append(AmountMention(start, match.start() + len(run), won))
    return found


def _is_amount(run: str) -> bool:
    """Money has a number and a big unit or 원, or is a unit word like 천만원. Number words need
    more than one big unit after them: 오천만 is money, 이만 ("이만 줄이겠습니다") is not."""
    squashed = run.replace(" ", "")
    if any(ch.isdigit() for ch in squashed):
        # 5천 alone says nothing of the unit (5천원? 5천만원?), so it is not taken.
        return any(unit in squashed for unit in "조억만원")
    if any(ch in _DIGIT_WORDS for ch in squashed):
        return "원" in squashed or any(unit in squashed for unit in "조억") or (
            "만" in squashed and any(unit in squashed for unit in _SMALL))
    # 천만원 is money, but 천 of 천안 and 만 of 만기 are not.
    return bool(_WORDLESS.match(squashed))


def read_amount(run: str) -> int | None:
    """1억 5천만원, 1억5천, 3천5백만원, 천오백만원, 50,000,000원 as won (None when unreadable)."""
    total = Decimal(0)
    section = Decimal(0)
    number: Decimal | None = None
    last_big = ""
    for token in _TOKEN.findall(run):
        if token in _DIGIT_WORDS:
            number = Decimal(_DIGIT_WORDS[token])
        elif token in _SMALL:
            section += (number if number is not None else 1) * _SMALL[token]
            number = None
        elif token in _BIG:
            section += number if number is not None else 0
            total += (section or 1) * _BIG[token]
            section, number, last_big = Decimal(0), None, token
        elif token != "원":
            try:
                number = Decimal(token.replace(",", ""))
            except InvalidOperation:
                return None
    if last_big == "억" and number is None and 0 < section < 10_000:
        # "1억5천" and "2억 3천" are said for 1억 5천만원 and 2억 3천만원.
        section *= _BIG["만"]
    return int(total + section + (number if number is not None else 0))
