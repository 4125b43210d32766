"""The small pure helpers of the Telegram side: formatting, splitting, keyboards, group
addressing, webhook options, log descriptions, the per-chat update order."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from telegram import (
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    ReplyKeyboardMarkup,
    Update,
    User,
)

from bot.app import Services
from bot.conversation import Button, Reply, Shared, Venue
from bot.handlers.callbacks import describe
from bot.handlers.delivery import seconds
from bot.handlers.processor import ChatOrderedProcessor
from bot.handlers.render import (
    MAX_CALLBACK_DATA,
    callback_data,
    can_edit,
    feedback_payloads,
    feedback_toast,
    inline_keyboard,
    inline_result,
    keyboard_shown_after,
    plan,
    pressed,
    settle_keyboard,
    split_text,
    tg_len,
    to_html,
    without_feedback,
)
from bot.handlers.translate import command_target, conversation_key, strip_mention
from bot.settings import Settings, SettingsError
from bot.telegram_app import webhook_options

# -- text ---------------------------------------------------------------------------------------


def test_html_escapes_everything_bolds_the_first_line_and_italicises_the_source() -> None:
    assert to_html("A & B <C>\n본문 \"인용\"\n출처: 안내 <1>") == (
        "<b>A &amp; B &lt;C&gt;</b>\n본문 \"인용\"\n<i>출처: 안내 &lt;1&gt;</i>")
    assert to_html("한 줄뿐입니다.") == "한 줄뿐입니다."


@pytest.mark.parametrize("text", [
    "짧은 답",
    "\n".join(["가나다 & <라마> " * 20] * 60),  # many lines, escaping makes them longer
    "😀" * 5000,  # one line, two UTF-16 units a character
    "&" * 9000,  # one line that grows fivefold when escaped
])
def test_split_pieces_fit_a_message_and_lose_nothing(text: str) -> None:
    pieces = split_text(text)
    assert all(tg_len(to_html(p, bold_first=n == 0)) <= 4096 for n, p in enumerate(pieces))
    assert "".join(pieces).replace("\n", "") == text.replace("\n", "")


# -- keyboards ----------------------------------------------------------------------------------


def test_short_buttons_pair_up_long_ones_stand_alone_and_thumbs_go_last() -> None:
    markup = inline_keyboard([Button("📍 가까운 지점", "menu:branch"), Button("📅 날짜 계산", "menu:deadline"),
                              Button("공인인증서 발급은행을 변경하려면 어떻게 하나요?", "faq:cert")], "cert")
    assert markup is not None
    rows = [[b.callback_data for b in row] for row in markup.inline_keyboard]
    assert rows == [["menu:branch", "menu:deadline"], ["faq:cert"], ["fb:up:cert", "fb:down:cert"]]


def test_a_button_payload_over_64_bytes_is_left_out_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    markup = inline_keyboard([Button("너무 긺", "faq:" + "가" * 30), Button("괜찮음", "faq:ok")])
    assert markup is not None
    assert [b.callback_data for row in markup.inline_keyboard for b in row] == ["faq:ok"]
    assert "left out" in caplog.text
    assert inline_keyboard([]) is None


def test_every_knowledge_entry_fits_telegrams_callback_data(base_services: Services) -> None:
    for entry_id in base_services.faq.kb.by_id:
        assert len(f"faq:{entry_id}".encode()) <= MAX_CALLBACK_DATA
        assert all(len(p.encode()) <= MAX_CALLBACK_DATA for p in feedback_payloads(entry_id))


def test_the_thumbs_row_comes_off_and_nothing_is_left_when_it_was_all() -> None:
    rows = [[InlineKeyboardButton("관련", callback_data="faq:b")],
            [InlineKeyboardButton("👍", callback_data="fb:up:a"), InlineKeyboardButton("👎", callback_data="fb:down:a")]]
    kept = without_feedback(InlineKeyboardMarkup(rows))
    assert kept is not None and [[b.callback_data for b in r] for r in kept.inline_keyboard] == [["faq:b"]]
    assert without_feedback(InlineKeyboardMarkup(rows[1:])) is None
    assert without_feedback(None) is None


def test_a_toast_is_the_first_paragraph_within_200_characters() -> None:
    assert feedback_toast(Reply(kind="chat", text="감사합니다.\n\n자세한 안내")) == "감사합니다."
    assert len(feedback_toast(Reply(kind="chat", text="가" * 500))) == 200


def test_plans_put_reply_keyboards_where_telegram_allows_them() -> None:
    asking = Reply(kind="branch", text="어디 계신가요?", keyboard="location")
    (only,) = plan(asking)
    assert isinstance(only.markup, ReplyKeyboardMarkup) and only.markup.keyboard[0][0].request_location
    assert not can_edit(asking)
    pins = Reply(kind="branch", text="가까운 지점", keyboard="remove", buttons=[Button("목록", "branch:list")],
                 venues=[Venue(37.5, 127.0, "강남지점", "서울")])
    assert can_edit(pins)  # the removal rides on the pin
    done = Reply(kind="sms", text="등록했습니다.", keyboard="remove", buttons=[Button("메뉴", "sms:menu")])
    assert len(plan(done)) == 2 and not can_edit(done)
    assert can_edit(settle_keyboard(done, shown=False))
    assert settle_keyboard(done, shown=None).keyboard == "remove"  # not known (a restart): taken away
    assert keyboard_shown_after(asking, None) is True
    assert keyboard_shown_after(done, True) is False
    assert keyboard_shown_after(Reply(kind="chat", text="."), True) is True


# -- groups -------------------------------------------------------------------------------------


def test_the_bots_mention_is_taken_out_in_any_case() -> None:
    assert strip_mention("@Johap_Test_Bot, 수수료 있나요?", "johap_test_bot") == ("수수료 있나요?", True)
    assert strip_mention("수수료 @johap_test_bot 있나요", "johap_test_bot") == ("수수료 있나요", True)
    assert strip_mention("@johap_test_botx 안녕", "johap_test_bot") == ("@johap_test_botx 안녕", False)
    assert strip_mention("@johap_test_bot 첫 줄\n둘째 줄", "johap_test_bot") == ("첫 줄\n둘째 줄", True)


def test_command_targets_and_conversation_keys() -> None:
    assert command_target("/help@johap_test_bot 인자") == "johap_test_bot"
    assert command_target("/help") is None
    assert conversation_key(5, "private", 5) == "5"
    assert conversation_key(-100, "supergroup", 7) == "-100:7"


# -- settings, logs, order ----------------------------------------------------------------------


def test_webhook_options_use_the_urls_path_and_a_secret() -> None:
    settings = Settings(webhook_url="https://bot.example.org/tg/hook", webhook_secret="abc_DEF-1", webhook_port=8443)
    options = webhook_options(settings)
    assert options["url_path"] == "tg/hook" and options["secret_token"] == "abc_DEF-1"
    assert options["listen"] == "0.0.0.0" and options["port"] == 8443
    generated = webhook_options(Settings(webhook_url="https://bot.example.org"))["secret_token"]
    assert len(generated) >= 32
    with pytest.raises(SettingsError):
        webhook_options(Settings(webhook_url="https://bot.example.org", webhook_secret="공백 있음"))
    with pytest.raises(SettingsError):
        webhook_options(Settings(webhook_url="bot.example.org"))


def test_updates_are_described_for_the_log_by_ids_only() -> None:
    message = Message(7, dt.datetime(2026, 1, 1, tzinfo=dt.UTC), Chat(42, "private"), from_user=User(42, "홍길동", False),
                      text="제 번호는 010-1234-5678")
    assert describe(Update(3, message=message)) == "update 3 (message, chat 42)"
    assert describe(None) == "NoneType"


def test_retry_after_seconds_from_either_type() -> None:
    assert seconds(dt.timedelta(seconds=3)) == 3.0
    assert seconds(5) == 5.0


async def test_one_chats_updates_run_in_order_while_other_chats_go_ahead() -> None:
    processor = ChatOrderedProcessor(8)
    log: list[str] = []
    release = asyncio.Event()

    async def work(name: str, wait: bool = False) -> None:
        log.append(f"{name} start")
        if wait:
            await release.wait()
        log.append(f"{name} end")

    def update(chat_id: int, n: int) -> Update:
        return Update(n, message=Message(n, dt.datetime(2026, 1, 1, tzinfo=dt.UTC), Chat(chat_id, "private")))

    first = asyncio.create_task(processor.process_update(update(1, 1), work("a1", wait=True)))
    second = asyncio.create_task(processor.process_update(update(1, 2), work("a2")))
    other = asyncio.create_task(processor.process_update(update(2, 3), work("b1")))
    await other
    assert log == ["a1 start", "b1 start", "b1 end"]  # chat 2 did not wait for chat 1
    release.set()
    await asyncio.gather(first, second)
    assert log[3:] == ["a1 end", "a2 start", "a2 end"]


# -- issue 12: follow-on and link buttons, groups, inline results ---------------------------------


def test_a_follow_on_buttons_data_is_marked_and_read_back() -> None:
    related = Button("관련 질문", "faq:sms-fee", follow_on=True)
    choice = Button("제안", "faq:sms-fee")
    assert (callback_data(related), callback_data(choice)) == ("+faq:sms-fee", "faq:sms-fee")
    assert pressed("+faq:sms-fee") == ("faq:sms-fee", True)
    assert pressed("faq:sms-fee") == ("faq:sms-fee", False)


def test_a_link_button_opens_its_url() -> None:
    markup = inline_keyboard([Button("1:1 대화에서 열기", url="https://t.me/johap_bot?start=sms")])
    assert markup is not None
    assert markup.to_dict() == {"inline_keyboard": [[{"text": "1:1 대화에서 열기", "url": "https://t.me/johap_bot?start=sms"}]]}


def test_a_group_gets_one_venue_at_most() -> None:
    pins = [Venue(37.0 + n, 127.0, f"{n}지점", "주소") for n in range(3)]
    reply = Reply(kind="branch", text="가까운 지점", venues=pins)
    assert len([o for o in plan(reply) if o.venue]) == 3
    assert [o.venue.title for o in plan(reply, group=True) if o.venue] == ["0지점"]


def test_an_inline_result_carries_the_whole_answer_as_html() -> None:
    reply = Reply(kind="answer", text="아니요, 수수료는 없습니다 <무료>.\n- 자세히\n\n출처: 안내")
    result = inline_result(Shared("rating-fee", "신용평가 수수료가 있나요?", reply)).to_dict()
    assert result["id"] == "rating-fee" and result["title"] == "신용평가 수수료가 있나요?"
    assert result["description"] == "아니요, 수수료는 없습니다 <무료>."
    assert result["input_message_content"] == {
        "message_text": "<b>아니요, 수수료는 없습니다 &lt;무료&gt;.</b>\n- 자세히\n\n<i>출처: 안내</i>", "parse_mode": "HTML"}
