"""The branch finder in Telegram, end to end (the real application polling the fake Bot API on
127.0.0.1): /branch offers the location button, a shared location gets the nearest branches as
text and as map pins (sendVenue) with the location keyboard taken away, a typed place works the
same, a branch by name answers its fax, and the /start branch deep link is /branch."""

from __future__ import annotations

from typing import Any

import pytest
from fakebotapi import Call, FakeBotApi

from bot.branches.finder import shared_finder
from bot.settings import DEFAULT_KNOWLEDGE_DIR

USER = 3001
OTHER_USER = 3002
SUWON = (37.2636, 127.0286)  # 수원시청, 팔달구 인계동
FINDER = shared_finder(DEFAULT_KNOWLEDGE_DIR / "branches.csv")
BY_TITLE = {b.title: b for b in FINDER.branches}
REMOVE = {"remove_keyboard": True}


def keyboard_buttons(call: Call) -> list[dict[str, Any]]:
    """The buttons of a reply keyboard (under the input field) sent with `call`."""
    return [b for row in call.markup.get("keyboard", []) for b in row]


async def venues(api: FakeBotApi, chat_id: int, since: int, count: int) -> list[Call]:
    """Exactly `count` map pins after `since`, each a real branch: "<name>지점", its address and
    its coordinates as branches.csv has them."""
    pins = await api.wait_for("sendVenue", chat_id=chat_id, since=since, count=count)
    for pin in pins:
        branch = BY_TITLE[pin.params["title"]]
        assert pin.params["title"] == f"{branch.name}지점"
        assert pin.params["address"] == branch.address
        assert (pin.params["latitude"], pin.params["longitude"]) == (
            pytest.approx(branch.lat, abs=1e-6), pytest.approx(branch.lon, abs=1e-6))
    assert len(api.calls_of("sendVenue", chat_id=chat_id, since=since)) == count
    return pins


def titles_in_text(text: str) -> list[str]:
    """The numbered branch lines of a nearest-branches reply ("1. 수원지점 · 6.0km"), in order."""
    out = []
    for line in text.splitlines():
        head, dot, rest = line.partition(". ")
        if dot and head.isdigit() and "지점 · " in rest:
            out.append(rest.split(" · ")[0])
    return out


async def ask_branch(api: FakeBotApi, chat_id: int, text: str = "/branch") -> Call:
    """Send /branch (or its deep link) and return the message carrying the location keyboard."""
    since = api.mark()
    api.message(chat_id, text)
    calls = await api.wait_for("sendMessage", chat_id=chat_id, since=since, count=2)
    return calls[0]


async def test_branch_offers_the_location_button(fake_api: FakeBotApi, bot: Any) -> None:
    since = fake_api.mark()
    fake_api.message(USER, "/branch")
    asked, choices = await fake_api.wait_for("sendMessage", chat_id=USER, since=since, count=2)
    assert "가까운 지점을 찾아 드리겠습니다" in asked.text
    [button] = keyboard_buttons(asked)
    assert button["request_location"] is True and "위치" in button["text"]
    assert asked.markup.get("one_time_keyboard") is True
    # One message cannot carry a reply keyboard and inline buttons: the list button follows.
    assert choices.button_data() == ["+branch:list"]  # follow-on: a new message
    assert fake_api.calls_of("sendVenue", since=since) == []


async def test_a_shared_location_gets_the_nearest_branches_as_text_and_pins(fake_api: FakeBotApi,
                                                                            bot: Any) -> None:
    await ask_branch(fake_api, USER)
    since = fake_api.mark()
    fake_api.location(USER, *SUWON)
    text = await fake_api.reply(USER, since=since)
    pins = await venues(fake_api, USER, since, 3)
    expected = [n.branch.title for n in FINDER.nearest(*SUWON)]
    assert expected[0] == "수원지점"
    assert "보내 주신 위치(경기도 수원시 팔달구 인계동)에서 가장 가까운 지점은 수원지점입니다" in text.text
    assert titles_in_text(text.text) == expected
    assert [p.params["title"] for p in pins] == expected
    assert "031-253-1501" in text.text and "031-271-3066" in text.text  # phone and fax in the text
    # The location keyboard is taken away (riding on the first pin; the text keeps its button).
    assert pins[0].markup == REMOVE and all(p.markup == {} for p in pins[1:])
    assert text.button_data() == ["+branch:list"]  # follow-on: a new message
    assert text.at < pins[0].at  # the text first, then the pins


async def test_a_location_at_sea_is_told_so_without_pins(fake_api: FakeBotApi, bot: Any) -> None:
    await ask_branch(fake_api, USER)
    since = fake_api.mark()
    fake_api.location(USER, 34.0, 131.5)  # the East Sea, between Korea and Japan
    reply = await fake_api.reply(USER, since=since)
    assert reply.markup == REMOVE
    assert "지점" in reply.text and "34.0000" in reply.text
    await fake_api.ask(USER, "/help")  # everything for the location has been sent by now
    assert fake_api.calls_of("sendVenue", chat_id=USER, since=since) == []


async def test_a_typed_place_after_branch_works_the_same(fake_api: FakeBotApi, bot: Any) -> None:
    await ask_branch(fake_api, USER)
    since = fake_api.mark()
    fake_api.message(USER, "해운대 근처 지점")
    text = await fake_api.reply(USER, since=since)
    pins = await venues(fake_api, USER, since, 3)
    assert "부산광역시 해운대구에서 가장 가까운 지점은 부산지점입니다" in text.text
    assert [p.params["title"] for p in pins] == titles_in_text(text.text)
    assert pins[0].params["title"] == "부산지점"
    assert pins[0].markup == REMOVE  # the /branch keyboard goes away here too


async def test_a_typed_place_out_of_the_blue_gets_pins_and_no_keyboard_change(fake_api: FakeBotApi,
                                                                              bot: Any) -> None:
    since = fake_api.mark()
    fake_api.message(OTHER_USER, "해운대 근처 지점")
    text = await fake_api.reply(OTHER_USER, since=since)
    pins = await venues(fake_api, OTHER_USER, since, 3)
    assert [p.params["title"] for p in pins] == titles_in_text(text.text)
    assert pins[0].params["title"] == "부산지점"
    # No reply keyboard was ever shown in this chat: nothing to take away.
    assert all(p.markup == {} for p in pins) and text.button_data() == ["+branch:list"]  # follow-on: a new message


async def test_a_branch_by_name_answers_its_fax(fake_api: FakeBotApi, bot: Any) -> None:
    since = fake_api.mark()
    fake_api.message(USER, "수원지점 팩스")
    reply = await fake_api.reply(USER, since=since)
    assert "수원지점 팩스번호는 031-271-3066입니다." in reply.text
    assert "031-253-1501" not in reply.text  # the fax alone, not the phone
    [pin] = await venues(fake_api, USER, since, 1)
    assert pin.params["title"] == "수원지점" and pin.markup == {}


async def test_the_start_branch_deep_link_behaves_as_branch(fake_api: FakeBotApi, bot: Any) -> None:
    by_command = await ask_branch(fake_api, USER, "/branch")
    by_link = await ask_branch(fake_api, OTHER_USER, "/start branch")
    assert by_link.text == by_command.text
    assert by_link.markup == by_command.markup
    assert keyboard_buttons(by_link)[0]["request_location"] is True
    # And the deep link's chat is in the /branch flow: a location gets the pins.
    since = fake_api.mark()
    fake_api.location(OTHER_USER, *SUWON)
    pins = await venues(fake_api, OTHER_USER, since, 3)
    assert pins[0].params["title"] == "수원지점" and pins[0].markup == REMOVE
