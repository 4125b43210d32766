"""The SMS conversation: registration with consent (contact button or typed number), refusal
of consent, bad input re-asked without losing what was said, and opt-out, opt-in, view and
delete, each confirmed before it acts."""

from __future__ import annotations

import datetime as dt
from typing import get_args

from test_sms_support import CEO_1, OTHER, STAFF, Chat, register, registry, sms_engine

from bot.sms.capability import SmsCapability, Step
from bot.sms.consent import CONSENT_VERSION
from bot.sms.format import consent_label
from bot.sms.registry import Registry


def setup(members: bool = True) -> tuple[Registry, Chat]:
    store = registry(members=members)
    return store, Chat(sms_engine(store))


def payloads(reply: object) -> list[str]:
    return [b.payload for b in reply.buttons]  # type: ignore[attr-defined]


def test_full_registration_with_the_contact_button() -> None:
    store, chat = setup()
    reply = chat.say("수신자 추가")
    assert reply.kind == "sms" and "조합원번호 또는 사업자등록번호" in reply.text
    assert "가나설비(주)" in chat.say("101-81-00016").text
    reply = chat.say("홍길동")
    assert payloads(reply) == ["sms:role:ceo", "sms:role:staff"]
    reply = chat.press("sms:role:staff")
    assert reply.keyboard == "contact"
    reply = chat.share("+82 10-7777-8888")
    assert payloads(reply) == ["sms:agree", "sms:disagree"]
    for words in ("보증해제 안내 문자", "성명, 휴대전화 번호", "철회", "거부하실 권리", "변화가 없습니다",
                  "010-****-8888", "본인 확인"):
        assert words in reply.text
    assert "7777" not in reply.text
    assert store.list_recipients("1001") == store.active_recipients("1001")  # nothing new yet
    reply = chat.press("sms:agree")
    assert reply.keyboard == "remove" and "등록했습니다" in reply.text and "010-****-8888" in reply.text
    entry = store.list_recipients("1001")[-1]
    assert (entry.name, entry.role, entry.phone, entry.verification, entry.consent_version) == (
        "홍길동", "담당자", STAFF, "contact", CONSENT_VERSION)
    assert chat.state().get("flow") is None


def test_typed_numbers_are_marked_unverified() -> None:
    store, chat = setup()
    reply = register(chat)
    assert "미확인" in reply.text
    assert store.list_recipients("1001")[-1].verification == "typed"


def test_refusing_consent_stores_nothing_and_says_nothing_else_changes() -> None:
    store, chat = setup()
    audit = store.audit_log()
    reply = register(chat, agree=False)
    assert "저장하지 않았습니다" in reply.text and "변화가 없습니다" in reply.text
    assert reply.keyboard == "remove"
    assert store.db.execute("SELECT count(*) FROM sms_recipients").fetchone()[0] == 0
    assert store.audit_log() == audit
    assert "7777" not in str(chat.state()) and "홍길동" not in str(chat.state())


def test_typed_answers_work_as_well_as_buttons() -> None:
    store, chat = setup()
    chat.say("수신자 등록할게요")
    chat.say("1001")
    chat.say("김담당")
    chat.say("담당자")
    chat.say("010-7777-8888")
    assert "등록했습니다" in chat.say("동의합니다").text
    assert store.list_recipients("1001")[-1].name == "김담당"


def test_bad_input_re_asks_and_keeps_what_was_said() -> None:
    store, chat = setup()
    chat.say("수신자 추가")
    assert "찾지 못했습니다" in chat.say("9999").text
    chat.say("1001")
    assert "숫자를 쓸 수 없습니다" in chat.say("홍길동1").text
    assert "40자" in chat.say("가" * 10_000).text
    chat.say("홍길동")
    assert "골라 주세요" in chat.say("사장님 아니고요 음").text
    chat.press("sms:role:staff")
    for bad, reason in (("02-1234-5678", "010 등"), ("+1 650 253 0000", "국내"), ("010-12", "올바른"),
                        ("'; DELETE FROM sms_recipients; --", "숫자와")):
        reply = chat.say(bad)
        assert reason in reply.text and reply.keyboard == "contact"
    reply = chat.say("010-7777-8888")
    assert "홍길동" in reply.text and "가나설비(주)" in reply.text
    assert "동의 여부" in chat.say("글쎄요").text
    assert "등록했습니다" in chat.press("sms:agree").text
    assert store.list_recipients("1001")[-1].phone == STAFF


def test_three_unknown_member_numbers_end_the_attempt_politely() -> None:
    _, chat = setup()
    chat.say("수신자 추가")
    chat.say("1")
    chat.say("2")
    reply = chat.say("101-81-00017")
    assert "관할 지점" in reply.text and chat.state().get("flow") is None


def test_without_an_imported_member_list_registration_points_to_the_branch() -> None:
    _, chat = setup(members=False)
    reply = chat.say("수신자 추가")
    assert "조합원 명단이 준비되지 않아" in reply.text and "관할 지점" in reply.text


def test_registering_the_same_number_again_changes_nothing_and_says_so() -> None:
    store, chat = setup()
    register(chat)
    audit = store.audit_log()
    reply = register(chat)
    assert "이미 등록되어 있어 바뀐 것은 없습니다" in reply.text
    assert store.audit_log() == audit


def test_opt_out_and_back_in_from_the_registering_chat() -> None:
    store, chat = setup()
    register(chat)
    reply = chat.say("문자 그만 받고 싶어요")
    assert reply.keyboard == "contact" and payloads(reply)[0].startswith("sms:pick:")
    reply = chat.press(payloads(reply)[0])
    assert "수신거부하시겠습니까" in reply.text and payloads(reply) == ["sms:yes", "sms:no"]
    assert STAFF in [e.phone for e in store.active_recipients()]  # not before the yes
    reply = chat.press("sms:yes")
    assert "수신거부를 등록했습니다" in reply.text and reply.keyboard == "remove"
    assert STAFF not in [e.phone for e in store.active_recipients()]
    chat.say("문자 다시 받을래요")
    reply = chat.say("010-7777-8888")
    assert "다시 받으시겠습니까" in reply.text
    assert "다시 보내 드리겠습니다" in chat.say("네").text
    assert STAFF in [e.phone for e in store.active_recipients()]


def test_no_at_the_confirmation_changes_nothing() -> None:
    store, chat = setup()
    register(chat)
    chat.say("내 번호 삭제해 주세요")
    chat.say("01077778888")
    assert "아무것도 바꾸지 않았습니다" in chat.press("sms:no").text
    assert STAFF in [e.phone for e in store.active_recipients()]


def test_already_opted_out_says_nothing_changed() -> None:
    _, chat = setup()
    register(chat)
    chat.say("문자 그만 받고 싶어요")
    chat.say("010-7777-8888")
    chat.press("sms:yes")
    chat.say("문자 그만 받고 싶어요")
    assert "이미 수신거부되어 있어" in chat.say("010-7777-8888").text


def test_view_shows_what_is_held_masked() -> None:
    _, chat = setup()
    register(chat, contact="+821077778888")
    chat.say("내 등록 정보")
    reply = chat.share(STAFF)
    assert "010-****-8888" in reply.text and "홍길동" in reply.text and "본인 확인" in reply.text
    assert "7777" not in reply.text


def test_the_ceo_proves_the_number_and_deletes_it() -> None:
    store, chat = setup()
    reply = chat.share(CEO_1)
    assert "010-****-2222" in reply.text and "sms:del" in payloads(reply)
    reply = chat.press("sms:del")
    assert "삭제하시겠습니까" in reply.text and "대표이사" in reply.text
    reply = chat.press("sms:yes")
    assert "삭제했습니다" in reply.text and "관할 지점" in reply.text
    assert [e.phone for e in store.active_recipients("1001")] == []


def test_a_proven_number_with_nothing_held_is_told_so() -> None:
    _, chat = setup()
    chat.say("내 등록 정보")
    assert "등록된 보증해제 안내 문자 수신 정보가 없습니다" in chat.share(OTHER).text


def test_a_deleted_staff_number_needs_a_new_registration_to_come_back() -> None:
    _, chat = setup()
    register(chat, contact=STAFF)
    chat.say("내 번호 삭제해 주세요")
    chat.share(STAFF)
    chat.press("sms:yes")
    chat.say("문자 다시 받을래요")
    chat.share(STAFF)
    reply = chat.press("sms:yes")
    assert "수신자 등록을 새로" in reply.text and payloads(reply) == ["sms:reg"]


def test_the_sms_command_and_its_menu() -> None:
    _, chat = setup()
    reply = chat.say("/sms")
    assert payloads(reply) == ["sms:reg", "sms:out", "sms:in", "sms:view", "sms:del"]
    assert "조합원번호" in chat.press("sms:reg").text
    assert "수신거부하실" in chat.say("/sms 수신거부").text


def test_switching_requests_mid_flow_and_cancel() -> None:
    _, chat = setup()
    chat.say("수신자 추가")
    assert "수신거부하실" in chat.say("문자 그만 받고 싶어요").text
    reply = chat.say("/cancel")
    assert reply.keyboard == "remove" and chat.state().get("flow") is None


def test_a_finished_conversation_s_buttons_are_stale() -> None:
    _, chat = setup()
    register(chat)
    assert chat.press("sms:agree").kind == "chat"
    assert chat.press("sms:yes").kind == "chat"


def test_unrelated_text_outside_a_flow_is_left_to_others() -> None:
    _, chat = setup()
    assert chat.say("신용평가 수수료 있나요?").kind == "fallback"


def test_a_shared_contact_then_register_uses_that_proven_number() -> None:
    store, chat = setup()
    chat.share(STAFF)
    chat.press("sms:reg")
    chat.say("1002")
    chat.say("홍길동")
    reply = chat.press("sms:role:staff")
    assert "등록할 내용" in reply.text and "본인 확인" in reply.text  # no number asked
    chat.press("sms:agree")
    assert store.list_recipients("1002")[-1].verification == "contact"


def test_a_proven_number_is_not_carried_into_a_later_registration() -> None:
    _, chat = setup()
    chat.say("문자 그만 받고 싶어요")
    assert "수신거부하시겠습니까" in chat.share(CEO_1).text  # waiting for yes, number proven
    chat.say("수신자 추가")  # changes the subject mid-flow
    chat.say("1001")
    chat.say("김담당")
    assert chat.press("sms:role:staff").keyboard == "contact"  # the number is asked for


def test_the_consent_date_is_shown_on_the_korean_calendar() -> None:
    store = registry()
    store.clock = lambda: dt.datetime(2026, 11, 21, 23, 30, tzinfo=dt.UTC)  # 08:30 on the 22nd in Seoul
    chat = Chat(sms_engine(store))
    register(chat)
    assert consent_label(store.list_recipients("1001")[-1]) == "동의 2026-11-22(v1)"
    chat.say("내 등록 정보")
    assert "동의 2026-11-22(v1)" in chat.say("010-7777-8888").text


def test_every_step_of_the_flow_has_its_handler_in_the_table() -> None:
    steps = SmsCapability(registry()).steps
    assert sorted(steps) == sorted(get_args(Step))
    assert all(callable(handler) for handler in steps.values())
