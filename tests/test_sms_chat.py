"""The SMS conversation: a registration request with consent (contact button or typed number)
stored pending, the one-time codes typed back, refusal of consent, bad input re-asked without
losing what was said, and opt-out, opt-in, view and delete, each confirmed before it acts."""

from __future__ import annotations

import datetime as dt
from typing import get_args

from test_sms_support import (
    CEO_1,
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

from bot.sms.capability import SmsCapability, Step
from bot.sms.consent import CONSENT_VERSION
from bot.sms.format import consent_label
from bot.sms.registry import Registry


def setup(members: bool = True) -> tuple[Registry, Chat]:
    store = registry(members=members)
    return store, Chat(sms_engine(store))


def active_phones(store: Registry, member: str | None = None) -> list[str | None]:
    return [e.phone for e in store.active_recipients(member)]


def test_a_request_with_the_contact_button_waits_for_the_company() -> None:
    store, chat = setup()
    reply = chat.say("수신자 추가")
    assert reply.kind == "sms" and "조합원번호 또는 사업자등록번호" in reply.text
    reply = chat.say("101-81-00016")
    assert "가나설비" not in reply.text and "성함" in reply.text
    reply = chat.say("홍길동")
    assert actions(reply) == ["role:ceo", "role:staff"]
    reply = chat.tap("role:staff")
    assert reply.keyboard == "contact"
    reply = chat.share("+82 10-7777-8888")
    assert actions(reply) == ["agree", "disagree"]
    for words in ("보증해제 안내 문자", "성명, 휴대전화 번호", "대표이사님께 등록 요청과 등록 사실을 문자로", "백업에 남은 사본도 30일",
                  "14일 뒤 지웁니다", "거부하실 권리", "변화가 없습니다", "010-****-8888", "본인 확인", "사업자등록번호 101-81-00016"):
        assert words in reply.text, words
    assert "7777" not in reply.text and "가나설비" not in reply.text
    reply = chat.tap("agree")
    assert reply.keyboard == "remove" and "등록 요청을 받았습니다" in reply.text and "가나설비" not in reply.text
    assert "번호 확인 코드" not in reply.text  # the contact proved the number
    assert active_phones(store, "1001") == [CEO_1]  # nothing goes to the requester yet
    [request] = store.pending("1001")
    assert (request.name, request.role, request.phone, request.verification, request.approved_by,
            request.consent_version) == ("홍길동", "담당자", STAFF, "contact", None, CONSENT_VERSION)
    [message] = codes_sent(store)
    assert (message.kind, message.phone, message.member_no) == ("approve_code", CEO_1, "1001")
    assert "홍길동님(담당자, 010-****-8888)" in message.text and "종로지점 ☎02-3449-2100" in message.text
    assert chat.state().get("data") == {"action": "code", "step": "code", "member_key": "1018100016",
                                        "proven": STAFF}


def test_the_ceo_s_code_typed_back_approves_and_the_company_is_told() -> None:
    store, chat = setup()
    register(chat, contact=STAFF)
    [approval] = codes_sent(store)
    reply = chat.say(f"코드 {code_in(approval)}입니다")
    assert "등록을 마쳤습니다: 가나설비(주) 담당자 홍길동님(010-****-8888)" in reply.text
    assert active_phones(store, "1001") == [CEO_1, STAFF]
    assert store.active_recipients("1001")[-1].approved_by == "code"
    [told] = codes_sent(store)  # the used code's message is gone from the outbox; the news is in
    assert (told.kind, told.phone) == ("registered", CEO_1)
    assert "홍길동님(담당자, 010-****-8888)" in told.text and "등록되었습니다" in told.text
    assert "종로지점 ☎02-3449-2100" in told.text
    assert chat.state().get("flow") is None


def test_a_proven_number_carries_from_the_request_into_the_next_action() -> None:
    store, chat = setup()
    register(chat, contact=STAFF)
    approve_by_branch(store)
    reply = chat.say("문자 그만 받고 싶어요")  # still in the conversation that shared the contact
    assert "010-****-8888 번호의 보증해제 안내 문자를 수신거부하시겠습니까?" in reply.text


def test_a_typed_number_needs_its_own_code_too() -> None:
    store, chat = setup()
    reply = register(chat, phone="010-7777-8888")
    assert "입력하신 번호로도 번호 확인 코드" in reply.text
    approval, verify = codes_sent(store)
    assert (approval.kind, approval.phone, verify.kind, verify.phone) == ("approve_code", CEO_1, "verify_code", STAFF)
    assert "가나설비" not in verify.text  # a stranger's number learns no company either
    reply = chat.say(code_in(approval))
    assert "남은 확인은 번호 확인입니다" in reply.text
    assert active_phones(store, "1001") == [CEO_1]
    reply = chat.say(code_in(verify))
    assert "등록을 마쳤습니다" in reply.text
    [entry] = [e for e in store.active_recipients("1001") if e.phone == STAFF]
    assert (entry.verification, entry.approved_by) == ("code", "code")


def test_a_code_for_a_request_settled_meanwhile_is_taken_quietly() -> None:
    store, chat = setup()
    register(chat, phone="010-7777-8888")
    approval, _ = codes_sent(store)
    approve_by_branch(store)  # the branch called the company first
    reply = chat.say(code_in(approval))
    assert reply.kind == "sms" and reply.text.startswith("확인 코드가 맞습니다")
    assert STAFF in active_phones(store, "1001")


def test_codes_can_be_typed_later_from_the_menu() -> None:
    store, chat = setup()
    register(chat, contact=STAFF)
    chat.say("/cancel")
    reply = chat.say("/sms")
    assert "sms:code" in payloads(reply)
    assert "확인 코드(숫자 6자리)" in chat.press("sms:code").text
    [approval] = codes_sent(store)
    assert "등록을 마쳤습니다" in chat.say(code_in(approval)).text


def test_refusing_consent_stores_nothing_and_says_nothing_else_changes() -> None:
    store, chat = setup()
    audit = store.audit_log()
    reply = register(chat, agree=False)
    assert "저장하지 않았습니다" in reply.text and "변화가 없습니다" in reply.text
    assert reply.keyboard == "remove"
    assert store.db.execute("SELECT count(*) FROM sms_recipients").fetchone()[0] == 0
    assert store.audit_log() == audit and codes_sent(store) == []
    assert "7777" not in str(chat.state()) and "홍길동" not in str(chat.state())


def test_typed_answers_work_as_well_as_buttons() -> None:
    store, chat = setup()
    chat.say("수신자 등록할게요")
    chat.say("1001")
    chat.say("김담당")
    chat.say("담당자")
    chat.say("010-7777-8888")
    assert "등록 요청을 받았습니다" in chat.say("동의합니다").text
    assert store.pending("1001")[-1].name == "김담당"


def test_bad_input_re_asks_and_keeps_what_was_said() -> None:
    store, chat = setup()
    chat.say("수신자 추가")
    assert "조합원번호(숫자) 또는 사업자등록번호" in chat.say("가나다!").text
    chat.say("1001")
    assert "숫자를 쓸 수 없습니다" in chat.say("홍길동1").text
    assert "40자" in chat.say("가" * 10_000).text
    chat.say("홍길동")
    assert "골라 주세요" in chat.say("사장님 아니고요 음").text
    chat.tap("role:staff")
    for bad, reason in (("02-1234-5678", "010 등"), ("+1 650 253 0000", "국내"), ("010-12", "올바른"),
                        ("'; DELETE FROM sms_recipients; --", "숫자와")):
        reply = chat.say(bad)
        assert reason in reply.text and reply.keyboard == "contact"
    reply = chat.say("010-7777-8888")
    assert "홍길동" in reply.text and "조합원번호 1001" in reply.text
    assert "동의 여부" in chat.say("글쎄요").text
    assert "등록 요청을 받았습니다" in chat.tap("agree").text
    assert store.pending("1001")[-1].phone == STAFF


def test_names_that_are_answers_commands_or_numbers_are_refused() -> None:
    _, chat = setup()
    chat.say("수신자 추가")
    chat.say("1001")
    for typed, reason in (("네", "두 글자 이상"), ("대표이사", "성함으로 받을 수 없습니다"),
                          ("아니요", "성함으로 받을 수 없습니다"), ("12345", "숫자"),
                          ("동의합니다", "성함으로 받을 수 없습니다")):
        reply = chat.say(typed)
        assert reason in reply.text, (typed, reply.text)
        assert "대표이사이신가요" not in reply.text
    assert "홍길동님은 대표이사이신가요" in chat.say("홍길동").text


def test_cancel_typed_where_a_name_is_asked_ends_the_request_and_is_no_name() -> None:
    _, chat = setup()
    chat.say("수신자 추가")
    chat.say("1001")
    reply = chat.say("취소")
    assert "취소했습니다" in reply.text and "대표이사이신가요" not in reply.text
    assert "대표이사이신가요" not in chat.say("홍길동").text  # the request is over


def test_three_malformed_member_numbers_end_the_attempt_politely() -> None:
    _, chat = setup()
    chat.say("수신자 추가")
    chat.say("가나다")
    chat.say("!!")
    reply = chat.say("1001; --")
    assert "관할 지점" in reply.text and chat.state().get("flow") is None


def test_without_an_imported_member_list_registration_points_to_the_branch() -> None:
    _, chat = setup(members=False)
    reply = chat.say("수신자 추가")
    assert "조합원 명단이 준비되지 않아" in reply.text and "관할 지점" in reply.text


def test_opt_out_and_back_in_from_the_registering_chat_once_approved() -> None:
    store, chat = setup()
    register(chat, contact=STAFF)
    approve_by_branch(store)
    chat.say("/cancel")
    reply = chat.say("문자 그만 받고 싶어요")
    assert reply.keyboard == "contact" and actions(reply)[0].startswith("pick:")
    reply = chat.press(payloads(reply)[0])
    assert "수신거부하시겠습니까" in reply.text and actions(reply) == ["yes", "no"]
    assert STAFF in active_phones(store)  # not before the yes
    reply = chat.tap("yes")
    assert "수신거부를 등록했습니다" in reply.text and reply.keyboard == "remove"
    assert STAFF not in active_phones(store)
    chat.say("문자 다시 받을래요")
    reply = chat.say("010-7777-8888")
    assert "다시 받으시겠습니까" in reply.text
    assert "다시 보내 드리겠습니다" in chat.say("네").text
    assert STAFF in active_phones(store)


def test_no_at_the_confirmation_changes_nothing() -> None:
    store, chat = setup()
    register(chat, contact=STAFF)
    approve_by_branch(store)
    chat.say("내 번호 삭제해 주세요")
    chat.say("01077778888")
    assert "아무것도 바꾸지 않았습니다" in chat.tap("no").text
    assert STAFF in active_phones(store)


def test_already_opted_out_says_nothing_changed() -> None:
    store, chat = setup()
    register(chat, contact=STAFF)
    approve_by_branch(store)
    chat.say("문자 그만 받고 싶어요")
    chat.say("010-7777-8888")
    chat.tap("yes")
    chat.say("문자 그만 받고 싶어요")
    assert "이미 수신거부되어 있어" in chat.say("010-7777-8888").text


def test_view_shows_a_pending_request_only_to_the_proven_owner() -> None:
    _, chat = setup()
    register(chat, contact=STAFF)
    chat.say("/cancel")
    chat.say("내 등록 정보")
    assert "죄송합니다" in chat.say("010-7777-8888").text  # typed: the company stays unnamed
    chat.say("/cancel")
    chat.say("내 등록 정보")
    reply = chat.share(STAFF)
    assert "010-****-8888" in reply.text and "홍길동" in reply.text and "승인 대기(남은 확인: 회사 승인)" in reply.text
    assert "7777" not in reply.text


def test_the_ceo_proves_the_number_and_deletes_it() -> None:
    store, chat = setup()
    reply = chat.share(CEO_1)
    assert "010-****-2222" in reply.text and "do:del" in actions(reply) and "do:company" in actions(reply)
    reply = chat.tap("do:del")
    assert "삭제하시겠습니까" in reply.text and "대표이사" in reply.text
    reply = chat.tap("yes")
    assert "삭제했습니다" in reply.text and "관할 지점" in reply.text
    assert active_phones(store, "1001") == []
    assert codes_sent(store) == []  # the CEO acted on their own number: nobody else to tell


def test_text_typed_at_a_menu_of_buttons_goes_to_the_rest_of_the_bot() -> None:
    _, chat = setup()
    chat.share(CEO_1)
    assert chat.say("이번 달 결산 자료 정리 중").kind == "fallback" and chat.state().get("flow") is None
    chat.share(CEO_1)
    chat.tap("do:company")
    assert chat.say("이번 달 결산 자료 정리 중").kind == "fallback" and chat.state().get("flow") is None


def test_a_proven_number_with_nothing_held_is_told_so() -> None:
    _, chat = setup()
    chat.say("내 등록 정보")
    assert "등록된 보증해제 안내 문자 수신 정보가 없습니다" in chat.share(OTHER).text


def test_a_deleted_staff_number_needs_a_new_registration_to_come_back() -> None:
    store, chat = setup()
    register(chat, contact=STAFF)
    approve_by_branch(store)
    chat.say("내 번호 삭제해 주세요")
    chat.share(STAFF)
    chat.tap("yes")
    chat.say("문자 다시 받을래요")
    chat.share(STAFF)
    reply = chat.tap("yes")
    assert "수신자 등록을 새로" in reply.text and payloads(reply) == ["sms:reg"]


def test_the_sms_command_and_its_menu_keep_fixed_payloads() -> None:
    _, chat = setup()
    reply = chat.say("/sms")
    assert payloads(reply) == ["sms:reg", "sms:out", "sms:in", "sms:view", "sms:del", "sms:code"]
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
    chat.say("수신자 추가")
    chat.say("1001")
    chat.say("홍길동")
    chat.tap("role:staff")
    consent = chat.say("010-7777-8888")
    chat.tap("agree")
    assert chat.press(payloads(consent)[0]).kind == "chat"
    assert chat.press("sms:agree").kind == "chat" and chat.press("sms:yes").kind == "chat"


def test_an_older_prompt_s_buttons_are_refused_and_change_nothing() -> None:
    store, chat = setup()
    register(chat, contact=STAFF)
    approve_by_branch(store)
    # An opt-out asked and left unanswered...
    chat.say("문자 그만 받고 싶어요")
    old_yes = chat.share(STAFF)
    # ...then a delete flow: the old "예, 수신거부합니다" must not act on it.
    chat.say("내 번호 삭제해 주세요")
    new_confirm = chat.share(STAFF)
    stale = chat.press(payloads(old_yes)[0])
    assert stale.kind == "chat" and "더 이상 사용할 수 없습니다" in stale.text
    assert STAFF in active_phones(store) and chat.state().get("data", {}).get("step") == "confirm"  # type: ignore[union-attr]
    # A's 동의 cannot register B: consent buttons belong to their own prompt.
    other = Chat(chat.bot, "c2")
    other.say("수신자 추가")
    other.say("1002")
    other.say("김하나")
    other.tap("role:staff")
    first = other.say("010-2222-3333")
    other.say("/cancel")
    other.say("수신자 추가")
    other.say("1002")
    other.say("박두울")
    other.tap("role:staff")
    other.say("010-4444-5555")
    assert other.press(payloads(first)[0]).kind == "chat"
    assert store.pending("1002") == []
    assert "삭제했습니다" in chat.press(payloads(new_confirm)[0]).text


def test_unrelated_text_outside_a_flow_is_left_to_others() -> None:
    _, chat = setup()
    assert chat.say("신용평가 수수료 있나요?").kind == "fallback"


def test_a_shared_contact_then_register_uses_that_proven_number() -> None:
    store, chat = setup()
    chat.share(STAFF)
    chat.tap("do:reg")
    chat.say("1002")
    chat.say("홍길동")
    reply = chat.tap("role:staff")
    assert "등록할 내용" in reply.text and "본인 확인" in reply.text  # no number asked
    chat.tap("agree")
    assert store.pending("1002")[-1].verification == "contact"


def test_a_proven_number_is_not_carried_into_a_later_registration() -> None:
    _, chat = setup()
    chat.say("문자 그만 받고 싶어요")
    assert "수신거부하시겠습니까" in chat.share(CEO_1).text  # waiting for yes, number proven
    chat.say("수신자 추가")  # changes the subject mid-flow
    chat.say("1001")
    chat.say("김담당")
    assert chat.tap("role:staff").keyboard == "contact"  # the number is asked for


def test_the_consent_date_is_shown_on_the_korean_calendar() -> None:
    store = registry(clock=Ticking(dt.datetime(2026, 11, 21, 23, 30, tzinfo=dt.UTC)))  # 08:30 on the 22nd in Seoul
    chat = Chat(sms_engine(store))
    register(chat, contact=STAFF)
    approve_by_branch(store)
    assert consent_label(store.list_recipients("1001")[-1]) == f"동의 2026-11-22({CONSENT_VERSION})"
    chat.say("/cancel")
    chat.say("내 등록 정보")
    assert f"동의 2026-11-22({CONSENT_VERSION})" in chat.say("010-7777-8888").text


def test_every_step_of_the_flow_has_its_handler_in_the_table() -> None:
    steps = SmsCapability(sms_service(registry())).steps
    assert sorted(steps) == sorted(get_args(Step))
    assert all(callable(handler) for handler in steps.values())
