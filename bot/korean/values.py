"""Short answers to the bot's questions: 예/아니요 (one list of such words), a month alone ("3월이요"),
and the number of a choice ("2", "2번이요")."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.korean.hangul import squash

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


def choice_number(text: str) -> int | None:
    """A message that is only the number of a choice: "2", "2번", "2번이요", "3번 주세요"."""
    match = re.fullmatch(r"\s*(\d{1,2})\s*(?:번)?\s*(?:이요|요|이에요|입니다|주세요|으로요|으로\s*할게요)?[.!\s]*", text)
    return int(match.group(1)) if match else None
