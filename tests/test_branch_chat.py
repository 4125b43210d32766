"""The branch finder through the engine, as every channel drives it: which messages it claims,
what it answers, /branch with the location button, shared locations with map pins, choices."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app import faq_actions
from bot.branches.capability import BranchesCapability
from bot.branches.finder import shared_finder
from bot.capability import Capability
from bot.conversation import Event, Reply, Turn
from bot.engine import Engine
from bot.faq.capability import FaqCapability
from bot.settings import DEFAULT_KNOWLEDGE_DIR
from bot.storage import open_db
from bot.storage.feedback import FeedbackStore
from bot.storage.state import StateStore
from support import TODAY, faq_index

FINDER = shared_finder(DEFAULT_KNOWLEDGE_DIR / "branches.csv")
TITLE = re.compile("(" + "|".join(sorted(FINDER.by_name, key=len, reverse=True)) + ")지점")


def _engine() -> Engine:
    """The branch finder before the FAQ, as bot/app.py orders them, on a fresh database."""
    db = open_db(None)
    capabilities: list[Capability] = [BranchesCapability(FINDER), FaqCapability(faq_index(), faq_actions())]
    return Engine(capabilities, StateStore(db), FeedbackStore(db))


@pytest.fixture
def bot() -> Engine:
    return _engine()


def say(bot: Engine, text: str) -> Reply:
    return bot.handle("c1", Event.from_text(text), today=TODAY)


def share(bot: Engine, lat: float, lon: float) -> Reply:
    return bot.handle("c1", Event(kind="location", location=(lat, lon)), today=TODAY)


def press(bot: Engine, payload: str) -> Reply:
    return bot.handle("c1", Event(kind="button", payload=payload), today=TODAY)


def first_branch(reply: Reply) -> str | None:
    """The first "<name>지점" in the reply, as the grader reads it."""
    found = TITLE.search(reply.text)
    return found.group(1) if found else None


@pytest.mark.parametrize("text, branch", [
    ("분당 근처 지점 어디예요?", "성남"), ("창원 사는데 가까운 지점", "창원"), ("해운대구 근처 지점", "부산"),
    ("서귀포에서 가까운 지점 알려주세요", "제주"), ("춘천 쪽 지점", "춘천"), ("목포 주변 지점", "목포"),
    ("저는 진주에 사는데 가까운 지점이 어디죠", "진주"), ("대구 중구 근처 지점", "대구"), ("울산 인근 지점", "울산"),
    ("해운데 근처 지점", "부산"), ("강남지점", None), ("분당지점 어디예요", "성남"),
])
def test_a_place_gets_its_nearest_branches_nearest_first(bot: Engine, text: str, branch: str | None) -> None:
    reply = say(bot, text)
    assert reply.kind == "branch"
    nearby = [v.title for v in reply.venues]
    assert len(nearby) == 3 and first_branch(reply) == nearby[0].removesuffix("지점")
    if branch is not None:
        assert nearby[0] == f"{branch}지점"
    assert len(re.findall(r"^\d\. \S+지점 · (?:\d+\.\dkm|바로 이 지역)$", reply.text, re.M)) == 3
    assert "전화: " in reply.text and "팩스: " in reply.text


def test_gangnam_has_two_branches_and_either_may_come_first(bot: Engine) -> None:
    reply = say(bot, "강남 근처 지점 알려줘")
    assert reply.kind == "branch" and first_branch(reply) in ("중앙", "삼성")
    assert "서울특별시 강남구에서 가장 가까운 지점은" in reply.text.splitlines()[0]


def test_a_corrected_typo_is_said_so(bot: Engine) -> None:
    reply = say(bot, "해운데 근처 지점")
    assert "'해운데'를 '부산광역시 해운대구'로 알아듣고" in reply.text


@pytest.mark.parametrize("text", ["수원지점", "수원 지점", "수원지점 연락처", "수원 연락처", "수원지점 알려줘"])
def test_a_branch_by_name_gets_address_phone_and_fax(bot: Engine, text: str) -> None:
    reply = say(bot, text)
    assert reply.kind == "branch" and first_branch(reply) == "수원"
    for value in ("경기도 수원시 장안구 팔달로 205 건설회관 2층", "031-253-1501", "031-271-3066"):
        assert value in reply.text
    assert reply.text.rstrip().endswith("2017년도 신용평가 업무안내, 전국 지점 연락처")


@pytest.mark.parametrize("text, shown, hidden", [
    ("광주지점 전화번호", "062-363-0018", ["062-365-2696", "독립로"]),
    ("제주지점 팩스", "064-746-8060", ["064-744-1961", "신대로"]),
    ("수원지점 팩스번호", "031-271-3066", ["031-253-1501"]),
    ("부산지점 주소", "부산광역시 부산진구 중앙대로 709", ["051-463-8147", "051-464-0475"]),
    ("광주 전화번호", "062-363-0018", ["062-365-2696"]),
    ("성남지점 위치", "경기도 성남시 분당구 성남대로 912", ["031-709-5979"]),
])
def test_one_field_alone_answers_just_that(bot: Engine, text: str, shown: str, hidden: list[str]) -> None:
    reply = say(bot, text)
    assert reply.kind == "branch"
    first = reply.text.splitlines()[0]
    assert shown in first and first.endswith("입니다.")
    assert not any(h in reply.text for h in hidden)


def test_two_branches_in_one_message(bot: Engine) -> None:
    reply = say(bot, "수원지점이랑 안양지점 전화번호")
    assert "031-253-1501" in reply.text and "031-388-0103" in reply.text


@pytest.mark.parametrize("text", ["지점 목록", "전국 지점", "전체 지점 연락처", "지점 리스트 보여줘"])
def test_the_full_list_groups_all_35_by_region(bot: Engine, text: str) -> None:
    reply = say(bot, text)
    assert reply.kind == "branch"
    assert len(set(TITLE.findall(reply.text))) == 35
    assert "[서울] 6곳" in reply.text and "[경기] 7곳" in reply.text and "[제주] 1곳" in reply.text
    assert len(reply.text) <= 4000


@pytest.mark.parametrize("text", [
    "신용평가 문의 전화번호", "신용평가팀 연락처", "정보시스템부 전화", "NICE평가정보 번호",
    "지점 가서 신청해도 되나요", "지점에서 접수한 신용평가 수정", "서면으로 지점에 제출하나요",
    "부산 날씨 어때요", "서울 가는 기차", "신용평가 언제 신청해요", "가장 좋은 방법은?", "123",
])
def test_questions_for_others_are_not_claimed(bot: Engine, text: str) -> None:
    assert say(bot, text).kind != "branch"


def test_branch_offers_the_location_button_and_takes_the_next_place(bot: Engine) -> None:
    asked = bot.handle("c1", Event.from_text("/branch"), today=TODAY)
    assert asked.kind == "branch" and asked.keyboard == "location"
    assert "지역 이름" in asked.text
    reply = say(bot, "분당")
    assert reply.kind == "branch" and first_branch(reply) == "성남"
    assert reply.keyboard == "remove" and len(reply.venues) == 3
    again = say(bot, "분당")  # the flow is over: a place alone is a new question, no keyboard to take away
    assert again.kind == "branch" and again.keyboard is None and bot.states.load("c1").get("flow") is None


def test_the_deep_link_and_the_menu_button_ask_too(bot: Engine) -> None:
    assert bot.handle("c1", Event.from_text("/start branch"), today=TODAY).keyboard == "location"
    assert press(bot, "menu:branch").keyboard == "location"


def test_branch_with_an_argument_answers_at_once(bot: Engine) -> None:
    reply = bot.handle("c1", Event.from_text("/branch 전주"), today=TODAY)
    assert first_branch(reply) == "전주"


@pytest.mark.parametrize("text", ["123", "도쿄", "ㅁㄴㅇㄹ"])
def test_after_branch_an_unknown_place_gets_a_clear_message(bot: Engine, text: str) -> None:
    say(bot, "/branch")
    reply = say(bot, text)
    assert reply.kind == "branch" and "찾지 못했습니다" in reply.text
    assert [b.payload for b in reply.buttons] == ["branch:list"]


def test_after_branch_a_question_goes_to_the_faq(bot: Engine) -> None:
    say(bot, "/branch")
    assert say(bot, "신용평가 수수료가 있나요?").kind != "branch"


def test_a_foreign_city_with_a_branch_word_is_not_found(bot: Engine) -> None:
    reply = say(bot, "도쿄 근처 지점")
    assert reply.kind == "branch" and "'도쿄'는 국내 지역 이름에서 찾지 못했습니다" in reply.text


def test_a_shared_location_says_where_and_pins_the_nearest(bot: Engine) -> None:
    reply = share(bot, 37.3595, 127.1086)
    assert reply.kind == "branch" and reply.keyboard == "remove"
    assert "경기도 성남시 분당구 정자동" in reply.text.splitlines()[0]
    assert first_branch(reply) == "성남"
    pins = reply.venues
    assert pins[0].title == "성남지점" and len(pins) == 3
    assert pins[0].address.startswith("경기도 성남시 분당구 성남대로 912")
    assert (pins[0].latitude, pins[0].longitude) == (FINDER.by_name["성남"].lat, FINDER.by_name["성남"].lon)


def test_a_location_in_sejong_new_town_goes_to_daejeon(bot: Engine) -> None:
    assert first_branch(share(bot, 36.5040, 127.2650)) == "대전"


@pytest.mark.parametrize("lat, lon", [(36.0, 125.5), (35.6762, 139.6503), (0.0, 0.0)])
def test_a_location_abroad_or_at_sea_offers_the_full_list(bot: Engine, lat: float, lon: float) -> None:
    reply = share(bot, lat, lon)
    assert reply.kind == "branch" and "국내 행정구역 밖" in reply.text
    assert [b.payload for b in reply.buttons] == ["branch:list"] and reply.venues == []
    assert len(set(TITLE.findall(press(bot, "branch:list").text))) == 35


@pytest.mark.parametrize("lat, lon", [(91.0, 0.0), (0.0, 200.0), (float("nan"), 127.0)])
def test_coordinates_out_of_range_get_a_polite_message(bot: Engine, lat: float, lon: float) -> None:
    reply = share(bot, lat, lon)
    assert reply.kind == "branch" and "올바르지 않습니다" in reply.text and "주세요" in reply.text


def test_typed_coordinates_work_like_a_shared_location(bot: Engine) -> None:
    reply = say(bot, "37.3595, 127.1086")
    assert reply.kind == "branch" and "정자동" in reply.text


def test_an_ambiguous_place_offers_a_choice_and_the_choice_answers(bot: Engine) -> None:
    reply = say(bot, "중구 근처 지점")
    assert reply.kind == "branch" and reply.venues == []
    assert "'중구'는 여러 곳" in reply.text
    payloads = {b.label: b.payload for b in reply.buttons}
    assert len(payloads) == 6 and payloads["대구광역시 중구"] == "branch:place:27110"
    assert first_branch(press(bot, "branch:place:27110")) == "대구"


def test_after_a_choice_a_qualified_name_is_understood(bot: Engine) -> None:
    say(bot, "고성 근처 지점")
    reply = say(bot, "경남 고성")
    assert reply.text.startswith("경상남도 고성군에서 가장 가까운 지점은")


def test_gwangju_near_is_a_choice_but_gwangju_branch_is_the_branch(bot: Engine) -> None:
    assert len(say(bot, "광주 근처 지점").buttons) == 2
    assert "광주광역시 서구 독립로 174" in say(bot, "광주 지점").text
    assert first_branch(say(bot, "경기 광주 지점")) == "성남"


def test_a_common_township_name_asks_for_the_city(bot: Engine) -> None:
    reply = say(bot, "교동 근처 지점")
    assert "시·군·구 이름과 함께" in reply.text and not any(b.payload.startswith("branch:place") for b in reply.buttons)


def test_asking_for_a_phone_without_a_name_asks_which(bot: Engine) -> None:
    asked = say(bot, "지점 전화번호 알려줘")
    assert asked.kind == "branch" and "어느 지점의 전화번호를" in asked.text
    reply = say(bot, "수원")
    assert reply.text.startswith("수원지점 전화번호는 031-253-1501입니다.")


def test_stale_or_unknown_buttons_are_not_ours(bot: Engine) -> None:
    assert press(bot, "branch:place:99999").kind == "chat"
    assert press(bot, "branch:info:강남").kind == "chat"
    assert press(bot, "branch:info:춘천").text.startswith("춘천지점 연락처")


def test_an_empty_message_is_the_engines(bot: Engine) -> None:
    assert say(bot, "   ").kind == "chat"


def test_the_help_menu_lists_the_finder(bot: Engine) -> None:
    assert "지점 찾기" in bot.handle("c1", Event.from_text("/help"), today=TODAY).text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=st.sampled_from(list("분당근처지점광주수원 중구?팩스전화123.,-ㄱㅏ가힣a")), max_size=40),
       in_flow=st.booleans())
def test_any_text_gets_a_branch_reply_or_is_passed_on(text: str, in_flow: bool) -> None:
    capability = BranchesCapability(FINDER)
    turn = Turn("h", Event.from_text(text), {"flow": "branch", "data": {}} if in_flow else {}, TODAY)
    reply = capability.on_text(turn)
    assert reply is None or (reply.kind == "branch" and reply.text.strip() and len(reply.text) <= 4000)


@pytest.mark.parametrize("text", ["관할지점이 어디예요", "조합 지점 연락처는 어디서 볼 수 있나요?", "근처 지점"])
def test_a_general_question_about_branches_asks_where_the_member_is(bot: Engine, text: str) -> None:
    reply = say(bot, text)
    assert reply.kind == "branch" and reply.keyboard == "location" and "지역 이름" in reply.text


# -- issue 12: places as members write them ------------------------------------------------------


@pytest.mark.parametrize("text, where, branch", [
    ("김해", "경상남도 김해시", "부산"), ("김해시", "경상남도 김해시", "부산"), ("분당", "경기도 성남시 분당구", "성남"),
    ("해운대", "부산광역시 해운대구", "부산"), ("제주도", "제주특별자치도", "제주"), ("원주요", "강원특별자치도 원주시", "원주"),
])
def test_a_place_name_alone_is_a_branch_question(bot: Engine, text: str, where: str, branch: str) -> None:
    reply = say(bot, text)
    assert reply.kind == "branch" and reply.text.startswith(where) and first_branch(reply) == branch
    assert reply.keyboard is None  # no location keyboard was shown, none to take away


def test_a_place_name_of_several_places_alone_is_a_choice(bot: Engine) -> None:
    reply = say(bot, "동구")
    assert reply.text.startswith("'동구'는 여러 곳(6곳)에 있습니다.")
    assert len([b for b in reply.buttons if b.payload.startswith("branch:place:")]) == 6


@pytest.mark.parametrize("text", ["신용", "기장", "수정", "중앙", "평양", "본사 이전한 것도 적어요", "서면 제출 가능한가요"])
def test_words_that_are_also_places_are_not_taken_alone(bot: Engine, text: str) -> None:
    assert say(bot, text).kind != "branch"


@pytest.mark.parametrize("text", ["본점", "서울 본점", "본사 어디예요"])
def test_the_head_office_is_said_honestly_with_seouls_branches(bot: Engine, text: str) -> None:
    reply = say(bot, text)
    assert reply.kind == "branch"
    assert reply.text.splitlines()[0] == ("안내자료의 전국 지점 연락처에는 본점(본사)이 따로 나와 있지 않아, 서울특별시의 지점을 "
                                          "안내해 드립니다. 신용평가 문의는 신용평가팀(02-3449-8738)으로 하시면 됩니다.")
    assert {v.title for v in reply.venues} <= {f"{b.name}지점" for b in FINDER.branches if b.sido == "서울특별시"}


@pytest.mark.parametrize("text, quoted", [("평양", "'평양'은"), ("도쿄", "'도쿄'는"), ("안녕", "'안녕'은")])
def test_after_branch_no_korean_place_is_not_found_not_the_closest_sounding(bot: Engine, text: str,
                                                                             quoted: str) -> None:
    say(bot, "/branch")
    reply = say(bot, text)
    assert reply.text.splitlines()[0] == f"{quoted} 국내 지역 이름에서 찾지 못했습니다."


def test_a_branch_in_the_place_itself_is_right_here_not_zero_km(bot: Engine) -> None:
    reply = say(bot, "목포 주변 지점")
    assert reply.text.splitlines()[0] == "전라남도 목포시에서 가장 가까운 지점은 바로 이 지역에 있는 목포지점입니다."
    assert "1. 목포지점 · 바로 이 지역" in reply.text and "0.0km" not in reply.text


def test_a_location_at_sea_near_the_coast_finds_the_nearest_branch(bot: Engine) -> None:
    reply = share(bot, 33.24, 126.56)  # off 서귀포항
    assert reply.text.splitlines()[0] == ("보내 주신 위치는 바다 위로, 가장 가까운 육지는 제주특별자치도 서귀포시 서귀동입니다(약 1km). "
                                          "그곳에서 가장 가까운 지점은 제주지점입니다(약 24.9km).")
    assert reply.venues[0].title == "제주지점" and len(reply.venues) == 3


def test_without_share_buttons_branch_asks_for_a_place_name_only(bot: Engine) -> None:
    reply = bot.handle("c1", Event.from_text("/branch"), today=TODAY, can_share=False)
    assert reply.keyboard is None and "버튼" not in reply.text.splitlines()[0]
    assert reply.text.splitlines()[0] == ("가까운 지점을 찾아 드리겠습니다. 계신 지역 이름을 적어 주세요"
                                          "(위도·경도를 \"37.36, 127.11\"처럼 적으셔도 됩니다).")


def test_in_a_group_branch_offers_no_location_keyboard(bot: Engine) -> None:
    reply = bot.handle("g1", Event.from_text("/branch"), today=TODAY, chat_type="supergroup")
    assert reply.keyboard is None and "위치 보내기 버튼" not in reply.text


def test_the_full_list_button_opens_a_new_message() -> None:
    reply = say(_engine(), "수원지점 전화번호")
    assert [(b.payload, b.follow_on) for b in reply.buttons] == [("branch:list", True)]


def test_thanks_after_branch_is_small_talk_and_the_question_stays_open(bot: Engine) -> None:
    say(bot, "/branch")
    thanks = say(bot, "감사합니다")
    assert thanks.kind == "chat" and "이어서 하실 수 있습니다" in thanks.text
    assert first_branch(say(bot, "분당")) == "성남"


def test_a_question_for_the_guides_after_a_branch_request_is_answered_below_it(bot: Engine) -> None:
    reply = say(bot, "서초지점 전화번호 알려주시고, 신용평가 수수료 있는지도 알려주세요")
    assert reply.kind == "branch" and reply.text.startswith("서초지점 전화번호는 02-3449-2140입니다.")
    assert "함께 물어보신 것 · 신용평가 신청 시 수수료가 발생하나요?" in reply.text
    # The branch entries of the guides are the finder's own: never added under its reply.
    assert "함께 물어보신" not in say(bot, "서초지점 팩스 번호 알려주시고, 주소도 알려주세요").text
