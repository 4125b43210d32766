"""Korean personal names in free text, masked before a member's message is kept for staff:
"김철수 과장님 번호" -> "김** 과장님 번호".

A name is found by what stands around it: a title or honorific after it ("홍길동 대표님",
"이영희씨"), or an introduction before it ("제 이름은 홍길동", "담당자는 박민수입니다"). A surname
alone is never enough: too many ordinary words start with one (신용, 이용, 조합, 정보). Words the
caller knows are not names (the guides' own vocabulary) are left alone. Masking errs on the safe
side: an ordinary word in a name's place is masked too."""

from __future__ import annotations

import re
from collections.abc import Container

# The common one-syllable surnames (together about 99% of Koreans) and the two-syllable ones.
_SURNAMES = "김이박최정강조윤장임한오서신권황안송류유전홍고문양손배백허남심노하곽성차주우구민진지엄채원천방공현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용예경봉사부가복태목형피두감호음빈동온시범좌팽승간상갈단견당화창"
_COMPOUND_SURNAMES = ("남궁", "황보", "제갈", "선우", "독고", "사공", "서문")
_TITLES = (
    "대표이사님", "대표이사", "대표님", "대표", "사장님", "사장", "부장님", "부장", "과장님", "과장", "차장님", "차장",
    "대리님", "대리", "주임님", "주임", "실장님", "실장", "팀장님", "팀장", "이사님", "이사", "전무님", "전무",
    "상무님", "상무", "세무사님", "세무사", "회계사님", "회계사", "소장님", "소장", "선생님", "사원", "담당자님",
    "담당자", "님", "씨",
)
_INTRODUCTIONS = (
    "제 이름은", "제이름은", "이름은", "이름이", "이름:", "성함은", "성함이", "성함:", "성명은", "성명:", "성명",
    "담당자는", "담당자 이름은", "대표자는", "대표자", "대표이사는", "대표는",
)
_AFTER_INTRODUCTION = r"(?=입니다|이에요|예요|이고|이며|인데|이라|라고|[\s.,!?~)]|$)"
_NAME = r"[가-힣]{2,4}?"
# "홍길동 대표님", "김철수과장", "이영희씨가"
_BEFORE_TITLE = re.compile(rf"(?<![가-힣])({_NAME})\s?(?:{'|'.join(_TITLES)})")
# "제 이름은 홍길동입니다", "담당자는 박민수"
_INTRODUCED = re.compile(rf"(?:{'|'.join(map(re.escape, _INTRODUCTIONS))})\s*({_NAME}){_AFTER_INTRODUCTION}")
# "홍길동입니다. 보증서 ..." at the start of a message
_OPENING = re.compile(rf"^\s*({_NAME})(?=입니다|이에요|예요)")
# Not names, whatever stands around them: words often written before a title or 님.
_NEVER = frozenset([
    *_TITLES, "고객", "기사", "회장", "원장", "조합원", "조합", "사모", "선생", "문의", "신입", "경리", "우리", "신규",
    "기존", "전임", "후임", "현재", "변경", "공동", "직원", "회사", "업체", "지점", "본인", "명의", "상대", "거래처",
])


def looks_like_name(word: str, known: Container[str] = ()) -> bool:
    """Two to four syllables starting with a surname, and not a word the caller knows."""
    if not 2 <= len(word) <= 4 or word in _NEVER or word in known or word[1:] in _TITLES:
        return False  # "김대표" is a surname and a title, not a name
    return word[0] in _SURNAMES or word[:2] in _COMPOUND_SURNAMES


def mask_name(name: str) -> str:
    """홍길동 -> 홍**: the surname stays, so staff still see that a person was named."""
    keep = 2 if name[:2] in _COMPOUND_SURNAMES and len(name) > 2 else 1
    return name[:keep] + "*" * (len(name) - keep)


def mask_names(text: str, known: Container[str] = ()) -> str:
    """`text` with every name found by its surroundings masked (see the module's note)."""

    def masked(match: re.Match[str]) -> str:
        name = match.group(1)
        if not looks_like_name(name, known):
            return match.group(0)
        start = match.start(1) - match.start(0)
        whole = match.group(0)
        return whole[:start] + mask_name(name) + whole[start + len(name):]

    for pattern in (_BEFORE_TITLE, _INTRODUCED, _OPENING):
        text = pattern.sub(masked, text)
    return text
