"""How a message stands to the conversation around it: a clear question (which may be answered on
the side of a flow), or a short follow-up leaning on what was just said ("그건 어디서 해요?",
"전화번호는요?", "그럼 6월 결산이면요?", "거기 팩스는?"), and what remains of it once the words
that point back are taken away."""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.korean.hangul import squash

# A question by its ending ("~나요", "~까요", "~죠", "~는지", "~ㄴ가요") or its mark; "~어요" alone
# may as well be a statement or a request ("네 맞아요", "문자 그만 받고 싶어요").
_QUESTION_END = re.compile(r"(\?|나요|까요|니까|는지|[은는인]가요|죠|을까|냐)\s*[.!~]*\s*$")
QUESTION_WORDS = ("언제", "어디", "어떻게", "어떡", "얼마", "뭐", "무엇", "무슨", "왜", "누가", "누구", "몇",
                   "어느", "어떤")
# Words that point back to what was just said, at the start of a message.
_POINTING = ("그건", "그거", "그게", "그걸", "그것", "그곳", "그쪽", "그때", "그럼", "그러면", "그렇다면", "그리고",
             "거기", "거긴", "거기는", "이건", "이거", "저건", "그지점", "그날", "그럼요", "아니", "아니요", "또")
# How an elliptical follow-up ends: "전화번호는요?", "팩스는?", "6월 결산이면요?", "하자보증도요".
_ELLIPTICAL_END = re.compile(r"(?:[은는도]요|이요|면요|[은는]|면(?=\s*[?？]))\s*[?？.!~]*\s*$")
_MAX_FOLLOW_UP = 16  # letters and digits: longer messages say what they are about themselves
_LEADING = re.compile(r"^\s*(?:(?:그건|그거|그게|그걸|그것|그곳|그쪽|그때|그럼|그러면|그렇다면|그리고|거기[는서]?|거긴|"
                      r"이건|이거|저건|그\s*지점|그날|아니요|아니|또)\s*[,.]?\s*)+")
# Where one question ends and the next begins inside a sentence: "언제 오고, 수신거부는 어떻게
# 해요?", "기간이 어떻게 되고, 등급은 언제 끝나요?", "..., 그리고 ...".
# A request for something to be told ("알려 주세요", "궁금합니다") asks as much as a question does.
_ASKS_TO_BE_TOLD = re.compile(r"알려\s*주|가르쳐\s*주|궁금|여쭤|여쭙")
_NEXT_QUESTION = re.compile(r"(?<=[가-힣])(?:고|는데|지만)\s*,\s*|\s*,?\s+(?:그리고|또한?|근데|그런데)\s+"
                            # "~는지랑 ~는지": not "~는지와 관계없이" (regardless), not the verb 인지하다.
                            r"|(?<=[는인건될할을]지)(?:랑|하고|와)\s*,?\s+(?!관계|상관|무관|같이|함께|비교|달리|더불어|있|계)")
_TRAILING = re.compile(r"(?:[은는이가도]?요|[은는])?\s*[?？.!~]*\s*$")


def asks(text: str) -> bool:
    """A clear question: a question mark, a questioning ending or a question word. Requests and
    statements ("문자 그만 받고 싶어요", "네 맞아요") are not."""
    stripped = text.strip()
    return "?" in stripped or bool(_QUESTION_END.search(stripped)) or any(w in stripped for w in QUESTION_WORDS)


def is_follow_up(text: str) -> bool:
    """A short message that leans on what was just said: it starts by pointing back ("그건...",
    "거기...", "그럼...") or leaves its subject out ("전화번호는요?", "6월 결산이면요?")."""
    key = squash(text)
    if not key or len(key) > _MAX_FOLLOW_UP:
        return False
    return key.startswith(_POINTING) or bool(_ELLIPTICAL_END.search(text.strip()))


def without_pointing(text: str) -> str:
    """The message less the words pointing back and the ellipsis particles: "그건 어디서 해요?" →
    "어디서 해요", "거기 팩스는?" → "팩스", "전화번호는요?" → "전화번호"."""
    rest = _LEADING.sub("", text)
    trimmed = _TRAILING.sub("", rest).strip()
    return trimmed or rest.strip().rstrip("?？.!~ ")


def questions_in(sentences: Iterable[str]) -> list[str]:
    """The questions a message asks, each on its own: its sentences (as Kiwi splits them), each
    cut where a joined second question begins. Background sentences are left out."""
    parts = (part.strip() for sentence in sentences for part in _NEXT_QUESTION.split(sentence))
    return [part for part in parts if part and (asks(part) or _ASKS_TO_BE_TOLD.search(part))]
