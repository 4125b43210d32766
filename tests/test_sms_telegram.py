"""SMS recipients in Telegram, end to end (the real application polling the fake Bot API on
127.0.0.1, its BOT_DB holding a member list imported from a staff CSV): a registration request
with the contact button that names no company and waits; the CEO on file approving it with the
contact button, after which the staff member is in the export; a refusal of consent; an opt-out
and an opt-in confirmed with buttons; someone else's contact card not taken as proof; the admins'
/sms commands and pending list with buttons; throttled codes; stale buttons refused and pressed
keyboards taken away; the housekeeping job on Korean time; and no phone number in clear in any
log line of a whole session, not even when Telegram sends an update the library cannot parse."""

from __future__ import annotations

import csv
import logging
import re
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from conftest import ADMIN_ID, StartBot
from fakebotapi import Call, FakeBotApi

from bot.app import branch_directory
from bot.cli import build_parser
from bot.handlers.jobs import HOUSEKEEPING
from bot.settings import DEFAULT_KNOWLEDGE_DIR
from bot.sms import policy
from bot.sms.consent import CONSENT_VERSION
from bot.sms.members import import_members
from bot.sms.registry import Recipient, Registry
from bot.sms.service import RecipientService
from bot.storage import open_db

USER = 4001
OTHER_USER = 4002
CEO_USER = 4003
GROUP = -100_4000

MEMBERS_CSV = """조합원번호,사업자등록번호,상호,대표자명,대표자휴대폰,지점
1001,101-81-00016,가나설비(주),김대표,010-1111-2222,종로지점
1002,101-81-00020,다라기계,이사장,010-3333-4444,부산지점
"""
COMPANIES = ("가나설비", "다라기계")
STAFF = "+821097535678"  # as the store normalises it
STAFF_CONTACT = "821097535678"  # as Telegram's contact button sends it
STAFF_TYPED = "010-9753-5678"
MASKED = "010-****-5678"
CEO_1 = "+821011112222"
CEO_1_CONTACT = "821011112222"
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
        report = import_members(Registry(db), path, branch_directory(DEFAULT_KNOWLEDGE_DIR))
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


def staff_entries(db_path: Path, member: str = "1001") -> list[Recipient]:
    """Every stored entry of the member for the staff number, pending and opted out ones included."""
    with store(db_path) as registry:
        return [e for e in registry.list_recipients(member, include_inactive=True) if e.phone == STAFF]


def approve_by_branch(db_path: Path, member: str = "1001") -> None:
    run_cli(db_path, "sms", "approve", STAFF_TYPED, "--member", member)


def run_cli(db_path: Path, *argv: str) -> int:
    import os

    os.environ["BOT_DB"] = str(db_path)
    try:
        args = build_parser().parse_args(list(argv))
        return int(args.handler(args))
    finally:
        del os.environ["BOT_DB"]


def outbox(db_path: Path) -> list[Any]:
    with store(db_path) as registry:
        return RecipientService(registry, branch_directory(DEFAULT_KNOWLEDGE_DIR)).outbox.unsent()


# -- driving the chat ----------------------------------------------------------------------------


def labels(call: Call) -> list[str]:
    return [b["text"] for row in call.markup.get("inline_keyboard", []) for b in row]


def reply_keyboard(call: Call) -> list[dict[str, Any]]:
    return [b for row in call.markup.get("keyboard", []) for b in row]


def data_for(call: Call, action: str) -> str:
    """The callback_data of the button for `action`: sms:<action>, or sms:<nonce>:<action>."""
    found = [d for d in call.button_data() if d == f"sms:{action}" or d.endswith(f":{action}")]
    assert found, f"{action} not in {call.button_data()}"
    return found[0]


def actions(call: Call) -> list[str]:
    return [d.split(":", 2)[2] if d.count(":") >= 2 else d for d in call.button_data()]


async def press(api: FakeBotApi, call: Call, action: str, method: str, *, user_id: int | None = None) -> Call:
    """Press the inline button for `action` under the bot's message of `call`; the bot's answer is
    an edit of that message or a new message (`method`), after the spinner was stopped."""
    chat_id = call.chat_id
    since = api.mark()
    api.press(api.sent_message(call), data_for(call, action), user_id=user_id)
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


async def request_until_consent(api: FakeBotApi, chat_id: int, *, member: str = "1001", name: str = "홍길동",
                                contact_user_id: int | None = None) -> Call:
    """/sms → 수신자 등록 → member → name → 담당자 → the contact button; the consent question.
    `contact_user_id` is whose contact card it is (the sender's own unless told)."""
    menu = await api.ask(chat_id, "/sms")
    assert menu.button_data() == ["sms:reg", "sms:out", "sms:in", "sms:view", "sms:del", "sms:code"]
    asked = await press(api, menu, "reg", "editMessageText")
    assert "조합원번호 또는 사업자등록번호" in asked.text
    named = await api.ask(chat_id, member)
    assert "성함" in named.text and not any(c in named.text for c in COMPANIES)
    role = await api.ask(chat_id, name)
    assert actions(role) == ["role:ceo", "role:staff"]
    since = api.mark()
    phone = await press(api, role, "role:staff", "sendMessage")  # a reply keyboard: not an edit
    [button] = reply_keyboard(phone)
    assert button["request_contact"] is True and "휴대폰 번호" in button["text"]
    # The pressed keyboard is taken off the message it was on.
    [taken] = api.calls_of("editMessageReplyMarkup", chat_id=chat_id, since=since)
    assert taken.params.get("message_id") == role.result["message_id"] and not taken.markup
    return await share(api, chat_id, STAFF_CONTACT, contact_user_id=chat_id if contact_user_id is None
                       else contact_user_id)


async def request(api: FakeBotApi, chat_id: int) -> Call:
    consent = await request_until_consent(api, chat_id)
    return await press(api, consent, "agree", "sendMessage")


def numbers_in_clear(records: list[logging.LogRecord]) -> list[str]:
    """Where (logger, level, source line) a record holds one of the session's numbers in clear."""
    found = []
    for record in records:
        line = record.getMessage() + (record.exc_text or "")
        if any(number.search(line) for number in CLEAR_NUMBERS):
            found.append(f"{record.name} {record.levelname} {record.filename}:{record.lineno}")
    return sorted(set(found))


# -- tests ---------------------------------------------------------------------------------------


async def test_a_request_with_the_contact_button_names_no_company_and_waits(fake_api: FakeBotApi, sms_bot: Any,
                                                                          members: Path) -> None:
    consent = await request_until_consent(fake_api, USER, member="101-81-00016")  # by business number
    for words in ("개인정보 수집·이용 동의", "보증해제 안내 문자", "성명, 휴대전화 번호", "거부하실 권리",
                  f"사업자등록번호 101-81-00016 담당자 홍길동님, {MASKED} (본인 확인)"):
        assert words in consent.text
    assert "9753" not in consent.text and not any(c in consent.text for c in COMPANIES)
    assert actions(consent) == ["agree", "disagree"] and labels(consent) == ["동의", "동의하지 않음"]
    assert staff_entries(members) == []  # nothing stored before the member agrees

    done = await press(fake_api, consent, "agree", "sendMessage")
    assert "등록 요청을 받았습니다" in done.text and "9753" not in done.text
    assert not any(c in done.text for c in COMPANIES)
    assert done.markup == REMOVE  # the contact keyboard is taken away
    [entry] = staff_entries(members)
    assert (entry.name, entry.role, entry.verification, entry.status, entry.consent_version) == (
        "홍길동", "담당자", "contact", "pending", CONSENT_VERSION)
    assert [(m.kind, m.phone) for m in outbox(members)] == [("approve_code", CEO_1)]


async def test_the_ceo_on_file_approves_and_the_staff_member_is_exported(fake_api: FakeBotApi, sms_bot: Any,
                                                                        members: Path, tmp_path: Path) -> None:
    await request(fake_api, USER)
    menu = await share(fake_api, CEO_USER, CEO_1_CONTACT, contact_user_id=CEO_USER)
    assert "do:company" in actions(menu) and "010-****-2222" in menu.text
    view = await press(fake_api, menu, "do:company", "editMessageText")
    assert "가나설비(주)(조합원번호 1001)" in view.text and f"담당자 홍길동 {MASKED}" in view.text
    assert labels(view)[:2] == [f"승인: 홍길동 {MASKED}", f"거절: 홍길동 {MASKED}"]
    approved = await press(fake_api, view, actions(view)[0], "editMessageText")
    assert "홍길동님을 승인했습니다" in approved.text and "승인을 기다리는 요청이 없습니다" in approved.text
    [entry] = staff_entries(members)
    assert (entry.status, entry.approved_by) == ("active", "ceo")
    assert outbox(members) == []  # the CEO approved it himself: nothing to tell him
    export = tmp_path / "export.csv"
    assert run_cli(members, "sms", "export", str(export)) == 0
    with export.open(encoding="utf-8-sig", newline="") as handle:
        rows = [(r["조합원번호"], r["이름"], r["휴대전화"], r["verified_by"]) for r in csv.DictReader(handle)]
    assert ("1001", "홍길동", "01097535678", "contact") in rows


async def test_refusing_consent_stores_nothing(fake_api: FakeBotApi, sms_bot: Any, members: Path) -> None:
    with store(members) as registry:
        audit = registry.audit_log()
    consent = await request_until_consent(fake_api, USER)
    refused = await press(fake_api, consent, "disagree", "sendMessage")
    assert "저장하지 않았습니다" in refused.text and refused.markup == REMOVE
    assert staff_entries(members) == []
    with store(members) as registry:
        assert registry.audit_log() == audit
    # The conversation is over: pressing 동의 on the old question is refused and stores nothing.
    since = fake_api.mark()
    fake_api.press(fake_api.sent_message(consent), data_for(consent, "agree"))
    [stale] = await fake_api.wait_for("editMessageText", chat_id=USER, since=since)
    assert "더 이상 사용할 수 없습니다" in stale.text and not any(d.startswith("sms:") for d in stale.button_data())
    assert staff_entries(members) == []


async def test_an_opt_out_and_an_opt_in_each_confirmed_with_buttons(fake_api: FakeBotApi, sms_bot: Any,
                                                                    members: Path) -> None:
    await request(fake_api, USER)
    approve_by_branch(members)
    await fake_api.ask(USER, "/cancel")

    asked, picks = await say_twice(fake_api, USER, "문자 그만 받고 싶어요")
    assert "수신거부하실 휴대전화 번호" in asked.text
    assert reply_keyboard(asked)[0]["request_contact"] is True
    assert labels(picks) == [f"{MASKED} (가나설비(주))"]
    confirm = await share(fake_api, USER, STAFF_CONTACT, contact_user_id=USER)
    assert f"{MASKED} 번호의 보증해제 안내 문자를 수신거부하시겠습니까?" in confirm.text
    assert actions(confirm) == ["yes", "no"]
    assert [e.status for e in staff_entries(members)] == ["active"]  # not before the yes
    done = await press(fake_api, confirm, "yes", "sendMessage")
    assert "수신거부를 등록했습니다" in done.text and done.markup == REMOVE
    assert [e.status for e in staff_entries(members)] == ["opted_out"]

    # Back in, this time picking the number this chat registered... which it no longer may:
    # the owner opted out with the contact button, so it is final for a typing chat. The owner may.
    asked, picks = await say_twice(fake_api, USER, "문자 다시 받을래요")
    assert "다시 받으실 휴대전화 번호" in asked.text
    confirm = await share(fake_api, USER, STAFF_CONTACT, contact_user_id=USER)
    assert f"{MASKED} 번호로 보증해제 안내 문자를 다시 받으시겠습니까?" in confirm.text
    done = await press(fake_api, confirm, "yes", "sendMessage")
    assert "다시 보내 드리겠습니다" in done.text and done.markup == REMOVE
    assert [e.status for e in staff_entries(members)] == ["active"]


async def test_someone_else_s_contact_card_is_not_proof(fake_api: FakeBotApi, sms_bot: Any,
                                                        members: Path) -> None:
    # Registering with a contact card whose user_id is not the sender's: taken as typed.
    consent = await request_until_consent(fake_api, OTHER_USER, contact_user_id=USER)
    assert f"{MASKED} (번호 확인 필요)" in consent.text and "본인 확인" not in consent.text
    await press(fake_api, consent, "agree", "sendMessage")
    [entry] = staff_entries(members)
    assert (entry.verification, entry.status) == ("typed", "pending")
    assert [(m.kind, m.phone) for m in outbox(members)] == [("approve_code", CEO_1), ("verify_code", STAFF)]


async def test_someone_else_s_contact_card_cannot_opt_out_their_number(fake_api: FakeBotApi, sms_bot: Any,
                                                                       members: Path) -> None:
    await request(fake_api, USER)
    approve_by_branch(members)
    asked = await fake_api.ask(OTHER_USER, "문자 그만 받고 싶어요")
    assert "수신거부하실 휴대전화 번호" in asked.text and asked.button_data() == []  # nothing to pick
    for card_owner in (USER, None):  # another user's card, a card with no Telegram user at all
        refused = await share(fake_api, OTHER_USER, STAFF_CONTACT, contact_user_id=card_owner)
        assert "그 번호는 여기서 수신거부할 수 없습니다" in refused.text
        assert refused.button_data() == [] and "9753" not in refused.text
    assert len(fake_api.calls_of("sendMessage", chat_id=OTHER_USER)) == 3
    assert [e.status for e in staff_entries(members)] == ["active"]
    confirm = await share(fake_api, OTHER_USER, STAFF_CONTACT, contact_user_id=OTHER_USER)
    assert "수신거부하시겠습니까?" in confirm.text and actions(confirm) == ["yes", "no"]


async def test_the_sms_admin_commands_answer_only_bot_admin_ids(fake_api: FakeBotApi, sms_bot: Any,
                                                                members: Path) -> None:
    await request(fake_api, USER)
    for command in ("/sms list", "/sms list 1001 all", "/sms pending", f"/sms approve {STAFF_TYPED} 1001",
                    f"/sms optout {STAFF_TYPED} 1001", f"/sms optin {STAFF_TYPED} 1001"):
        refused = await fake_api.ask(USER, command)
        assert "관리자만 사용할 수 있습니다" in refused.text, command
        assert MASKED not in refused.text
    assert [e.status for e in staff_entries(members)] == ["pending"]

    pending = await fake_api.ask(ADMIN_ID, "/sms pending")
    assert "승인을 기다리는 등록 요청 1건" in pending.text and f"1001 가나설비(주) | 담당자 홍길동 | {MASKED}" in pending.text
    assert not any(n.search(pending.text) for n in CLEAR_NUMBERS)
    approved = await press(fake_api, pending, actions(pending)[0], "editMessageText", user_id=ADMIN_ID)
    assert f"승인했습니다: 가나설비(주) 담당자 홍길동 {MASKED}" in approved.text
    assert [e.status for e in staff_entries(members)] == ["active"]
    [told] = outbox(members)
    assert (told.kind, told.phone) == ("registered", CEO_1) and "종로지점 ☎02-3449-2100" in told.text

    listed = await fake_api.ask(ADMIN_ID, "/sms list")
    assert "수신자 3명" in listed.text
    assert f"가나설비(주) | 담당자 홍길동 | {MASKED} | 받음 | 본인 확인" in listed.text
    out = await fake_api.ask(ADMIN_ID, f"/sms optout {STAFF_TYPED} 1001")
    assert f"수신거부를 등록했습니다: 가나설비(주) 담당자 {MASKED}" in out.text
    back = await fake_api.ask(ADMIN_ID, f"/sms optin {STAFF_TYPED} 1001")
    assert f"다시 받도록 했습니다: 가나설비(주) 담당자 {MASKED}" in back.text
    with store(members) as registry:
        actors = [row["actor"] for row in registry.audit_log()[-3:]]
    assert all(str(ADMIN_ID) in actor for actor in actors), actors

    # Not in a group, even for an admin: the list is personal data.
    since = fake_api.mark()
    fake_api.message(GROUP, "/sms pending", user_id=ADMIN_ID, chat_type="supergroup")
    in_group = await fake_api.reply(GROUP, since=since)
    assert "1:1 대화에서만" in in_group.text and MASKED not in in_group.text


async def test_wrong_codes_are_throttled(fake_api: FakeBotApi, sms_bot: Any, members: Path) -> None:
    await request(fake_api, USER)
    [approval] = outbox(members)
    code = re.search(r"코드 (\d{6})", approval.text).group(1)  # type: ignore[union-attr]
    wrong = "000000" if code != "000000" else "111111"
    for left in range(policy.MAX_FAILED_PROOFS_PER_CHAT - 1, 0, -1):
        assert f"앞으로 {left}번 더" in (await fake_api.ask(USER, wrong)).text
    assert "잠시 입력을 받지 않습니다" in (await fake_api.ask(USER, wrong)).text
    await fake_api.ask(USER, "/sms 코드")
    assert "잠시 입력을 받지 않습니다" in (await fake_api.ask(USER, code)).text
    assert [e.status for e in staff_entries(members)] == ["pending"]


async def test_the_housekeeping_job_runs_on_korean_time_and_expires_requests(
        fake_api: FakeBotApi, members: Path, start_bot: StartBot) -> None:
    async with start_bot(BOT_NOW="2026-11-22T09:00:00+09:00"):
        await request(fake_api, USER)
    assert [e.status for e in staff_entries(members)] == ["pending"]
    async with start_bot(BOT_NOW="2026-12-07T09:00:00+09:00") as application:
        [job] = application.job_queue.get_jobs_by_name(HOUSEKEEPING)
        assert str(application.job_queue.scheduler.timezone) == "Asia/Seoul"
        assert job.next_t is not None and str(job.next_t.tzinfo) == "Asia/Seoul"
        await job.run(application)
    assert staff_entries(members) == []  # erased fifteen days on
    with store(members) as registry:
        assert registry.audit_log()[-1]["action"] == "expire"


async def test_an_unparsable_update_is_logged_without_a_contact_s_number(
        fake_api: FakeBotApi, sms_bot: Any, caplog: pytest.LogCaptureFixture) -> None:
    bad = fake_api.inject({"message": {"message_id": "not a number", "date": "garbage",
                                       "chat": {"id": USER, "type": "private"},
                                       "contact": {"phone_number": STAFF_CONTACT, "first_name": "홍길동",
                                                   "user_id": USER}}})
    try:
        await fake_api._until(lambda: any("Received data" in r.getMessage() for r in caplog.records), 5.0,
                              "the library's log of the bad update")
    finally:
        fake_api.updates.remove(bad)
    assert "Received data" in caplog.text and numbers_in_clear(caplog.records) == []
    assert "010-****-5678" in caplog.text
    assert (await fake_api.ask(USER, "/help")).text  # the bot goes on


async def test_a_whole_session_logs_no_phone_number_in_clear(
        fake_api: FakeBotApi, members: Path, start_bot: StartBot, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    async with start_bot():
        await request(fake_api, USER)
        await fake_api.ask(USER, "123456")  # a wrong code
        menu = await share(fake_api, CEO_USER, CEO_1_CONTACT, contact_user_id=CEO_USER)
        view = await press(fake_api, menu, "do:company", "editMessageText")
        await press(fake_api, view, actions(view)[0], "editMessageText")
        await fake_api.ask(USER, "/cancel")
        await say_twice(fake_api, USER, "문자 그만 받고 싶어요")
        confirm = await share(fake_api, USER, STAFF_CONTACT, contact_user_id=USER)
        await press(fake_api, confirm, "yes", "sendMessage")
        await say_twice(fake_api, USER, "내 등록 정보")
        viewed = await fake_api.ask(USER, STAFF_TYPED)
        assert MASKED in viewed.text and "수신거부" in viewed.text  # the owner's own chat may still look
        await fake_api.ask(OTHER_USER, "문자 다시 받을래요")
        await share(fake_api, OTHER_USER, STAFF_CONTACT, contact_user_id=USER)  # refused
        await fake_api.ask(OTHER_USER, "/cancel")
        await share(fake_api, OTHER_USER, CEO_1_CONTACT, contact_user_id=OTHER_USER)  # out of the blue: a menu
        await fake_api.ask(ADMIN_ID, "/sms list 1001 all")
        await fake_api.ask(ADMIN_ID, "/sms pending")
        await fake_api.ask(ADMIN_ID, f"/sms optin {STAFF_TYPED} 1001")
        await fake_api.ask(USER, "/sms optout 010 3333 4444 1002")  # a non-admin, refused
    assert [e.status for e in staff_entries(members)] == ["active"]
    records = caplog.records
    # DEBUG really was captured, the bot's own lines and the HTTP client's included.
    assert {"bot.sms.capability", "httpcore.http11"} <= {r.name for r in records if r.levelno == logging.DEBUG}
    assert numbers_in_clear(records) == []
