"""SMS recipients in Telegram, end to end (the real application polling the fake Bot API on
127.0.0.1, its BOT_DB holding a member list imported from a staff CSV): a full registration
with the contact button, a refusal of consent, an opt-out and an opt-in confirmed with buttons,
a contact card of someone else's number not taken as proof, the admins' /sms commands for
BOT_ADMIN_IDS only, and no phone number in clear in any log line of a whole session."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from conftest import ADMIN_ID, StartBot
from fakebotapi import Call, FakeBotApi

from bot.sms.consent import CONSENT_VERSION
from bot.sms.members import import_members
from bot.sms.registry import Recipient, Registry
from bot.storage import open_db

USER = 4001
OTHER_USER = 4002
GROUP = -100_4000

MEMBERS_CSV = """조합원번호,사업자등록번호,상호,대표자명,대표자휴대폰,지점
1001,101-81-00016,가나설비(주),김대표,010-1111-2222,서울지점
1002,101-81-00020,다라기계,이사장,010-3333-4444,부산지점
"""
STAFF = "+821097535678"  # as the store normalises it
STAFF_CONTACT = "821097535678"  # as Telegram's contact button sends it
STAFF_TYPED = "010-9753-5678"
MASKED = "010-****-5678"
CEO_1 = "+821011112222"
# Every number of the session: middle and last four digits next to each other, however written.
CLEAR_NUMBERS = [re.compile(r"9753\D{0,3}5678"), re.compile(r"1111\D{0,3}2222"), re.compile(r"3333\D{0,3}4444")]
REMOVE = {"remove_keyboard": True}


# -- fixtures ------------------------------------------------------------------------------------


@pytest.fixture
def members(bot_env: dict[str, str], tmp_path: Path) -> Path:
    """BOT_DB with the member list imported as staff do (`bot members import`)."""
    path = tmp_path / "members.csv"
    path.write_text(MEMBERS_CSV, encoding="utf-8")
    db_path = Path(bot_env["BOT_DB"])
    db = open_db(db_path)
    try:
        report = import_members(Registry(db), path)
        assert report.ok, report
    finally:
        db.close()
    return db_path


@pytest.fixture
async def sms_bot(members: Path, start_bot: StartBot, caplog: pytest.LogCaptureFixture) -> AsyncIterator[Any]:
    """The application on that BOT_DB, every log record of it captured from DEBUG up."""
    caplog.set_level(logging.DEBUG)
    async with start_bot() as application:
        yield application


@contextmanager
def store(db_path: Path) -> Iterator[Registry]:
    """The bot's recipient store, read through a connection of the test's own."""
    db = open_db(db_path)
    try:
        yield Registry(db)
    finally:
        db.close()


def staff_entries(db_path: Path) -> list[Recipient]:
    """Every stored entry of member 1001 for the staff number, opted out ones included."""
    with store(db_path) as registry:
        return [e for e in registry.list_recipients("1001", include_inactive=True) if e.phone == STAFF]


def recipient_rows(db_path: Path) -> int:
    with store(db_path) as registry:
        return int(registry.db.execute("SELECT count(*) FROM sms_recipients").fetchone()[0])


# -- driving the chat ----------------------------------------------------------------------------


def labels(call: Call) -> list[str]:
    return [b["text"] for row in call.markup.get("inline_keyboard", []) for b in row]


def reply_keyboard(call: Call) -> list[dict[str, Any]]:
    return [b for row in call.markup.get("keyboard", []) for b in row]


async def press(api: FakeBotApi, call: Call, data: str, method: str, *, user_id: int | None = None) -> Call:
    """Press the inline button `data` under the bot's message of `call`; the bot's answer is an
    edit of that message or a new message (`method`), after the spinner was stopped."""
    chat_id = call.chat_id
    assert data in call.button_data(), f"{data} not in {call.button_data()}"
    since = api.mark()
    api.press(api.sent_message(call), data, user_id=user_id)
    answer = (await api.wait_for(method, chat_id=chat_id, since=since))[0]
    assert api.calls_of("answerCallbackQuery", since=since)
    return answer


async def share(api: FakeBotApi, chat_id: int, phone: str, *, contact_user_id: int | None) -> Call:
    since = api.mark()
    api.contact(chat_id, phone, contact_user_id=contact_user_id)
    return await api.reply(chat_id, since=since)


async def say_twice(api: FakeBotApi, chat_id: int, text: str) -> tuple[Call, Call]:
    """A reply whose text carries the contact keyboard, its inline buttons following."""
    since = api.mark()
    api.message(chat_id, text)
    first, second = await api.wait_for("sendMessage", chat_id=chat_id, since=since, count=2)
    return first, second


async def register_until_consent(api: FakeBotApi, chat_id: int, *, member: str = "1001", name: str = "홍길동",
                                 contact_user_id: int | None = None) -> Call:
    """/sms → 수신자 등록 → member → name → 담당자 → the contact button; the consent question.
    `contact_user_id` is whose contact card it is (the sender's own unless told)."""
    menu = await api.ask(chat_id, "/sms")
    assert menu.button_data() == ["sms:reg", "sms:out", "sms:in", "sms:view", "sms:del"]
    asked = await press(api, menu, "sms:reg", "editMessageText")
    assert "조합원번호 또는 사업자등록번호" in asked.text
    named = await api.ask(chat_id, member)
    assert "가나설비(주)(조합원번호 1001)로 확인했습니다" in named.text
    role = await api.ask(chat_id, name)
    assert role.button_data() == ["sms:role:ceo", "sms:role:staff"]
    phone = await press(api, role, "sms:role:staff", "sendMessage")  # a reply keyboard: not an edit
    [button] = reply_keyboard(phone)
    assert button["request_contact"] is True and "휴대폰 번호" in button["text"]
    return await share(api, chat_id, STAFF_CONTACT, contact_user_id=chat_id if contact_user_id is None
                       else contact_user_id)


async def register(api: FakeBotApi, chat_id: int) -> Call:
    consent = await register_until_consent(api, chat_id)
    return await press(api, consent, "sms:agree", "sendMessage")


def numbers_in_clear(records: list[logging.LogRecord]) -> list[str]:
    """Where (logger, level, source line) a record holds one of the session's numbers in clear."""
    found = []
    for record in records:
        line = record.getMessage() + (record.exc_text or "")
        if any(number.search(line) for number in CLEAR_NUMBERS):
            found.append(f"{record.name} {record.levelname} {record.filename}:{record.lineno}")
    return sorted(set(found))


# -- tests ---------------------------------------------------------------------------------------


async def test_a_full_registration_with_the_contact_button(fake_api: FakeBotApi, sms_bot: Any,
                                                           members: Path) -> None:
    consent = await register_until_consent(fake_api, USER, member="101-81-00016")  # by business number
    for words in ("개인정보 수집·이용 동의", "보증해제 안내 문자", "성명, 휴대전화 번호", "거부하실 권리",
                  f"가나설비(주) 담당자 홍길동님, {MASKED} (본인 확인)"):
        assert words in consent.text
    assert "9753" not in consent.text
    assert consent.button_data() == ["sms:agree", "sms:disagree"]
    assert labels(consent) == ["동의", "동의하지 않음"]
    assert staff_entries(members) == []  # nothing stored before the member agrees

    done = await press(fake_api, consent, "sms:agree", "sendMessage")
    assert "등록했습니다" in done.text and MASKED in done.text and "9753" not in done.text
    assert done.markup == REMOVE  # the contact keyboard is taken away
    [entry] = staff_entries(members)
    assert (entry.name, entry.role, entry.verification, entry.status, entry.consent_version) == (
        "홍길동", "담당자", "contact", "active", CONSENT_VERSION)
    assert entry.consent_at


async def test_refusing_consent_stores_nothing(fake_api: FakeBotApi, sms_bot: Any, members: Path) -> None:
    with store(members) as registry:
        audit = registry.audit_log()
    consent = await register_until_consent(fake_api, USER)
    refused = await press(fake_api, consent, "sms:disagree", "sendMessage")
    assert "저장하지 않았습니다" in refused.text and refused.markup == REMOVE
    assert recipient_rows(members) == 0
    with store(members) as registry:
        assert registry.audit_log() == audit
    # The conversation is over: pressing 동의 on the old question now stores nothing either.
    since = fake_api.mark()
    fake_api.press(fake_api.sent_message(consent), "sms:agree")
    await fake_api.wait_for("answerCallbackQuery", since=since)
    await fake_api.ask(USER, "/help")
    assert recipient_rows(members) == 0


async def test_an_opt_out_and_an_opt_in_each_confirmed_with_buttons(fake_api: FakeBotApi, sms_bot: Any,
                                                                    members: Path) -> None:
    await register(fake_api, USER)

    asked, picks = await say_twice(fake_api, USER, "문자 그만 받고 싶어요")
    assert "수신거부하실 휴대전화 번호" in asked.text
    assert reply_keyboard(asked)[0]["request_contact"] is True
    assert labels(picks) == [f"{MASKED} (가나설비(주))"]
    confirm = await share(fake_api, USER, STAFF_CONTACT, contact_user_id=USER)
    assert f"{MASKED} 번호의 보증해제 안내 문자를 수신거부하시겠습니까?" in confirm.text
    assert confirm.button_data() == ["sms:yes", "sms:no"]
    assert [e.status for e in staff_entries(members)] == ["active"]  # not before the yes
    done = await press(fake_api, confirm, "sms:yes", "sendMessage")
    assert "수신거부를 등록했습니다" in done.text and done.markup == REMOVE
    assert [e.status for e in staff_entries(members)] == ["opted_out"]
    with store(members) as registry:
        assert STAFF not in [e.phone for e in registry.active_recipients()]

    # Back in, this time picking the number this chat registered.
    asked, picks = await say_twice(fake_api, USER, "문자 다시 받을래요")
    assert "다시 받으실 휴대전화 번호" in asked.text
    confirm = await press(fake_api, picks, picks.button_data()[0], "editMessageText")
    assert f"{MASKED} 번호로 보증해제 안내 문자를 다시 받으시겠습니까?" in confirm.text
    assert confirm.button_data() == ["sms:yes", "sms:no"]
    assert [e.status for e in staff_entries(members)] == ["opted_out"]
    done = await press(fake_api, confirm, "sms:yes", "sendMessage")
    assert "다시 보내 드리겠습니다" in done.text and done.markup == REMOVE
    assert [e.status for e in staff_entries(members)] == ["active"]
    with store(members) as registry:
        assert STAFF in [e.phone for e in registry.active_recipients("1001")]


async def test_someone_else_s_contact_card_is_not_proof(fake_api: FakeBotApi, sms_bot: Any,
                                                        members: Path) -> None:
    # Registering with a contact card whose user_id is not the sender's: taken as typed.
    consent = await register_until_consent(fake_api, OTHER_USER, contact_user_id=USER)
    assert f"{MASKED} (미확인)" in consent.text and "본인 확인" not in consent.text
    await press(fake_api, consent, "sms:agree", "sendMessage")
    [entry] = staff_entries(members)
    assert entry.verification == "typed"


async def test_someone_else_s_contact_card_cannot_opt_out_their_number(fake_api: FakeBotApi, sms_bot: Any,
                                                                       members: Path) -> None:
    await register(fake_api, USER)
    asked = await fake_api.ask(OTHER_USER, "문자 그만 받고 싶어요")
    assert "수신거부하실 휴대전화 번호" in asked.text and asked.button_data() == []  # nothing to pick
    assert reply_keyboard(asked)[0]["request_contact"] is True
    for card_owner in (USER, None):  # another user's card, a card with no Telegram user at all
        refused = await share(fake_api, OTHER_USER, STAFF_CONTACT, contact_user_id=card_owner)
        assert "그 번호는 여기서 수신거부할 수 없습니다" in refused.text
        assert refused.button_data() == [] and "9753" not in refused.text
    # Each answered by one message: no number of this chat's to pick from.
    assert len(fake_api.calls_of("sendMessage", chat_id=OTHER_USER)) == 3
    assert [e.status for e in staff_entries(members)] == ["active"]
    # The same number shared as the sender's own (Telegram vouches for it) is proof.
    confirm = await share(fake_api, OTHER_USER, STAFF_CONTACT, contact_user_id=OTHER_USER)
    assert "수신거부하시겠습니까?" in confirm.text and confirm.button_data() == ["sms:yes", "sms:no"]


async def test_the_sms_admin_commands_answer_only_bot_admin_ids(fake_api: FakeBotApi, sms_bot: Any,
                                                                members: Path) -> None:
    await register(fake_api, USER)
    for command in ("/sms list", "/sms list 1001 all", f"/sms optout {STAFF_TYPED} 1001",
                    f"/sms optin {STAFF_TYPED} 1001"):
        refused = await fake_api.ask(USER, command)
        assert "관리자만 사용할 수 있습니다" in refused.text, command
        assert "수신자" not in refused.text.split("\n", 1)[0] and MASKED not in refused.text
    assert [e.status for e in staff_entries(members)] == ["active"]

    listed = await fake_api.ask(ADMIN_ID, "/sms list")
    assert "수신자 3명" in listed.text
    assert f"가나설비(주) | 담당자 홍길동 | {MASKED} | 받음 | 본인 확인" in listed.text
    assert "010-****-2222" in listed.text and "기본 수신자" in listed.text  # the CEO by default
    assert not any(n.search(listed.text) for n in CLEAR_NUMBERS)

    out = await fake_api.ask(ADMIN_ID, f"/sms optout {STAFF_TYPED} 1001")
    assert f"수신거부를 등록했습니다: 가나설비(주) 담당자 {MASKED}" in out.text
    assert [e.status for e in staff_entries(members)] == ["opted_out"]
    back = await fake_api.ask(ADMIN_ID, f"/sms optin {STAFF_TYPED} 1001")
    assert f"다시 받도록 했습니다: 가나설비(주) 담당자 {MASKED}" in back.text
    assert [e.status for e in staff_entries(members)] == ["active"]
    with store(members) as registry:
        actors = [row["actor"] for row in registry.audit_log()[-2:]]
    assert all(str(ADMIN_ID) in actor for actor in actors), actors

    # Not in a group, even for an admin: the list is personal data.
    since = fake_api.mark()
    fake_api.message(GROUP, "/sms list", user_id=ADMIN_ID, chat_type="supergroup")
    in_group = await fake_api.reply(GROUP, since=since)
    assert "1:1 대화에서만" in in_group.text and MASKED not in in_group.text


async def test_a_whole_session_logs_no_phone_number_in_clear(
        fake_api: FakeBotApi, members: Path, start_bot: StartBot, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    async with start_bot():
        await register(fake_api, USER)
        await say_twice(fake_api, USER, "문자 그만 받고 싶어요")
        confirm = await share(fake_api, USER, STAFF_CONTACT, contact_user_id=USER)
        await press(fake_api, confirm, "sms:yes", "sendMessage")
        await say_twice(fake_api, USER, "내 등록 정보")
        viewed = await fake_api.ask(USER, STAFF_TYPED)
        assert MASKED in viewed.text and "수신거부" in viewed.text
        await fake_api.ask(OTHER_USER, "문자 다시 받을래요")
        await share(fake_api, OTHER_USER, STAFF_CONTACT, contact_user_id=USER)  # refused
        await fake_api.ask(OTHER_USER, "/cancel")
        await share(fake_api, OTHER_USER, CEO_1, contact_user_id=OTHER_USER)  # out of the blue: a menu
        await fake_api.ask(ADMIN_ID, "/sms list 1001 all")
        await fake_api.ask(ADMIN_ID, f"/sms optin {STAFF_TYPED} 1001")
        await fake_api.ask(USER, "/sms optout 010 3333 4444 1002")  # a non-admin, refused
    assert [e.status for e in staff_entries(members)] == ["active"]
    records = caplog.records
    # DEBUG really was captured, the bot's own lines and the HTTP client's included.
    assert {"bot.sms.capability", "httpcore.http11"} <= {r.name for r in records if r.levelno == logging.DEBUG}
    assert numbers_in_clear(records) == []
