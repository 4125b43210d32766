"""Who may do what, tried as an attacker would: a guessed member number names no company and makes
no one active; every reply reads the same whether the member exists or the number is held; an
opt-out by the owner or staff is final for the chat that typed the number; registrations per chat
are capped and wrong codes throttled (the CEO's own contact never locked out); personal data stays
in one-to-one chats; staff actions answer admins only; and no log line holds a number or a name."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from test_sms_support import (
    CEO_1,
    MEMBERS,
    OTHER,
    STAFF,
    Chat,
    Ticking,
    actions,
    approve_by_branch,
    code_in,
    codes_sent,
    payloads,
    register,
    registry,
    sms_engine,
)
from test_sms_support import service as sms_service

from bot.app import build_engine
from bot.cli import build_parser
from bot.sms import policy
from bot.sms.registry import Registration, Registry, Requester
from support import services

ACTIONS = [("문자 그만 받고 싶어요", "수신거부할"), ("문자 다시 받을래요", "다시 받도록 할"),
           ("내 등록 정보", "조회할"), ("내 번호 삭제해 주세요", "삭제할")]
COMPANIES = [m.company for m in MEMBERS]


def two_chats() -> tuple[Registry, Chat, Chat]:
    """`owner` registered STAFF (typed) for 1001 and the branch approved it."""
    store = registry()
    bot = sms_engine(store)
    owner, stranger = Chat(bot, "adder"), Chat(bot, "stranger")
    register(owner)
    approve_by_branch(store)
    owner.say("/cancel")
    return store, owner, stranger


def transcript(chat: Chat, steps: list[tuple[str, str]]) -> list[str]:
    """The bot's replies to each step, with flow nonces left out."""
    out = []
    for kind, value in steps:
        reply = chat.tap(value) if kind == "tap" else chat.share(value) if kind == "share" else chat.say(value)
        out.append(reply.text + " | " + ",".join(actions(reply)) + f" | {reply.keyboard}")
    return out


def request_steps(member: str, phone: str) -> list[tuple[str, str]]:
    return [("say", "수신자 추가"), ("say", member), ("say", "홍길동"), ("tap", "role:staff"), ("say", phone),
            ("tap", "agree"), ("say", "123456")]


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


def test_a_guessed_member_number_names_no_company_and_makes_no_one_active() -> None:
    store = registry()
    stranger = Chat(sms_engine(store), "stranger")
    replies = transcript(stranger, request_steps("1001", "010-9999-0000"))
    replies += transcript(stranger, [("say", "/cancel"), *request_steps("101-81-00020", "010-9999-0000")])
    assert not any(company in reply for reply in replies for company in COMPANIES)
    assert "등록 요청을 받았습니다" in replies[5] and "코드가 맞지 않습니다" in replies[6]
    assert [e.phone for e in store.active_recipients()] == [m.ceo_mobile for m in MEMBERS]
    # What went out goes to the CEOs on file and the typed number only, never to the stranger's chat.
    assert {(m.kind, m.phone) for m in codes_sent(store)} == {
        ("approve_code", CEO_1), ("verify_code", OTHER), ("approve_code", MEMBERS[1].ceo_mobile)}


def test_every_reply_reads_the_same_whether_or_not_the_member_exists() -> None:
    store = registry()
    bot = sms_engine(store)
    exists = transcript(Chat(bot, "a"), request_steps("1001", "010-9999-0000"))
    missing = transcript(Chat(bot, "b"), request_steps("9999", "010-9999-0000"))
    assert [r.replace("1001", "9999") for r in exists] == missing
    brn_exists = transcript(Chat(bot, "c"), request_steps("101-81-00016", "010-2222-3333"))
    brn_missing = transcript(Chat(bot, "d"), request_steps("220-81-00170", "010-2222-3333"))  # a valid BRN of no member
    assert [r.replace("101-81-00016", "220-81-00170") for r in brn_exists] == brn_missing
    assert len(store.pending()) == 2  # only the requests for members that exist were stored


@pytest.mark.parametrize("held", ["ceo", "stored", "erased", "opted_out"])
def test_the_same_reply_whether_or_not_a_number_is_held(held: str) -> None:
    store, owner, stranger = two_chats()
    number = {"ceo": "010-1111-2222", "stored": "010-7777-8888"}.get(held, "010-7777-8888")
    if held in ("erased", "opted_out"):
        owner.say("내 번호 삭제해 주세요" if held == "erased" else "문자 그만 받고 싶어요")
        owner.say("010-7777-8888")
        owner.tap("yes")
    rows = store.db.execute("SELECT * FROM sms_recipients").fetchall()
    outbox = len(codes_sent(store))
    for_held = transcript(stranger, request_steps("1001", number))
    fresh = Chat(stranger.bot, "fresh")
    for_new = transcript(fresh, request_steps("1001", "010-9999-0000"))
    assert [r.replace(number[-4:], "0000") for r in for_held] == for_new
    assert store.db.execute("SELECT * FROM sms_recipients").fetchall()[:len(rows)] == rows  # held rows untouched
    assert len(codes_sent(store)) == outbox + 2  # codes for the new number only


def test_registrations_per_chat_are_capped_the_same_way_for_members_that_do_not_exist() -> None:
    store = registry()
    chat = Chat(sms_engine(store), "flood")
    for n in range(policy.MAX_REQUESTS_PER_CHAT):
        assert "등록 요청을 받았습니다" in register(chat, member="9999" if n % 2 else "1001",
                                               phone=f"010-2000-{n:04d}").text
    reply = chat.say("수신자 추가")
    assert "오늘 더 이상 등록 요청을 받을 수 없습니다" in reply.text and chat.state().get("flow") is None
    assert len(store.pending()) == 3
    store.clock.advance(hours=24, seconds=1)  # type: ignore[attr-defined]
    assert "조합원번호" in chat.say("수신자 추가").text


def test_strangers_cannot_make_the_bot_text_a_ceo_without_end() -> None:
    store = registry()
    bot = sms_engine(store)
    for n in range(policy.MAX_APPROVAL_CODES_PER_MEMBER + 2):  # many chats, each under its own cap
        reply = register(Chat(bot, f"crowd-{n}"), contact=f"+8210400{n:05d}")
        assert "등록 요청을 받았습니다" in reply.text  # told nothing different past the cap
    assert len(store.pending("1001")) == policy.MAX_APPROVAL_CODES_PER_MEMBER + 2  # a branch can still approve
    assert [m.kind for m in codes_sent(store)] == ["approve_code"] * policy.MAX_APPROVAL_CODES_PER_MEMBER
    store.clock.advance(hours=24, seconds=1)  # type: ignore[attr-defined]
    register(Chat(bot, "next-day"), contact="+821049990000")
    assert len(codes_sent(store)) == policy.MAX_APPROVAL_CODES_PER_MEMBER + 1


def test_strangers_cannot_make_the_bot_text_one_number_without_end() -> None:
    store = registry()
    bot = sms_engine(store)
    desk = sms_service(store)
    for n in range(policy.MAX_NUMBER_CODES_PER_NUMBER + 1):
        register(Chat(bot, f"typist-{n}"), member=MEMBERS[n % len(MEMBERS)].member_no, phone="010-4000-0001")
        desk.outbox.hand_over(lambda messages: None)  # the branch sends each batch
        if n == len(MEMBERS) - 1:  # every member holds a request for it now: a branch refuses one
            desk.reject(store.pending("1001")[0].recipient_id or 0, Requester.branch_staff())
    texts = store.db.execute("SELECT count(*) FROM sms_outbox WHERE kind = 'verify_code' AND phone_hash = ?",
                             [store.ref("+821040000001")]).fetchone()[0]
    assert texts == policy.MAX_NUMBER_CODES_PER_NUMBER and len(store.pending()) == len(MEMBERS)


def test_wrong_codes_lock_the_chat_for_an_hour_even_for_the_right_code() -> None:
    store = registry()
    chat = Chat(sms_engine(store), "guesser")
    register(chat, contact=STAFF)
    [approval] = codes_sent(store)
    wrong = "000000" if code_in(approval) != "000000" else "111111"
    for left in range(policy.MAX_FAILED_PROOFS_PER_CHAT - 1, 0, -1):
        assert f"앞으로 {left}번 더" in chat.say(wrong).text
    assert "잠시 입력을 받지 않습니다" in chat.say(wrong).text
    chat.say("/sms 코드")
    assert "잠시 입력을 받지 않습니다" in chat.say(code_in(approval)).text
    assert store.pending("1001")  # not approved while locked
    store.clock.advance(hours=1, seconds=1)  # type: ignore[attr-defined]
    chat.say("/sms 코드")
    assert "등록을 마쳤습니다" in chat.say(code_in(approval)).text


@pytest.mark.parametrize("member", ["1001", "9999"])
def test_guesses_from_many_chats_against_one_member_are_limited_alike(member: str) -> None:
    store = registry()
    bot = sms_engine(store)
    per_chat = policy.MAX_FAILED_PROOFS_PER_CHAT - 1  # each chat stays under its own limit
    for n in range(-(-policy.MAX_FAILED_PROOFS_PER_MEMBER // per_chat)):
        chat = Chat(bot, f"sybil-{n}")
        register(chat, member=member, phone=f"010-3000-{n:04d}")
        for _ in range(per_chat):
            chat.say("999999")
    last = Chat(bot, "last")
    register(last, member=member, phone="010-3999-0000")
    reply = last.say("999999")
    assert "잠시 입력을 받지 않습니다" in reply.text


def test_the_ceo_s_own_contact_is_never_locked_out(caplog: pytest.LogCaptureFixture) -> None:
    store = registry()
    bot = sms_engine(store)
    requester = Chat(bot, "staff-phone")
    register(requester, contact=STAFF)
    ceo = Chat(bot, "ceo-phone")
    ceo.say("/sms 코드")
    for _ in range(policy.MAX_FAILED_PROOFS_PER_CHAT):
        ceo.say("000000")
    assert "잠시 입력을 받지 않습니다" in ceo.last.text  # type: ignore[union-attr]
    reply = ceo.share(CEO_1)
    assert "do:company" in actions(reply)
    view = ceo.tap("do:company")
    assert "홍길동" in view.text and "승인을 기다리는 요청" in view.text
    done = ceo.tap(actions(view)[0])
    assert "홍길동님을 승인했습니다" in done.text
    assert STAFF in [e.phone for e in store.active_recipients("1001")]
    assert "000000" not in caplog.text


def test_a_pick_button_for_another_chat_s_number_is_refused() -> None:
    store, _owner, stranger = two_chats()
    rid = store.list_recipients("1001")[-1].recipient_id
    reply = stranger.say("문자 그만 받고 싶어요")
    assert payloads(reply) == []
    nonce = str(stranger.state().get("data", {}).get("nonce", "none"))  # type: ignore[union-attr]
    assert stranger.press(f"sms:{nonce}:pick:{rid}").kind == "chat"  # no pick was offered: stale
    stranger.press("sms:pick:not-a-number")
    assert STAFF in [e.phone for e in store.active_recipients()]


def test_an_opt_out_by_the_owner_is_final_for_the_chat_that_typed_the_number() -> None:
    store, owner, _ = two_chats()
    owner_phone = Chat(owner.bot, "the-owner")
    owner_phone.say("문자 그만 받고 싶어요")
    owner_phone.share(STAFF)
    assert "수신거부를 등록했습니다" in owner_phone.tap("yes").text
    # The typing chat can no longer bring it back, by opt-in or by a new registration.
    owner.say("문자 다시 받을래요")
    assert "죄송합니다" in owner.say("010-7777-8888").text
    owner.say("/cancel")
    assert owner.say("문자 다시 받을래요").buttons == []  # nothing of its own to pick
    owner.say("/cancel")
    register(owner)
    assert STAFF not in [e.phone for e in store.active_recipients()]
    # The proven owner can.
    owner_phone.say("문자 다시 받을래요")
    owner_phone.share(STAFF)
    assert "다시 보내 드리겠습니다" in owner_phone.tap("yes").text


def test_an_opt_out_by_staff_is_final_for_the_typing_chat_too() -> None:
    _store, owner, _ = two_chats()
    admin = Chat(owner.bot, "admin-chat", admin=True)
    assert "수신거부를 등록했습니다" in admin.say("/sms optout 010-7777-8888 1001").text
    owner.say("문자 다시 받을래요")
    assert "죄송합니다" in owner.say("010-7777-8888").text
    assert "다시 받도록 했습니다" in admin.say("/sms optin 010-7777-8888 1001").text


def test_after_deletion_the_registering_chat_loses_its_link() -> None:
    _, owner, _ = two_chats()
    owner.say("내 번호 삭제해 주세요")
    owner.say("010-7777-8888")
    owner.tap("yes")
    owner.say("문자 다시 받을래요")
    assert "죄송합니다" in owner.say("010-7777-8888").text


def test_the_owner_s_contact_overrides_who_added_the_number() -> None:
    store, _, stranger = two_chats()
    stranger.say("문자 그만 받고 싶어요")
    stranger.share(STAFF)
    assert "수신거부를 등록했습니다" in stranger.tap("yes").text
    assert STAFF not in [e.phone for e in store.active_recipients()]
    [told] = [m for m in codes_sent(store) if m.kind == "opted_out"]
    assert told.phone == CEO_1 and "수신거부했습니다" in told.text and "☎02-3449-2100" in told.text


@pytest.mark.parametrize("text", ["/sms", "문자 그만 받고 싶어요", "수신자 추가", "/sms list", "/sms pending"])
def test_group_chats_get_no_personal_data(text: str) -> None:
    store = registry()
    group = Chat(sms_engine(store), "group-1", chat_type="group", admin=True)
    reply = group.say(text)
    assert "1:1 대화" in reply.text and group.state().get("flow") is None
    assert "1:1 대화" in group.share(CEO_1).text


@pytest.mark.parametrize("command", ["/sms list", "/sms list 1001 all", "/sms optout 010-1111-2222 1001",
                                     "/sms optin 010-1111-2222 1001", "/sms 목록", "/sms pending",
                                     "/sms approve 010-7777-8888 1001", "/sms reject 010-7777-8888 1001"])
def test_staff_commands_answer_admins_only(command: str) -> None:
    store = registry()
    register(Chat(sms_engine(store), "requester"), contact=STAFF)
    before = store.audit_log()
    reply = Chat(sms_engine(store), admin=False).say(command)
    assert "관리자만" in reply.text and "2222" not in reply.text and "홍길동" not in reply.text
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


def test_admins_approve_and_reject_pending_requests_with_buttons_or_commands() -> None:
    store = registry()
    bot = sms_engine(store)
    register(Chat(bot, "one"), contact=STAFF)
    register(Chat(bot, "two"), member="1002", phone="010-9999-0000")
    admin = Chat(bot, "admin-chat", admin=True)
    listing = admin.say("/sms pending")
    assert "승인을 기다리는 등록 요청 2건" in listing.text and "010-****-8888" in listing.text
    assert "7777" not in listing.text and "남은 확인: 회사 승인, 번호 확인" in listing.text
    first = store.pending()[0].recipient_id
    reply = admin.tap(f"ok:{first}")
    assert "승인했습니다: 가나설비(주) 담당자 홍길동" in reply.text and "등록 요청 1건" in reply.text
    assert STAFF in [e.phone for e in store.active_recipients("1001")]
    assert "거절했습니다" in admin.say("/sms reject 010-9999-0000 1002").text
    assert store.pending() == [] and "이 번호로 승인을 기다리는 요청이 없습니다" in admin.say(
        "/sms approve 010-9999-0000 1002").text
    assert {a["actor"] for a in store.audit_log() if a["action"] in ("approve", "reject")} == {"admin:1"}


PHONE_VARIANTS = re.compile(r"(?:\+?82[-\s]?)?0?10[-\s.]?(?:7777|1111|3333|5555|9999)[-\s.]?(?:8888|2222|4444|6666|0000)")
NAMES = ("홍길동", "김대표", "이사장", "박대표", "김담당")


def test_a_full_session_logs_no_number_and_no_name(caplog: pytest.LogCaptureFixture, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_DB", str(tmp_path / "cli.sqlite3"))
    caplog.set_level(logging.DEBUG)
    app = services()
    app.registry.import_members(MEMBERS)
    bot = build_engine(app)
    me, ceo, admin = Chat(bot, "me"), Chat(bot, "ceo"), Chat(bot, "admin", admin=True)
    register(me, contact=STAFF)
    me.say("/cancel")
    register(me, name="김담당", phone="010-9999-0000")
    for code in codes_sent(app.registry):
        if code.kind != "registered":
            me.say(code_in(code))
    for chat, steps in ((me, [("say", "내 등록 정보"), ("share", STAFF)]),
                        (me, [("say", "문자 그만 받고 싶어요"), ("say", "010 9999 0000"), ("tap", "yes")]),
                        (me, [("say", "문자 다시 받을래요"), ("say", "+82 10-9999-0000"), ("say", "네")]),
                        (me, [("say", "내 번호 삭제해 주세요"), ("share", "821077778888"), ("tap", "yes")]),
                        (ceo, [("share", CEO_1), ("tap", "do:out"), ("tap", "yes")]),
                        (admin, [("say", "/sms list all"), ("say", "/sms optin 010-1111-2222 1001"),
                                 ("say", "/sms pending")]),
                        (me, [("say", "문자 그만 받고 싶어요"), ("say", "010-5555-6666")])):
        for kind, value in steps:
            getattr(chat, kind)(value)
    members_csv = tmp_path / "m.csv"
    members_csv.write_text("조합원번호,사업자등록번호,상호,대표자명,대표자휴대폰,지점\n"
                           "1001,101-81-00016,가나설비(주),김대표,010-1111-2222,종로지점\n", encoding="utf-8")
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
    owner.tap("yes")
    rows = store.audit_log()
    assert {r["actor"] for r in rows} == {"staff", "chat:adder"}
    assert not PHONE_VARIANTS.search(str(rows))
    store.opt_in(OTHER, Requester.chat("x"))  # refused: no line written
    assert store.audit_log() == rows


def test_the_admin_list_fits_one_telegram_message() -> None:
    store = registry()
    for n in range(300):
        store.register(Registration("1001", "직원", "담당자", f"+8210200{n:05d}", "staff", "v2"),
                       Requester.branch_staff())
    admin = Chat(sms_engine(store), "admin-chat", admin=True)
    text = admin.say("/sms list").text
    assert len(text) < 4096 and "외 " in text.splitlines()[-1]
    assert "이미 받고 있습니다" in admin.say("/sms optin 010 1111 2222 1001").text  # spaces in the number


def test_clock_of_the_store_drives_expiry_of_codes() -> None:
    store = registry(clock=Ticking())
    chat = Chat(sms_engine(store), "late")
    register(chat, contact=STAFF)
    [approval] = codes_sent(store)
    store.clock.advance(hours=72, seconds=1)  # type: ignore[attr-defined]
    chat.say("/sms 코드")
    assert "코드가 맞지 않습니다" in chat.say(code_in(approval)).text
    assert store.pending("1001")
def test_in_a_group_sms_links_into_the_private_chat_once_the_bot_knows_its_name() -> None:
    bot = sms_engine(registry())
    unnamed = Chat(bot, "group-1", chat_type="group").say("/sms")
    assert unnamed.buttons == [] and unnamed.text.endswith("봇에게 직접 메시지를 보내 주세요.")
    bot.link_base = "https://t.me/johap_bot?start="  # as Telegram's start-up sets it from getMe
    linked = Chat(bot, "group-1", chat_type="group").say("/sms")
    assert linked.text.endswith("아래 버튼으로 1:1 대화를 열어 주세요.")
    assert linked.to_json()["buttons"] == [{"label": "1:1 대화에서 열기", "url": "https://t.me/johap_bot?start=sms"}]
