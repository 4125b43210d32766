"""The recipient store: CEOs by default, registration outcomes, opt-out, opt-in and erasure,
who may change what, the key behind the hashes, and an audit line for every change."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from test_sms_support import CEO_1, CEO_2, KEY, MEMBERS, OTHER, STAFF, registry

from bot.settings import Settings
from bot.sms.key import key_path
from bot.sms.registry import Registration, Registry, RegistryError, Requester
from bot.storage import open_db

OWNER = Requester.chat("owner-chat", STAFF)  # proved STAFF with the contact button
ADDER = Requester.chat("adder-chat")  # typed STAFF in
STRANGER = Requester.chat("stranger-chat")
STAFF_DESK = Requester.branch_staff()


def staff_registration(member: str = "1001", phone: str = STAFF, verification: str = "typed") -> Registration:
    return Registration(member, "홍길동", "담당자", phone, verification, "v1")  # type: ignore[arg-type]


def phones(store: Registry, member: str | None = None) -> list[str | None]:
    return [e.phone for e in store.active_recipients(member)]


def test_every_member_s_ceo_receives_by_default() -> None:
    store = registry()
    entries = store.active_recipients()
    assert [(e.member_no, e.role, e.phone, e.recipient_id) for e in entries] == [
        (m.member_no, "대표이사", m.ceo_mobile, None) for m in MEMBERS
    ]


def test_register_adds_an_active_unverified_recipient_after_the_ceo() -> None:
    store = registry()
    outcome, entry = store.register(staff_registration(), ADDER)
    assert outcome == "created" and entry is not None
    assert (entry.verification, entry.status, entry.consent_version) == ("typed", "active", "v1")
    assert phones(store, "1001") == [CEO_1, STAFF]


def test_the_same_number_again_changes_nothing() -> None:
    store = registry()
    store.register(staff_registration(), ADDER)
    audit = store.audit_log()
    assert store.register(staff_registration(), ADDER)[0] == "unchanged"
    assert store.register(staff_registration(verification="contact"), OWNER)[0] == "unchanged"
    assert store.audit_log() == audit
    assert store.db.execute("SELECT count(*) FROM sms_recipients").fetchone()[0] == 1


def test_a_stranger_typing_a_held_number_changes_nothing() -> None:
    store = registry()
    store.register(staff_registration(), ADDER)
    store.opt_out(STAFF, ADDER)
    assert store.register(staff_registration(), STRANGER) == ("held", None)
    assert store.active_recipients("1001")[-1].phone == CEO_1  # still opted out


def test_the_ceo_number_typed_by_someone_else_is_held_and_by_the_ceo_unchanged() -> None:
    store = registry()
    assert store.register(staff_registration(phone=CEO_1), STRANGER) == ("held", None)
    outcome, entry = store.register(staff_registration(phone=CEO_1), Requester.chat("ceo", CEO_1))
    assert outcome == "unchanged" and entry is not None and entry.recipient_id is None


def test_the_same_number_may_serve_two_members() -> None:
    store = registry()
    store.register(staff_registration("1001"), ADDER)
    store.register(staff_registration("1002"), ADDER)
    assert STAFF in phones(store, "1001") and STAFF in phones(store, "1002")
    change = store.opt_out(STAFF, OWNER)
    assert sorted(e.member_no for e in change.changed) == ["1001", "1002"]


def test_opt_out_and_back_in_by_the_chat_that_added_the_number() -> None:
    store = registry()
    store.register(staff_registration(), ADDER)
    change = store.opt_out(STAFF, ADDER)
    assert [e.status for e in change.changed] == ["opted_out"]
    assert STAFF not in phones(store)
    assert store.opt_out(STAFF, ADDER).unchanged
    assert [e.status for e in store.opt_in(STAFF, ADDER).changed] == ["active"]
    assert STAFF in phones(store)


@pytest.mark.parametrize("action", ["opt_out", "opt_in", "erase"])
def test_a_chat_that_neither_proved_nor_added_the_number_finds_nothing(action: str) -> None:
    store = registry()
    store.register(staff_registration(), ADDER)
    if action == "opt_in":
        store.opt_out(STAFF, ADDER)
    held = getattr(store, action)(STAFF, STRANGER)
    never_held = getattr(store, action)(OTHER, STRANGER)
    assert not held.found and not never_held.found
    assert store.targets(STAFF, STRANGER) == store.targets(OTHER, STRANGER) == []


def test_a_typed_ceo_number_cannot_be_opted_out_by_a_chat() -> None:
    store = registry()
    assert not store.opt_out(CEO_1, Requester.chat("x")).found
    assert CEO_1 in phones(store)


def test_the_ceo_can_opt_out_of_the_default_and_back_in() -> None:
    store = registry()
    ceo = Requester.chat("ceo-chat", CEO_1)
    change = store.opt_out(CEO_1, ceo)
    assert [(e.role, e.status, e.verification) for e in change.changed] == [("대표이사", "opted_out", "member_list")]
    assert phones(store, "1001") == []
    assert phones(store, "1002") == [CEO_2]
    store.opt_in(CEO_1, ceo)
    assert phones(store, "1001") == [CEO_1]


def test_staff_opt_out_on_a_phoned_request_reaches_the_ceo_of_that_member_only() -> None:
    store = registry()
    store.register(staff_registration("1002", phone=CEO_1), Requester.chat("ceo", CEO_1))
    change = store.opt_out(CEO_1, STAFF_DESK, "1001")
    assert [e.member_no for e in change.changed] == ["1001"]
    assert CEO_1 in phones(store, "1002")
    assert [a["actor"] for a in store.audit_log()][-1] == "staff"


def test_erase_keeps_only_what_honours_the_opt_out() -> None:
    store = registry()
    store.register(staff_registration(), ADDER)
    change = store.erase(STAFF, ADDER)
    assert change.changed[0].erased
    row = store.db.execute("SELECT * FROM sms_recipients").fetchone()
    names = [d[0] for d in store.db.execute("SELECT * FROM sms_recipients").description]
    kept = {k: v for k, v in zip(names, row, strict=True) if v is not None}
    assert set(kept) == {"id", "member_no", "role", "phone_hash", "verification", "status", "created_at",
                         "updated_at", "erased_at"}
    assert kept["status"] == "opted_out" and kept["phone_hash"] == store.ref(STAFF)
    assert STAFF not in phones(store)
    # The adding chat lost its link; only the proven owner can still reach the entry.
    assert not store.opt_in(STAFF, ADDER).found
    assert store.opt_in(STAFF, OWNER).needs_registration
    assert store.register(staff_registration(verification="contact"), OWNER)[0] == "reactivated"
    assert STAFF in phones(store)


def test_an_erased_ceo_number_is_not_resurrected_by_the_member_list() -> None:
    store = registry()
    ceo = Requester.chat("ceo-chat", CEO_1)
    store.erase(CEO_1, ceo)
    store.import_members(MEMBERS)  # the same list again
    assert phones(store, "1001") == []
    change = store.opt_in(CEO_1, ceo)  # the member list still holds the number: no new consent needed
    assert change.changed and phones(store, "1001") == [CEO_1]


def test_list_shows_inactive_entries_only_when_asked() -> None:
    store = registry()
    store.register(staff_registration(), ADDER)
    store.opt_out(STAFF, ADDER)
    assert [e.phone for e in store.list_recipients("1001")] == [CEO_1]
    assert [e.status for e in store.list_recipients("1001", include_inactive=True)] == ["active", "opted_out"]


def test_every_change_has_one_audit_line_and_none_holds_a_number() -> None:
    store = registry()
    store.register(staff_registration(), ADDER)
    store.opt_out(STAFF, ADDER)
    store.opt_in(STAFF, ADDER)
    store.erase(STAFF, OWNER)
    store.opt_out(CEO_1, Requester.chat("ceo", CEO_1))
    log = store.audit_log()
    assert [a["action"] for a in log[len(MEMBERS):]] == ["register", "opt_out", "opt_in", "erase", "ceo_row", "opt_out"]
    dump = "\n".join(str(a) for a in log)
    for phone in (STAFF, CEO_1):
        assert phone not in dump and phone[3:] not in dump and "0" + phone[3:] not in dump
    assert {a["phone_ref"] for a in log if a["recipient_id"]} == {store.ref(STAFF), store.ref(CEO_1)}


def test_the_schema_refuses_an_erased_row_that_still_holds_personal_data() -> None:
    store = registry()
    store.register(staff_registration(), ADDER)
    with pytest.raises(sqlite3.IntegrityError):
        store.db.execute("UPDATE sms_recipients SET erased_at = 'now', status = 'opted_out'")


def test_the_key_lives_beside_the_database_and_a_wrong_key_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BOT_SMS_KEY", raising=False)
    path = tmp_path / "bot.sqlite3"
    first = Registry(open_db(path))
    assert key_path(path).exists() and oct(key_path(path).stat().st_mode & 0o777) == "0o600"
    again = Registry(open_db(path))
    assert again.ref(STAFF) == first.ref(STAFF) != Registry(open_db(None)).ref(STAFF)
    with pytest.raises(RegistryError, match="키"):
        Registry(open_db(path), key=b"another key")
    monkeypatch.setenv("BOT_SMS_KEY", "from the environment")
    with pytest.raises(RegistryError, match="키"):
        Registry(open_db(path), key=Settings.from_env().sms_key)


def test_the_hash_is_keyed() -> None:
    assert registry().ref(STAFF) == Registry(open_db(None), key=KEY).ref(STAFF)
    assert Registry(open_db(None), key=b"other").ref(STAFF) != registry().ref(STAFF)


def test_register_for_an_unknown_member_is_an_error() -> None:
    with pytest.raises(RegistryError):
        registry().register(staff_registration("9999"), ADDER)
