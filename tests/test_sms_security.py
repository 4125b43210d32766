"""Who may do what: every refusal reads the same whether or not the number is held, personal
data stays in one-to-one chats, staff actions answer admins only, and no log line ever holds a
phone number or a name."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from test_sms_support import CEO_1, MEMBERS, OTHER, STAFF, Chat, register, registry, sms_engine

from bot.app import build_engine
from bot.cli import build_parser
from bot.sms.registry import Registration, Registry, Requester
from support import services

ACTIONS = [("문자 그만 받고 싶어요", "수신거부할"), ("문자 다시 받을래요", "다시 받도록 할"),
           ("내 등록 정보", "조회할"), ("내 번호 삭제해 주세요", "삭제할")]


def two_chats() -> tuple[Registry, Chat, Chat]:
    store = registry()
    bot = sms_engine(store)
    owner, stranger = Chat(bot, "adder"), Chat(bot, "stranger")
    register(owner)
    return store, owner, stranger


@pytest.mark.parametrize(("request_text", "verb"), ACTIONS)
def test_a_number_added_by_another_chat_is_refused_exactly_like_an_unknown_one(request_text: str, verb: str) -> None:
    store, _, stranger = two_chats()
    before = store.list_recipients(include_inactive=True)
    stranger.say(request_text)
    held = stranger.say("010-7777-8888")
    stranger.say("/cancel")
    stranger.say(request_text)
    unknown = stranger.say("010-9999-0000")
    assert held.text == unknown.text and verb in held.text and "죄송합니다" in held.text
    assert "8888" not in held.text and held.buttons == unknown.buttons
    assert store.list_recipients(include_inactive=True) == before


@pytest.mark.parametrize(("request_text", "verb"), ACTIONS)
def test_a_typed_ceo_number_is_refused_like_any_other(request_text: str, verb: str) -> None:
    store = registry()
    chat = Chat(sms_engine(store))
    chat.say(request_text)
    assert "죄송합니다" in chat.say("010-1111-2222").text
    assert CEO_1 in [e.phone for e in store.active_recipients()]


def test_a_pick_button_for_another_chat_s_number_is_refused() -> None:
    store, _, stranger = two_chats()
    rid = store.list_recipients("1001")[-1].recipient_id
    stranger.say("문자 그만 받고 싶어요")
    assert "죄송합니다" in stranger.press(f"sms:pick:{rid}").text
    assert "죄송합니다" in stranger.press("sms:pick:not-a-number").text
    assert STAFF in [e.phone for e in store.active_recipients()]


def test_a_stranger_cannot_re_register_an_opted_out_number() -> None:
    store, owner, stranger = two_chats()
    owner.say("문자 그만 받고 싶어요")
    owner.say("010-7777-8888")
    owner.press("sms:yes")
    reply = register(stranger)
    assert "바꿀 수 없습니다" in reply.text
    assert STAFF not in [e.phone for e in store.active_recipients()]


def test_after_deletion_the_registering_chat_loses_its_link() -> None:
    _, owner, _ = two_chats()
    owner.say("내 번호 삭제해 주세요")
    owner.say("010-7777-8888")
    owner.press("sms:yes")
    owner.say("문자 다시 받을래요")
    assert "죄송합니다" in owner.say("010-7777-8888").text


def test_the_owner_s_contact_overrides_who_added_the_number() -> None:
    store, _, stranger = two_chats()
    stranger.say("문자 그만 받고 싶어요")
    stranger.share(STAFF)
    assert "수신거부를 등록했습니다" in stranger.press("sms:yes").text
    assert STAFF not in [e.phone for e in store.active_recipients()]


@pytest.mark.parametrize("text", ["/sms", "문자 그만 받고 싶어요", "수신자 추가", "/sms list"])
def test_group_chats_get_no_personal_data(text: str) -> None:
    store = registry()
    group = Chat(sms_engine(store), "group-1", chat_type="group", admin=True)
    reply = group.say(text)
    assert "1:1 대화" in reply.text and group.state().get("flow") is None
    assert "1:1 대화" in group.share(CEO_1).text


@pytest.mark.parametrize("command", ["/sms list", "/sms list 1001 all", "/sms optout 010-1111-2222 1001",
                                     "/sms optin 010-1111-2222 1001", "/sms 목록"])
def test_staff_commands_answer_admins_only(command: str) -> None:
    store = registry()
    before = store.audit_log()
    reply = Chat(sms_engine(store), admin=False).say(command)
    assert "관리자만" in reply.text and "2222" not in reply.text
    assert store.audit_log() == before


def test_admins_list_masked_and_change_on_a_phoned_request() -> None:
    store = registry()
    admin = Chat(sms_engine(store), "admin-chat", admin=True)
    listing = admin.say("/sms list").text
    assert "010-****-2222" in listing and "1111" not in listing and "김대표" in listing
    assert "수신거부를 등록했습니다" in admin.say("/sms optout 010-1111-2222 1001").text
    assert store.audit_log()[-1]["actor"] == "admin:1"
    assert "수신거부" in admin.say("/sms list 1001 all").text
    assert "다시 받도록 했습니다" in admin.say("/sms optin 01011112222 1001").text
    assert "사용법" in admin.say("/sms optout 010-1111-2222").text
    assert "조합원 명단에 없는" in admin.say("/sms optout 010-1111-2222 9999").text


PHONE_VARIANTS = re.compile(r"(?:\+?82[-\s]?)?0?10[-\s.]?(?:7777|1111|3333|5555|9999)[-\s.]?(?:8888|2222|4444|6666|0000)")
NAMES = ("홍길동", "김대표", "이사장", "박대표", "김담당")


def test_a_full_session_logs_no_number_and_no_name(caplog: pytest.LogCaptureFixture, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_DB", str(tmp_path / "cli.sqlite3"))
    caplog.set_level(logging.DEBUG)
    app = services()
    Registry(app.db).import_members(MEMBERS)
    bot = build_engine(app)
    me, ceo, admin = Chat(bot, "me"), Chat(bot, "ceo"), Chat(bot, "admin", admin=True)
    register(me, contact=STAFF)
    register(me, name="김담당", phone="010-9999-0000")
    for chat, steps in ((me, [("say", "내 등록 정보"), ("share", STAFF)]),
                        (me, [("say", "문자 그만 받고 싶어요"), ("say", "010 9999 0000"), ("press", "sms:yes")]),
                        (me, [("say", "문자 다시 받을래요"), ("say", "+82 10-9999-0000"), ("say", "네")]),
                        (me, [("say", "내 번호 삭제해 주세요"), ("share", "821077778888"), ("press", "sms:yes")]),
                        (ceo, [("share", CEO_1), ("press", "sms:out"), ("press", "sms:yes")]),
                        (admin, [("say", "/sms list all"), ("say", "/sms optin 010-1111-2222 1001")]),
                        (me, [("say", "문자 그만 받고 싶어요"), ("say", "010-5555-6666")])):
        for kind, value in steps:
            getattr(chat, kind)(value)
    members_csv = tmp_path / "m.csv"
    members_csv.write_text("조합원번호,사업자등록번호,상호,대표자명,대표자휴대폰,지점\n"
                           "1001,101-81-00016,가나설비(주),김대표,010-1111-2222,서울지점\n", encoding="utf-8")
    args = build_parser().parse_args(["members", "import", str(members_csv)])
    args.handler(args)
    capsys.readouterr()
    assert caplog.records, "the session should have logged its changes"
    assert any("sms register" in r.getMessage() for r in caplog.records)
    for record in caplog.records:
        line = record.getMessage() + " " + repr(record.args)
        assert not PHONE_VARIANTS.search(line), line
        assert not any(name in line for name in NAMES), line


def test_the_audit_log_holds_the_actor_but_no_number() -> None:
    store, owner, _ = two_chats()
    owner.say("문자 그만 받고 싶어요")
    owner.share(STAFF)
    owner.press("sms:yes")
    rows = store.audit_log()
    assert {r["actor"] for r in rows} == {"staff", "chat:adder"}
    assert not PHONE_VARIANTS.search(str(rows))
    store.opt_in(OTHER, Requester.chat("x"))  # refused: no line written
    assert store.audit_log() == rows


def test_the_admin_list_fits_one_telegram_message() -> None:
    store = registry()
    for n in range(300):
        store.register(Registration("1001", "직원", "담당자", f"+8210200{n:05d}", "typed", "v1"), Requester.chat("c"))
    admin = Chat(sms_engine(store), "admin-chat", admin=True)
    text = admin.say("/sms list").text
    assert len(text) < 4096 and "외 " in text.splitlines()[-1]
    assert "이미 받고 있습니다" in admin.say("/sms optin 010 1111 2222 1001").text  # spaces in the number


def test_in_a_group_sms_links_into_the_private_chat_once_the_bot_knows_its_name() -> None:
    bot = sms_engine(registry())
    unnamed = Chat(bot, "group-1", chat_type="group").say("/sms")
    assert unnamed.buttons == [] and unnamed.text.endswith("봇에게 직접 메시지를 보내 주세요.")
    bot.link_base = "https://t.me/johap_bot?start="  # as Telegram's start-up sets it from getMe
    linked = Chat(bot, "group-1", chat_type="group").say("/sms")
    assert linked.text.endswith("아래 버튼으로 1:1 대화를 열어 주세요.")
    assert linked.to_json()["buttons"] == [{"label": "1:1 대화에서 열기", "url": "https://t.me/johap_bot?start=sms"}]
