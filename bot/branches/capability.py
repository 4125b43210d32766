"""The branch finder as a chat capability: nearest branches to a typed place or a shared
location, one branch's address, phone and fax, and the full list by region.

It claims only messages that are clearly about branches or places (see `_Message`), so contact
questions such as "신용평가팀 연락처" still reach the FAQ. After /branch it holds the chat's flow
until a place is found (docs/flows.md)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.branches.data import Branch, valid_coordinates
from bot.branches.finder import BranchFinder, Nearby
from bot.branches.gazetteer import SIDO_SHORT, Place, Resolution
from bot.capability import Capability, Command
from bot.conversation import Button, Keyboard, Reply, Topic, Turn, Venue
from bot.korean.hangul import josa, squash
from bot.korean.smalltalk import classify
from bot.templates import render

SOURCE = "2017년도 신용평가 업무안내, 전국 지점 연락처"
MAX_CHOICES = 8
MAX_PLACE_WORDS = 4  # "경기도 성남시 분당구 정자동"; longer text after /branch is a question
# A shared location at sea this close to land still finds the nearest branches (서귀포항 앞바다).
COAST_KM = 30.0
# The guides list no head office; asked for one, the branches of this 시도 are shown.
HEAD_OFFICE_WORDS = ("본점", "본사")
HEAD_OFFICE_AREA = "11"  # 서울특별시
# Words that put a place in the message: "분당 근처", "창원 사는데", "해운대 쪽".
_NEAR_CUES = ("근처", "가까운", "가까이", "가깝", "가까워", "주변", "인근", "부근", "근방", "사는데", "살아", "살고",
              "사는곳", "쪽")
# Cues that mean a place only beside the word 지점: "분당 쪽 지점", "일산 사는데 지점 어디", but not
# "NICE 쪽이랑 조합 쪽 번호", "화면 오른쪽에", "저희 쪽은".
_WEAK_NEAR_CUES = ("사는데", "살아", "살고", "사는곳", "쪽")
_STRONG_NEAR_CUES = tuple(cue for cue in _NEAR_CUES if cue not in _WEAK_NEAR_CUES)
# "지점 … 어디" asks for a branch only in a short message; a long one that says 지점 in passing
# ("지점에선 아직 안 보인다네요. 확인은 어디서 해요?") is a question for the guides.
MAX_BRANCH_QUESTION_WORDS = 8
_LIST_CUES = ("목록", "리스트", "전체", "전국", "모든", "모두", "전부", "몇개", "몇곳", "어디어디")
_FIELD_CUES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("fax", ("팩스", "fax")),
    ("phone", ("전화", "번호")),
    ("address", ("주소", "위치", "어디", "찾아가", "가는길", "우편번호")),
)
# Without a branch name, "어디" asks which branch serves the member, not for an address.
_WHERE_CUES = ("위치", "어디", "찾아가", "가는길")
FIELD_LABELS = {"phone": "전화번호", "fax": "팩스번호", "address": "주소"}
# Chat words that are never the place itself, though some are also place names ("가장동",
# "하면" in 가평군, "수정구", "기장군"): dropped before place lookup.
_FILLER_TEXT = """
지점 지점들 근처 가까운 가까이 가까워 가장 제일 젤 좀 더 주변 인근 부근 근방 쪽 곳 데 것 거 여기 거기 저기
알려 알려줘 알려줘요 알려주세요 알려주실래요 주세요 줘 어디 어딘가요 어디예요 어디에요 어디야 어디인가요 어디있나요
있나요 있어요 있는 있는지 있나 있습니다 입니다 이에요 예요 찾아 찾아줘 찾기 찾고 안내 안내해 주소 전화 전화번호
팩스 팩스번호 번호 연락처 위치 우편번호 우리 저희 우리집 회사 사무실 저 저는 제가 전 집 사는데 살아요 살고 가려면
가면 돼요 되나요 가야 하나요 뭐예요 어느 알고 싶어요 싶습니다 부탁 부탁해요 부탁드려요 관할 지역 조합 건설공제조합
공제조합 궁금해요 궁금합니다 문의 언제 얼마 왜 어떻게 무엇 뭐 있는데 목록 전체 전국 리스트 모든 모두 전부 정보 수 하는데 방문 방문하려고 하려고 가서
하면 내면 수정 기장 서면으로 이동 수동 자동 가능 신청 경우 결산 작성 전송 은행 다시 대신 신용 오류
"""
_FILLERS = frozenset(_FILLER_TEXT.split())
_FILLER_PREFIXES = ("알려", "가르쳐", "찾아", "있나", "있어", "어디", "가까", "근처", "주변", "지점", "연락", "전화",
                    "팩스", "주소", "위치", "궁금", "부탁")
_VERB_ENDINGS = ("요", "까", "니다", "줘", "세요")
_TRAILING_PARTICLES = re.compile(r"[은는이가을를에서도의요로]+$")
_COORDINATES = re.compile(r"^\s*(-?\d{1,3}(?:\.\d+)?)\s*[,\s]\s*(-?\d{1,3}(?:\.\d+)?)\s*$")


@dataclass
class _Message:
    """One typed message, read for what the branch finder cares about."""

    text: str
    squashed: str
    words: list[str]

    @classmethod
    def read(cls, text: str) -> _Message:
        words: list[str] = []
        for word in re.findall(r"[0-9A-Za-z가-힣]+", text):
            # "분당지점은" is two words for us: the place and "지점".
            head, sep, _ = word.partition("지점")
            words.extend([head, "지점"] if sep and head else [word])
        return cls(text, squash(text), words)

    def has(self, cues: Sequence[str]) -> bool:
        return any(cue in self.squashed for cue in cues)

    @property
    def mentions_branch(self) -> bool:
        return any(w.startswith("지점") for w in self.words)

    @property
    def near(self) -> bool:
        return self.has(_STRONG_NEAR_CUES) or (self.mentions_branch and self.has(_WEAK_NEAR_CUES))

    @property
    def wants_list(self) -> bool:
        return self.mentions_branch and self.has(_LIST_CUES)

    @property
    def asks_contact(self) -> bool:
        return "연락처" in self.squashed or bool(self.fields())

    def fields(self, *, named: bool = True) -> list[str]:
        """Which contact fields are asked for; empty means all of them ("연락처"). Unless a
        branch is `named`, only explicit words count ("지점 주소", not "지점 어디")."""
        text = self.squashed.replace("팩스번호", "팩스").replace("우편번호", "주소")
        if not named:
            for cue in _WHERE_CUES:
                text = text.replace(cue, "")
        return [name for name, cues in _FIELD_CUES if any(cue in text for cue in cues)]

    def content_words(self) -> list[str]:
        return [w for w in self.words if not is_filler(w)]

    def phrase_before_cue(self) -> list[str]:
        """The words just before the first cue ("대구 중구 근처" → 대구, 중구), fillers skipped."""
        for index, word in enumerate(self.words):
            if _is_cue(word):
                run = [w for w in self.words[:index] if not is_filler(w)]
                return run[-3:]
        return []


def is_filler(word: str) -> bool:
    """A chat word that never names the place ("알려주세요", "가장", "근처에")."""
    key = squash(word)
    if not key or key.isdigit() or key in _FILLERS or key.startswith(_FILLER_PREFIXES):
        return True
    stripped = _TRAILING_PARTICLES.sub("", key)
    return stripped in _FILLERS or (len(key) > 2 and key.endswith(_VERB_ENDINGS) and stripped == key)


def _is_cue(word: str) -> bool:
    key = squash(word)
    return key.startswith("지점") or any(key.startswith(c) for c in _NEAR_CUES) or key.endswith(("쪽", "쪽에", "쪽인데"))


class BranchesCapability(Capability):
    """지점 찾기: nearest branches, one branch's contacts, the full list."""

    name = "branch"
    commands = (Command("branch", "가까운 지점 찾기 (위치 공유 가능)"),)
    menu_label = "📍 가까운 지점"
    menu_order = 1
    answer_button = "📍 가까운 지점 찾기"
    help_line = '지점 찾기: 예) "분당 근처 지점", "수원지점 팩스번호", 또는 /branch'

    def __init__(self, finder: BranchFinder) -> None:
        self.finder = finder

    # -- hooks --------------------------------------------------------------------------------

    def on_command(self, turn: Turn) -> Reply:
        """/branch [place]: ask where the member is, offering the location button."""
        if turn.text.strip():
            turn.start_flow(self.name)
            reply = self._flow_text(turn, _Message.read(turn.text))
            if reply is not None:
                return reply
        return self.ask(turn, [])

    def on_text(self, turn: Turn) -> Reply | None:
        """A place or branch typed after /branch, or a message clearly about branches."""
        message = _Message.read(turn.text)
        if turn.flow() == self.name:
            return self._flow_text(turn, message)
        return self._claim(turn, message)

    def on_button(self, turn: Turn, payload: str) -> Reply | None:
        """branch:place:<code>, branch:info:<name>, branch:list, branch:ask."""
        action, _, arg = payload.partition(":")
        if action == "place" and arg in self.finder.gazetteer.places:
            turn.end_flow()
            return self.near_place(turn, self.finder.gazetteer.places[arg], keyboard="remove")
        if action == "info" and arg in self.finder.by_name:
            return self.info(turn, [self.finder.by_name[arg]], [])
        if action == "list":
            return self.full_list()
        if action == "ask":
            return self.ask(turn, [])
        return None

    def on_location(self, turn: Turn) -> Reply | None:
        """A shared location: where it is and the nearest three branches, with map pins."""
        if turn.event.location is None:
            return None
        turn.end_flow()
        lat, lon = turn.event.location
        return self.near_point(turn, lat, lon)

    def follow_up(self, turn: Turn, topic: Topic) -> Reply | None:
        """"거기 팩스는?", "주소는요?" after a branch was shown: that branch's fields."""
        if topic.owner != self.name:
            return None
        message = _Message.read(turn.text)
        fields = message.fields()
        shown = [self.finder.by_name[n] for n in topic.values.get("branches", ()) if n in self.finder.by_name]
        if not fields or not shown or message.content_words() or self._branches_meant(message):
            return None  # not about the branch just shown, or about another one
        return self.info(turn, shown[:1], fields)

    # -- reading a message ------------------------------------------------------------------

    def _claim(self, turn: Turn, message: _Message) -> Reply | None:
        """The reply when the message is about branches or places, else None."""
        point = _typed_coordinates(message.text)
        if point is not None:
            return self.near_point(turn, *point)
        branches = self._branches_meant(message)
        if message.wants_list and not branches:
            return self.full_list()
        if branches:
            return self.info(turn, branches, message.fields())
        if message.has(HEAD_OFFICE_WORDS):
            return self._head_office(turn, message)
        asks_where = message.mentions_branch and "어디" in message.squashed
        if message.near or (asks_where and len(message.words) <= MAX_BRANCH_QUESTION_WORDS):
            return self._near_words(turn, message)
        if message.mentions_branch:
            return self._branch_word_only(turn, message)
        return self._place_alone(turn, message)

    def _place_alone(self, turn: Turn, message: _Message) -> Reply | None:
        """A message that is only a place ("김해", "분당", "제주도", "동구"): where the nearest
        branches are. Only names as written count here, no typos."""
        words = message.content_words()
        if not words or len(message.words) > MAX_PLACE_WORDS or "?" in message.text:
            return None
        if any(self.finder.gazetteer.match_word(w) is None for w in words):
            return None
        return self.resolved(turn, self.finder.gazetteer.find(words))

    def _head_office(self, turn: Turn, message: _Message) -> Reply | None:
        """"본점", "서울 본점": the guides list no head office, so say so and show the branches
        of the place named (of Seoul, where the cooperative's numbers are, when none is)."""
        words = [w for w in message.content_words() if not w.startswith(HEAD_OFFICE_WORDS)]
        if len(message.words) > MAX_PLACE_WORDS or any(self.finder.gazetteer.match_word(w) is None for w in words):
            return None  # "본사 이전한 것도 적어요" is a question about a form
        found = self.finder.gazetteer.find(words).found if words else None
        place = found or self.finder.gazetteer.places[HEAD_OFFICE_AREA]
        turn.end_flow()
        return self.near_place(turn, place, note=render("branch_head_office", where=place.full_name))

    def _branches_meant(self, message: _Message) -> list[Branch]:
        """Branches asked about by name: "수원지점", "수원 지점", or "광주 전화번호"; never when a
        place cue makes it about places ("광주 근처 지점") or an area qualifies the name
        ("경기 광주 지점" is 경기도 광주시)."""
        if message.near:
            return []
        found: list[Branch] = []
        words = message.words
        for index, word in enumerate(words):
            branch = self._branch_word(word)
            if branch is None:
                continue  # the place checks below cost a fuzzy search; most words are no branch
            followed = index + 1 < len(words) and words[index + 1] == "지점"
            qualified = index > 0 and words[index - 1] != "지점" and self._plain_place(words[index - 1])
            if branch and (followed or message.asks_contact) and not qualified and branch not in found:
                found.append(branch)
        return found

    def _branch_word(self, word: str) -> Branch | None:
        key = squash(word)
        for candidate in (key, key.rstrip("은는이가을를의도")):
            if candidate in self.finder.by_name:
                return self.finder.by_name[candidate]
        return None

    def _near_words(self, turn: Turn, message: _Message) -> Reply | None:
        """A place cue: the words before it as a place (typos allowed), else any place word."""
        phrase = message.phrase_before_cue()
        resolution = self.finder.gazetteer.find(phrase, loose=True) if phrase else Resolution("")
        if not resolution.places:
            strict = self.finder.gazetteer.find(message.content_words())
            resolution = strict if strict.places else resolution
        if resolution.places:
            return self.resolved(turn, resolution)
        if not message.mentions_branch:
            return None
        # Words right before the cue were meant as a place ("도쿄 근처 지점"); otherwise the
        # member asked in general ("관할지점이 어디예요") and is asked where they are.
        return self.not_found(turn, " ".join(phrase)) if phrase else self.ask(turn, message.fields(named=False))

    def _branch_word_only(self, turn: Turn, message: _Message) -> Reply | None:
        """"지점" without a place cue: "강남 지점" (a place right before it), or a bare request
        such as "지점 전화번호 알려줘" (ask which); anything else is a question for the FAQ."""
        index = next(i for i, w in enumerate(message.words) if w.startswith("지점"))
        before = [w for w in message.words[max(0, index - 2):index] if not is_filler(w)]
        if before and self._plain_place(before[-1]):
            return self.resolved(turn, self.finder.gazetteer.find(before, loose=True))
        if not message.content_words():
            return self.ask(turn, message.fields(named=False))
        return None

    def _plain_place(self, word: str) -> bool:
        """The word is a place as written, with no particle ("서면으로" is not)."""
        match = self.finder.gazetteer.match_word(word, loose=True)
        return match is not None and match.variant == squash(word)

    def _flow_text(self, turn: Turn, message: _Message) -> Reply | None:
        """After /branch: the message names a place or a branch; short unknowns get a retry hint."""
        wanted = turn.flow_data().get("fields") or []
        bare = [b for b in map(self._branch_word, message.words) if b is not None]
        if bare and wanted:  # "수원" after "어느 지점의 전화번호를 찾으시나요?" is 수원지점
            turn.end_flow()
            return self.info(turn, bare, message.fields() or list(wanted))
        reply = self._claim(turn, message)
        if reply is not None:
            return reply
        if len(message.words) > MAX_PLACE_WORDS or "?" in message.text:
            return None  # a question for someone else; the engine keeps the flow
        talk = classify(message.text)
        if talk == "greeting":
            turn.end_flow()  # "안녕" typed for a place is no place: not 화성시 안녕동
            return self.not_found(turn, message.text.strip())
        if talk is not None:
            return None  # "감사합니다": small talk for the engine, the question still open
        resolution = self.finder.gazetteer.find(message.content_words() or message.words, loose=True)
        if resolution.places:
            return self.resolved(turn, resolution)
        turn.end_flow()
        return self.not_found(turn, message.text.strip())

    # -- replies ------------------------------------------------------------------------------

    def resolved(self, turn: Turn, resolution: Resolution) -> Reply:
        """One place: its nearest branches; several: a choice."""
        place = resolution.found
        if place is not None:
            in_flow = turn.flow() == self.name
            turn.end_flow()
            return self.near_place(turn, place, corrected_from=resolution.query if resolution.corrected else None,
                                   keyboard="remove" if in_flow else None)
        return self.choose(turn, resolution)

    def near_place(self, turn: Turn, place: Place, *, corrected_from: str | None = None,
                   keyboard: Keyboard | None = None, note: str = "") -> Reply:
        """The nearest branches to a place (for a 시도, its own branches first)."""
        nearby = self.finder.near_place(place)
        corrected = ""
        if corrected_from:
            corrected = f"{josa(repr_quote(corrected_from), '을/를')} {josa(repr_quote(place.full_name), '으로/로')}"
        text = render("branch_nearest", where=place.full_name, corrected=corrected, note=note,
                      sido_level=place.level == "sido", inside=sum(n.branch.sido == place.sido for n in nearby),
                      items=[_item(n) for n in nearby], source=SOURCE, located="", sea="")
        return self._nearby_reply(turn, nearby, text, keyboard)

    def near_point(self, turn: Turn, lat: float, lon: float) -> Reply:
        """A shared or typed location: bad coordinates, abroad or far out at sea, or the nearest
        three (from a point at sea near the coast too)."""
        if not valid_coordinates(lat, lon):
            return Reply(kind="branch", text=render("branch_bad_location"), buttons=[_list_button()],
                         keyboard="remove")
        where, sea = self.finder.gazetteer.locate(lat, lon), ""
        if where is None:
            coast = self.finder.coast_near(lat, lon, COAST_KM)
            if coast is None:
                return Reply(kind="branch", text=render("branch_outside", lat=f"{lat:.4f}", lon=f"{lon:.4f}"),
                             buttons=[_list_button()], keyboard="remove")
            where, sea = coast[0].full_name, f"{coast[1]:.0f}"
        nearby = self.finder.nearest(lat, lon)
        text = render("branch_nearest", where=where, corrected="", note="", sido_level=False, inside=0,
                      items=[_item(n) for n in nearby], source=SOURCE, located=where, sea=sea)
        return self._nearby_reply(turn, nearby, text, "remove")

    def _nearby_reply(self, turn: Turn, nearby: Sequence[Nearby], text: str, keyboard: Keyboard | None) -> Reply:
        self._remember(turn, [n.branch for n in nearby])
        return Reply(kind="branch", text=text, venues=[_venue(n.branch) for n in nearby],
                     buttons=[_list_button()], keyboard=keyboard)

    def info(self, turn: Turn, branches: Sequence[Branch], fields: Sequence[str]) -> Reply:
        """Address, phone and fax of each branch, or only the fields asked for."""
        shown = [f for f in ("address", "phone", "fax") if f in fields] or ["address", "phone", "fax"]
        items = [{"title": b.title, "values": [(FIELD_LABELS[f], _field_value(b, f)) for f in shown],
                  "single": josa(f"{b.title} {FIELD_LABELS[shown[0]]}", "은/는")} for b in branches[:5]]
        text = render("branch_info", items=items, fields=shown, source=SOURCE)
        self._remember(turn, branches[:5])
        return Reply(kind="branch", text=text, venues=[_venue(b) for b in branches[:5]],
                     buttons=[_list_button()])

    def _remember(self, turn: Turn, branches: Sequence[Branch]) -> None:
        """The branches shown, nearest or named first: "거기 팩스는?" asks about the first."""
        if branches:
            turn.remember(Topic(self.name, branches[0].name, values={"branches": [b.name for b in branches]}))

    def full_list(self) -> Reply:
        # "서울특별시" → "서울": the headings in the short forms members type.
        places = self.finder.gazetteer.places
        short = {places[code].name: form for code, form in SIDO_SHORT.items() if code in places}
        groups = [(short.get(sido, sido), members) for sido, members in self.finder.by_region()]
        text = render("branch_list", groups=groups, total=len(self.finder.branches), source=SOURCE)
        return Reply(kind="branch", text=text)

    def choose(self, turn: Turn, resolution: Resolution) -> Reply:
        """Several places share the name: offer them as buttons (or ask for a qualified name)."""
        places = sorted(resolution.places, key=lambda p: p.key)
        turn.start_flow(self.name)
        query = josa(repr_quote(resolution.query), "은/는")
        if len(places) > MAX_CHOICES:
            text = render("branch_choose", query=query, count=len(places), many=True,
                          example=f"{places[0].full_name.split()[-2]} {places[0].name}")
            return Reply(kind="branch", text=text, buttons=[_list_button()])
        text = render("branch_choose", query=query, count=len(places), many=False, example="")
        return Reply(kind="branch", text=text,
                     buttons=[Button(p.full_name, f"branch:place:{p.key}") for p in places])

    def ask(self, turn: Turn, fields: Sequence[str]) -> Reply:
        """Ask where the member is (or which branch), with the location button where the channel
        has one (Telegram's private chats; not groups, not the terminal)."""
        turn.start_flow(self.name, fields=list(fields))
        label = "·".join(FIELD_LABELS[f] for f in fields if f in FIELD_LABELS)
        text = render("branch_ask", field=josa(label, "을/를") if label else "", can_share=turn.can_share)
        return Reply(kind="branch", text=text, buttons=[_list_button()],
                     keyboard="location" if turn.can_share else None)

    def not_found(self, turn: Turn, query: str) -> Reply:
        text = render("branch_not_found", query=josa(repr_quote(query[:30]), "은/는"), can_share=turn.can_share)
        return Reply(kind="branch", text=text, buttons=[_list_button()])


# -- small helpers ------------------------------------------------------------------------------


def _item(nearby: Nearby) -> dict[str, Any]:
    """A listed branch; "바로 이 지역" rather than "약 0.0km" for one in the place itself."""
    here = round(nearby.km, 1) == 0
    return {"branch": nearby.branch, "title": nearby.branch.title, "here": here,
            "distance": "바로 이 지역" if here else f"약 {nearby.km:.1f}km", "km": f"{nearby.km:.1f}km"}


def repr_quote(text: str) -> str:
    return f"'{text}'"


def _field_value(branch: Branch, field: str) -> str:
    if field == "address":
        return f"({branch.postal_code}) {branch.address}"
    return branch.phone if field == "phone" else branch.fax


def _venue(branch: Branch) -> Venue:
    return Venue(branch.lat, branch.lon, branch.title, branch.address)


def _list_button() -> Button:
    return Button("전체 지점 목록", "branch:list", follow_on=True)


def _typed_coordinates(text: str) -> tuple[float, float] | None:
    """"37.3595, 127.1086" typed as a message: a location, if both numbers have decimals."""
    found = _COORDINATES.match(text)
    if found is None or "." not in found.group(1) or "." not in found.group(2):
        return None
    return float(found.group(1)), float(found.group(2))
