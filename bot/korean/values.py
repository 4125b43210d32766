"""Korean date and amount expressions as members type them: 2025년 12월 31일, 25.12.31, 3월 말,
12월말 결산법인, 작년 12월 말; 5천만원, 1억 5천만원, 50,000,000원; and short 예/아니요 answers.
Parsing never raises: an impossible date comes back with a polite message in `error`, for the
caller to show."""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from bot.korean.hangul import squash
from rules.calendar_math import make_date, month_end
from rules.errors import RuleInputError

# -- dates -------------------------------------------------------------------------------------

# Year words, relative to today, written without spaces (지난 해 and 지난해 alike).
_RELATIVE_YEARS = {
    "재작년": -2, "재작년도": -2, "작년": -1, "작년도": -1, "지난해": -1, "전년": -1, "전년도": -1,
    "올해": 0, "금년": 0, "금년도": 0, "이번해": 0, "내년": 1, "내년도": 1, "다음해": 1, "명년": 1,
    "내후년": 2,
}
# Longest first so 재작년 is not read as 작년; spaces allowed between the syllables.
_REL = "|".join(r"\s*".join(word) for word in sorted(_RELATIVE_YEARS, key=len, reverse=True))
_YEAR = rf"(?:(?P<y>\d{{4}}|\d{{2}})\s*년\s*도?|(?P<rel>{_REL})(?:\s*에)?)"

# 2025.12.31, 2025-12-31, 2025/12/31, 25.12.31 (same separator twice), an optional trailing dot.
_NUMERIC = re.compile(
    r"(?<![\d.,/\-])(?P<y>\d{4}|\d{2})\s*(?P<sep>[.\-/])\s*(?P<m>\d{1,2})\s*(?P=sep)\s*(?P<d>\d{1,2})(?!\d)\.?"
)
# 2025년 12월 31일, 12월 31일, 3월 말, 12월말, 작년 12월 말, 3월 (a year is optional).
_KOREAN = re.compile(
    rf"(?<![\d.])(?:{_YEAR}\s*)?(?P<m>\d{{1,2}})\s*월(?:\s*(?P<d>\d{{1,2}})\s*일|\s*(?P<end>말일|말))?"
)
# 12/31, 12.31: never a decimal amount (1.5억) or a version number (ver7.2).
_SHORT = re.compile(
    r"(?<![A-Za-z\d.,/\-])(?P<m>\d{1,2})\s*[/.]\s*(?P<d>\d{1,2})(?![\d./\-])(?!\s*(?:억|만|천|원|%|배|점|년|개|시))"
)
# A year alone: 2025년, 2025년도, 올해, 작년.
_YEAR_ONLY = re.compile(rf"(?<!\d){_YEAR}")
_FISCAL_AFTER = re.compile(r"\s*(?:말일?)?\s*(?:결산|법인|회계)")
_FISCAL_BEFORE = re.compile(r"(?:결산\s*(?:일|월|기준일)?|회계\s*[연년]도)\s*(?:이|가|은|는|:|을|를)?\s*$")


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

    @property
    def is_full(self) -> bool:
        """Year, month and day are all known."""
        return self.year is not None and self.has_day

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
    """Every date phrase in text, left to right; relative years resolved against today."""
    taken: list[tuple[int, int]] = []
    found: list[DateMention] = []
    for pattern, reader in ((_NUMERIC, _read_numeric), (_KOREAN, _read_korean), (_SHORT, _read_short),
                            (_YEAR_ONLY, _read_year)):
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
        return today.year + _RELATIVE_YEARS[re.sub(r"\s+", "", rel)]
    return None


def _full_year(digits: str) -> int:
    """25 → 2025; four digits as they are."""
    return 2000 + int(digits) if len(digits) == 2 else int(digits)


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
    if digits is not None and len(digits) != 4:
        return None  # "25년" alone is more often an age or a count than a year
    return DateMention(match.start(), match.end(), _year_of(match, today), None, None,
                       fiscal=_is_fiscal(text, match.start(), match.end()))


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


def _date_error(year: int | None, month: int | None, day: int | None) -> str | None:
    """A polite message for an impossible month or day, else None."""
    if month is None:
        return None
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


# -- amounts -------------------------------------------------------------------------------------

_BIG = {"조": 10**12, "억": 10**8, "만": 10**4}
_SMALL = {"천": 1000, "백": 100, "십": 10}
_NUMBER = r"\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?"
# A number (optional) followed by unit characters: 1억, 5천만, 천만. "제56조" is a law article.
_PART = rf"(?:(?:{_NUMBER})\s?)?[조억천백십만]+"
_RUN = re.compile(rf"(?<![제\d,.])(?:{_PART}(?:\s?{_PART})*(?:\s?원)?|(?:{_NUMBER})\s?원)")
_TOKEN = re.compile(rf"{_NUMBER}|[조억천백십만원]")
# Unit words that mean an amount without a digit: 천만원, 백만, 억원, 만원.
_WORDLESS = re.compile(r"^(?:[천백십]만원?|[천백]?억원|만원)$")
_NEGATIVE = re.compile(r"(?:(?<![\w.])[-−]|마이너스)\s*$")


@dataclass(frozen=True)
class AmountMention:
    """A sum of money in won, with where it was said."""

    start: int
    end: int
    won: int


def find_amounts(text: str) -> list[AmountMention]:
    """Every amount in text (a number with 원, 만, 억 or 조), left to right."""
    found: list[AmountMention] = []
    for match in _RUN.finditer(text):
        run = match.group(0).rstrip()
        if not _is_amount(run):
            continue
        won = _parse_amount(run)
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
    """Money has a digit and a big unit or 원, or is a unit word like 천만원."""
    squashed = run.replace(" ", "")
    if not any(ch.isdigit() for ch in squashed):
        # 천만원 is money, but 천 of 천안 and 만 of 만기 are not.
        return bool(_WORDLESS.match(squashed))
    # 5천 alone says nothing of the unit (5천원? 5천만원?), so it is not taken.
    return any(unit in squashed for unit in "조억만원")


def _parse_amount(run: str) -> int | None:
    """Read 1억 5천만원, 1억5천, 3000만원, 50,000,000원 as won."""
    total = Decimal(0)
    section = Decimal(0)
    number: Decimal | None = None
    last_big = ""
    for token in _TOKEN.findall(run):
        if token in _SMALL:
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
    rest = section + (number if number is not None else 0)
    if last_big == "억" and 0 < rest < 10_000:
        # "1억5천" and "2억 3000" are said for 1억 5천만원 and 2억 3천만원.
        rest *= _BIG["만"]
    return int(total + rest)


# -- short answers -------------------------------------------------------------------------------

# A yes and a no, as every question of the bot takes them: the one list of such words. Each
# question may take more answers of its own (documents: "냈어요"; consent: "동의합니다").
YES_WORDS = ("네", "예", "그래요")
NO_WORDS = ("아니", "아니요", "아니오", "아니에요")


def yes_no(text: str, *, yes: Sequence[str] = (), no: Sequence[str] = (), whole: bool = False) -> bool | None:
    """A short 예/아니요 answer: True, False, or None when the message is not one. `yes` and `no`
    add the answers of one question. A message up to 15 characters is read by how it starts
    ("네 냈어요"); with `whole`, only a message that is nothing but one of the words counts
    (a consent is not read into "네, 그런데...")."""
    yes_words, no_words = (*YES_WORDS, *yes), (*NO_WORDS, *no)
    if whole:
        key = squash(text)
        return True if key in map(squash, yes_words) else False if key in map(squash, no_words) else None
    # Any one space may stand between the parts of an answer ("안 했", "안\t했").
    short = re.sub(r"\s", " ", text.strip().rstrip(".!?~ "))
    if len(short) > 15:
        return None
    if short.startswith(no_words):
        return False
    if short.startswith(yes_words):
        return True
    return None


def bare_month(text: str) -> int | None:
    """A message that is only a month: "3", "3월", "3월이요", "12월 결산입니다"."""
    match = re.fullmatch(r"\s*(\d{1,2})\s*(?:월\s*(?:말)?)?\s*(?:결산)?\s*(?:이요|입니다|요|이에요|예요)?[.!\s]*", text)
    if match is None:
        return None
    month = int(match.group(1))
    return month if 1 <= month <= 12 else None
