"""Dates as members type them: 2025년 12월 31일, 25.12.31, 3월 말, 12월말 결산법인, 작년 12월 말,
and against today: 오늘, 어제, 모레, 다음 달 20일, 이번 달 말, 지난달 10일, 내년 3월 말일.
Reading never raises: an impossible date comes back with a polite message in `error`, for the
caller to show."""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from rules.calendar_math import make_date, month_end
from rules.errors import RuleInputError

# Year words, relative to today, written without spaces (지난 해 and 지난해 alike).
_RELATIVE_YEARS = {
    "재작년": -2, "재작년도": -2, "작년": -1, "작년도": -1, "지난해": -1, "전년": -1, "전년도": -1,
    "올해": 0, "금년": 0, "금년도": 0, "이번해": 0, "내년": 1, "내년도": 1, "다음해": 1, "명년": 1,
    "내후년": 2,
}
def _alternatives(words: Iterable[str]) -> str:
    """A regex of the words, longest first, any spaces allowed between their syllables."""
    return "|".join(r"\s*".join(word) for word in sorted(words, key=len, reverse=True))


# Longest first so 재작년 is not read as 작년.
_REL = _alternatives(_RELATIVE_YEARS)
# Four digits or two (25 → 2025); five or more are read, to be refused rather than dropped
# ("10000년 1월 5일" must not become next 1월 5일).
_YEAR_DIGITS = r"\d{5,}|\d{4}|\d{2}"
_YEAR = rf"(?:(?P<y>{_YEAR_DIGITS})\s*년\s*도?|(?P<rel>{_REL})(?:\s*에)?)"
# 말 of a month end, not of 말씀.
_END = r"(?P<end>말일|말(?![씀하]))"

# 2025.12.31, 2025-12-31, 2025/12/31, 25.12.31 (same separator twice), an optional trailing dot.
_NUMERIC = re.compile(
    rf"(?<![\d.,/\-])(?P<y>{_YEAR_DIGITS})\s*(?P<sep>[.\-/])\s*(?P<m>\d{{1,2}})\s*(?P=sep)\s*(?P<d>\d{{1,2}})(?!\d)\.?"
)
# 2025년 12월 31일, 12월 31일, 3월 말, 12월말, 작년 12월 말, 3월 (a year is optional).
_KOREAN = re.compile(
    rf"(?<![\d.])(?:{_YEAR}\s*)?(?P<m>\d{{1,2}})\s*월(?:\s*(?P<d>\d{{1,2}})\s*일|\s*{_END})?"
)
# Days counted from today, and months counted from this one (a day or the month's end may follow).
_RELATIVE_DAYS = {"오늘": 0, "금일": 0, "어제": -1, "어저께": -1, "그저께": -2, "그제": -2, "엊그제": -2,
                  "내일": 1, "모레": 2, "내일모레": 2, "글피": 3}
_RELATIVE_MONTHS = {"이번달": 0, "이달": 0, "금월": 0, "당월": 0, "다음달": 1, "담달": 1, "내달": 1, "익월": 1,
                    "다다음달": 2, "지난달": -1, "저번달": -1, "전달": -1, "전월": -1}
# Month words that also mean something else ("전달" is to pass on): read only with a day.
_MONTH_WORDS_NEEDING_A_DAY = frozenset({"전달", "전월", "금월", "당월"})


# Not 오늘날 ("these days").
_RELATIVE_DAY = re.compile(rf"(?<![가-힣])(?P<rel>{_alternatives(_RELATIVE_DAYS)})(?!날)")
_RELATIVE_MONTH = re.compile(
    rf"(?<![가-힣])(?P<rel>{_alternatives(_RELATIVE_MONTHS)})(?:\s*(?:의|에)?\s*(?:(?P<d>\d{{1,2}})\s*일|{_END}))?"
)
# 12/31, 12.31: never a decimal amount (1.5억) or a version number (ver7.2).
_SHORT = re.compile(
    r"(?<![A-Za-z\d.,/\-])(?P<m>\d{1,2})\s*[/.]\s*(?P<d>\d{1,2})(?![\d./\-])(?!\s*(?:억|만|천|원|%|배|점|년|개|시))"
)
# A year alone: 2025년, 2025년도, 올해, 작년.
_YEAR_ONLY = re.compile(rf"(?<!\d){_YEAR}")
_FISCAL_AFTER = re.compile(r"\s*(?:말일?)?\s*(?:결산|법인|회계)")
_FISCAL_BEFORE = re.compile(r"(?:결산\s*(?:일|월|기준일)?|회계\s*[연년]도)\s*(?:이|가|은|는|:|을|를)?\s*$")


# What Python's calendar allows; the rules narrow it further where they must (holidays).
MIN_YEAR, MAX_YEAR = 1, 9999


@dataclass(frozen=True)
class DateMention:
    """One date-like phrase: a full date, a month and day, a month (end), or a year alone."""

    start: int
    end: int
    year: int | None
    month: int | None
    day: int | None
    month_end: bool = False
    fiscal: bool = False
    year_inferred: bool = False
    error: str | None = None

    @property
    def has_day(self) -> bool:
        """A day of the month is known (a stated day or a month end)."""
        return self.month is not None and (self.day is not None or self.month_end)

    def to_date(self) -> date:
        """The calendar date; RuleInputError when incomplete or impossible."""
        if self.error is not None:
            raise RuleInputError(self.error)
        if self.year is None or self.month is None:
            raise RuleInputError("연도와 월을 포함한 날짜로 알려 주세요.")
        if self.month_end:
            return month_end(self.year, self.month)
        if self.day is None:
            raise RuleInputError("며칠인지까지 알려 주세요.")
        return make_date(self.year, self.month, self.day)

    def with_year(self, year: int) -> DateMention:
        """The same mention with a year the speaker left out, checked again."""
        return _mention(self.start, self.end, year, self.month, self.day, self.month_end,
                        self.fiscal, inferred=True)


def find_dates(text: str, today: date) -> list[DateMention]:
    """Every date phrase in text, left to right; relative days, months and years resolved
    against today."""
    taken: list[tuple[int, int]] = []
    found: list[DateMention] = []
    readers: tuple[tuple[re.Pattern[str], _Reader], ...] = (
        (_RELATIVE_MONTH, _read_relative_month), (_RELATIVE_DAY, _read_relative_day), (_NUMERIC, _read_numeric),
        (_KOREAN, _read_korean), (_SHORT, _read_short), (_YEAR_ONLY, _read_year))
    for pattern, reader in readers:
        for match in pattern.finditer(text):
            if any(match.start() < e and s < match.end() for s, e in taken):
                continue
            mention = reader(match, text, today)
            if mention is not None:
                taken.append((match.start(), match.end()))
                found.append(mention)
    return sorted(found, key=lambda m: m.start)


def _year_of(match: re.Match[str], today: date) -> int | None:
    """The year a match names: four digits, two digits (25 → 2025) or a year word."""
    if match.group("y"):
        return _full_year(match.group("y"))
    rel = match.group("rel")
    if rel:
        return today.year + _RELATIVE_YEARS[_unspaced(rel)]
    return None


def _unspaced(words: str) -> str:
    return re.sub(r"\s+", "", words)


def _full_year(digits: str) -> int:
    """25 → 2025; four digits (or more, refused later) as they are."""
    return 2000 + int(digits) if len(digits) == 2 else int(digits)


def _read_relative_day(match: re.Match[str], text: str, today: date) -> DateMention:
    day = today + timedelta(days=_RELATIVE_DAYS[_unspaced(match.group("rel"))])
    return _mention(match.start(), match.end(), day.year, day.month, day.day, False,
                    _is_fiscal(text, match.start(), match.end()))


def _read_relative_month(match: re.Match[str], text: str, today: date) -> DateMention | None:
    word = _unspaced(match.group("rel"))
    day, is_end = match.group("d"), bool(match.group("end"))
    if word in _MONTH_WORDS_NEEDING_A_DAY and day is None and not is_end:
        return None
    year, index = divmod(today.year * 12 + today.month - 1 + _RELATIVE_MONTHS[word], 12)
    return _mention(match.start(), match.end(), year, index + 1, int(day) if day else None, is_end,
                    _is_fiscal(text, match.start(), match.end()))


# One pattern's reader: (its match, the whole text, today) -> a mention, or None when it is no date.
_Reader = Callable[[re.Match[str], str, date], "DateMention | None"]


def _read_numeric(match: re.Match[str], text: str, today: date) -> DateMention:
    year = _full_year(match.group("y"))
    return _mention(match.start(), match.end(), year, int(match.group("m")), int(match.group("d")),
                    False, _is_fiscal(text, match.start(), match.end()))


def _read_korean(match: re.Match[str], text: str, today: date) -> DateMention:
    day = match.group("d")
    return _mention(match.start(), match.end(), _year_of(match, today), int(match.group("m")),
                    int(day) if day else None, bool(match.group("end")),
                    _is_fiscal(text, match.start(), match.end()))


def _read_short(match: re.Match[str], text: str, today: date) -> DateMention | None:
    month, day = int(match.group("m")), int(match.group("d"))
    if not 1 <= month <= 12:
        return None  # "15/20" is a score or a ratio, not a date
    return _mention(match.start(), match.end(), None, month, day, False,
                    _is_fiscal(text, match.start(), match.end()))


def _read_year(match: re.Match[str], text: str, today: date) -> DateMention | None:
    digits = match.group("y")
    if digits is not None and len(digits) < 4:
        return None  # "25년" alone is more often an age or a count than a year
    year = _year_of(match, today)
    return DateMention(match.start(), match.end(), year, None, None,
                       fiscal=_is_fiscal(text, match.start(), match.end()), error=_year_error(year))


def _is_fiscal(text: str, start: int, end: int) -> bool:
    """Marked as a 결산 date: "3월 결산", "12월말 결산법인", "결산일이 2025.12.31"."""
    return bool(_FISCAL_AFTER.match(text, end)) or bool(_FISCAL_BEFORE.search(text[max(0, start - 8):start]))


def _mention(start: int, end: int, year: int | None, month: int | None, day: int | None,
             is_end: bool, fiscal: bool, *, inferred: bool = False) -> DateMention:
    """Build a mention, checking the month and day; a stated last day counts as a month end."""
    error = _date_error(year, month, day)
    if error is None and year is not None and month is not None and day is not None:
        is_end = is_end or day == calendar.monthrange(year, month)[1]
    elif error is None and year is None and month is not None and day is not None:
        # Without a year only February's length is unknown: 28 and 29 may both be its end.
        is_end = is_end or day == calendar.monthrange(2001, month)[1] or (month, day) == (2, 29)
    return DateMention(start, end, year, month, day, is_end, fiscal, inferred, error)


def _year_error(year: int | None) -> str | None:
    """A polite message for a year no calendar has (10000년), else None."""
    if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
        return f"{year}년은 날짜로 볼 수 없는 연도입니다. 연도를 다시 확인해 주세요(예: 2027년)."
    return None


def _date_error(year: int | None, month: int | None, day: int | None) -> str | None:
    """A polite message for an impossible year, month or day, else None."""
    year_error = _year_error(year)
    if year_error is not None or month is None:
        return year_error
    if not 1 <= month <= 12:
        return f"{month}월은 없는 달입니다. 날짜를 다시 확인해 주세요."
    if day is None:
        return None
    if year is not None:
        try:
            make_date(year, month, day)
        except RuleInputError as exc:
            return exc.message
        return None
    longest = 29 if month == 2 else calendar.monthrange(2001, month)[1]
    if not 1 <= day <= longest:
        return f"{month}월 {day}일은 없는 날짜입니다. 날짜를 다시 확인해 주세요."
    return None


def next_on_or_after(mention: DateMention, today: date) -> DateMention:
    """A date said without a year, taken as its next occurrence (today included)."""
    if mention.year is not None or mention.month is None:
        return mention
    for year in range(today.year, today.year + 8):
        candidate = mention.with_year(year)
        if candidate.error is None and candidate.to_date() >= today:
            return candidate
    return mention.with_year(today.year)


def last_on_or_before(mention: DateMention, today: date) -> DateMention:
    """A date said without a year, taken as its latest occurrence (today included)."""
    if mention.year is not None or mention.month is None:
        return mention
    for year in range(today.year, today.year - 8, -1):
        candidate = mention.with_year(year)
        if candidate.error is None and candidate.to_date() <= today:
            return candidate
    return mention.with_year(today.year)
