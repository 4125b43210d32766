"""The recipient store: CEOs by default, requests pending until approved and proven, outcomes of
a registration, opt-out, opt-in and erasure, who may change what, a new CEO in the member list,
the upgrade of a version-1 database, the key behind the hashes, and an audit line per change."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from test_sms_support import CEO_1, CEO_2, KEY, MEMBERS, OTHER, STAFF, Ticking, registry

from bot.settings import Settings
from bot.sms import policy
from bot.sms.key import KeyFileError, key_path
from bot.sms.registry import Member, Registration, Registry, RegistryError, Requester
from bot.sms.schema import SCHEMA
from bot.storage import migrate, open_db
from bot.storage.faults import StorageFault

OWNER = Requester.chat("owner-chat", STAFF)  # proved STAFF with the contact button
ADDER = Requester.chat("adder-chat")  # typed STAFF in
STRANGER = Requester.chat("stranger-chat")
STAFF_DESK = Requester.branch_staff()
CEO = Requester.chat("ceo-chat", CEO_1)  # the CEO of 1001 on file, proven by contact


def staff_registration(member: str = "1001", phone: str = STAFF, verification: str = "typed",
                       version: str = "v2") -> Registration:
    return Registration(member, "홍길동", "담당자", phone, verification, version)  # type: ignore[arg-type]


def phones(store: Registry, member: str | None = None) -> list[str | None]:
    return [e.phone for e in store.active_recipients(member)]


def active(store: Registry, member: str = "1001", phone: str = STAFF, by: Requester = ADDER) -> int:
    """A recipient registered by `by` and approved by a branch: active."""
    _, entry = store.register(staff_registration(member, phone), by)
    assert entry is not None and entry.recipient_id is not None
    store.grant(entry.recipient_id, STAFF_DESK, approval="staff", verification="staff")
    return entry.recipient_id


def test_every_member_s_ceo_receives_by_default() -> None:
    store = registry()
    entries = store.active_recipients()
    assert [(e.member_no, e.role, e.phone, e.recipient_id) for e in entries] == [
        (m.member_no, "대표이사", m.ceo_mobile, None) for m in MEMBERS
    ]


def test_a_chat_s_registration_waits_for_approval_and_a_proven_number() -> None:
    store = registry()
    outcome, entry = store.register(staff_registration(), ADDER)
    assert outcome == "created" and entry is not None
    assert (entry.status, entry.verification, entry.approved_by, entry.consent_version) == ("pending", "typed", None, "v2")
    assert phones(store, "1001") == [CEO_1]
    assert [e.phone for e in store.pending("1001")] == [STAFF]
    entry = store.grant(entry.recipient_id or 0, STRANGER, approval="code")
    assert (entry.status, entry.approved_by) == ("pending", "code")  # the number is still unproven
    entry = store.grant(entry.recipient_id or 0, STRANGER, verification="code")
    assert (entry.status, entry.verification) == ("active", "code")
    assert phones(store, "1001") == [CEO_1, STAFF]
    assert [a["action"] for a in store.audit_log()][-3:] == ["register", "grant", "approve"]


def test_the_ceo_on_file_approves_at_registration_and_staff_vouch_for_both() -> None:
    store = registry()
    _, by_ceo = store.register(staff_registration(), CEO)
    assert by_ceo is not None and (by_ceo.status, by_ceo.approved_by) == ("pending", "ceo")  # typed: needs its code
    _, by_branch = store.register(staff_registration("1002"), STAFF_DESK)
    assert by_branch is not None and (by_branch.status, by_branch.approved_by, by_branch.verification) == (
        "active", "staff", "staff")


def test_the_schema_refuses_an_active_row_nobody_approved_or_proved() -> None:
    store = registry()
    store.register(staff_registration(), ADDER)
    with pytest.raises(sqlite3.IntegrityError):
        store.db.execute("UPDATE sms_recipients SET status = 'active', requested_at = NULL")


def test_a_withdrawn_request_leaves_no_personal_data_only_its_audit_line() -> None:
    store = registry()
    _, entry = store.register(staff_registration(), ADDER)
    gone = store.withdraw(entry.recipient_id or 0, STAFF_DESK, "reject")
    assert gone is not None and gone.name == "홍길동"
    assert store.db.execute("SELECT count(*) FROM sms_recipients").fetchone()[0] == 0
    last = store.audit_log()[-1]
    assert (last["action"], last["phone_ref"]) == ("reject", store.ref(STAFF))
    assert store.withdraw(entry.recipient_id or 0, STAFF_DESK, "reject") is None


def test_requests_expire_after_the_policy_s_days() -> None:
    clock = Ticking()
    store = registry(clock=clock)
    store.register(staff_registration(), ADDER)
    clock.advance(days=policy.PENDING_TTL.days)
    assert store.expired_requests() == []
    clock.advance(seconds=1)
    assert [e.phone for e in store.expired_requests()] == [STAFF]


def test_the_same_number_again_changes_nothing() -> None:
    store = registry()
    active(store)
    audit = store.audit_log()
    assert store.register(staff_registration(), ADDER)[0] == "unchanged"
    assert store.register(staff_registration(verification="contact"), OWNER)[0] == "unchanged"
    assert store.audit_log() == audit
    assert store.db.execute("SELECT count(*) FROM sms_recipients").fetchone()[0] == 1


def test_a_stranger_typing_a_held_number_changes_nothing() -> None:
    store = registry()
    active(store)
    store.opt_out(STAFF, ADDER)
    assert store.register(staff_registration(), STRANGER) == ("held", None)
    assert store.active_recipients("1001")[-1].phone == CEO_1  # still opted out


def test_a_pending_request_is_hidden_even_from_the_chat_that_made_it() -> None:
    store = registry()
    store.register(staff_registration(), ADDER)
    assert store.targets(STAFF, ADDER) == [] and store.recipients_of_chat("adder-chat") == []
    assert [e.status for e in store.targets(STAFF, OWNER)] == ["pending"]  # the proven owner sees it
    assert [e.status for e in store.targets(STAFF, CEO)] == ["pending"]  # and the company's CEO


def test_the_ceo_number_typed_by_someone_else_is_held_and_by_the_ceo_unchanged() -> None:
    store = registry()
    assert store.register(staff_registration(phone=CEO_1), STRANGER) == ("held", None)
    outcome, entry = store.register(staff_registration(phone=CEO_1), CEO)
    assert outcome == "unchanged" and entry is not None and entry.recipient_id is None


def test_the_same_number_may_serve_two_members() -> None:
    store = registry()
    active(store, "1001")
    active(store, "1002")
    assert STAFF in phones(store, "1001") and STAFF in phones(store, "1002")
    change = store.opt_out(STAFF, OWNER)
    assert sorted(e.member_no for e in change.changed) == ["1001", "1002"]


def test_opt_out_and_back_in_by_the_chat_that_added_the_number() -> None:
    store = registry()
    active(store)
    change = store.opt_out(STAFF, ADDER)
    assert [e.status for e in change.changed] == ["opted_out"]
    assert STAFF not in phones(store)
    assert store.opt_out(STAFF, ADDER).unchanged
    assert [e.status for e in store.opt_in(STAFF, ADDER).changed] == ["active"]
    assert STAFF in phones(store)


@pytest.mark.parametrize("by", [OWNER, STAFF_DESK, CEO])
def test_an_opt_out_by_the_owner_the_ceo_or_staff_is_final_for_the_typing_chat(by: Requester) -> None:
    store = registry()
    active(store)
    store.opt_out(STAFF, by, "1001")
    assert not store.opt_in(STAFF, ADDER).found
    assert store.register(staff_registration(), ADDER) == ("held", None)
    assert [e.status for e in store.opt_in(STAFF, by, "1001").changed] == ["active"]


def test_opting_back_in_an_unapproved_entry_makes_it_pending_again() -> None:
    store = registry()
    _, _entry = store.register(staff_registration(verification="contact"), OWNER)
    store.opt_out(STAFF, OWNER)
    [back] = store.opt_in(STAFF, OWNER).changed
    assert back.status == "pending" and STAFF not in phones(store)


@pytest.mark.parametrize("action", ["opt_out", "opt_in", "erase"])
def test_a_chat_that_neither_proved_nor_added_the_number_finds_nothing(action: str) -> None:
    store = registry()
    active(store)
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
    change = store.opt_out(CEO_1, CEO)
    assert [(e.role, e.status, e.verification) for e in change.changed] == [("대표이사", "opted_out", "member_list")]
    assert phones(store, "1001") == []
    assert phones(store, "1002") == [CEO_2]
    store.opt_in(CEO_1, CEO)
    assert phones(store, "1001") == [CEO_1]


def test_staff_opt_out_on_a_phoned_request_reaches_the_ceo_of_that_member_only() -> None:
    store = registry()
    store.register(staff_registration("1002", phone=CEO_1), STAFF_DESK)
    change = store.opt_out(CEO_1, STAFF_DESK, "1001")
    assert [e.member_no for e in change.changed] == ["1001"]
    assert CEO_1 in phones(store, "1002")
    assert [a["actor"] for a in store.audit_log()][-1] == "staff"


def test_erase_keeps_only_what_honours_the_opt_out() -> None:
    store = registry()
    active(store)
    change = store.erase(STAFF, ADDER)
    assert change.changed[0].erased
    row = store.db.execute("SELECT * FROM sms_recipients").fetchone()
    names = [d[0] for d in store.db.execute("SELECT * FROM sms_recipients").description]
    kept = {k: v for k, v in zip(names, row, strict=True) if v is not None}
    assert set(kept) == {"id", "member_no", "role", "phone_hash", "verification", "approved_by", "status",
                         "created_at", "updated_at", "approved_at", "erased_at"}
    assert kept["status"] == "opted_out" and kept["phone_hash"] == store.ref(STAFF)
    assert STAFF not in phones(store)
    # The adding chat lost its link; only the proven owner can still reach the entry.
    assert not store.opt_in(STAFF, ADDER).found
    assert store.opt_in(STAFF, OWNER).needs_registration
    assert store.register(staff_registration(verification="contact"), OWNER)[0] == "reactivated"
    assert STAFF not in phones(store)  # back as a request: the company approves it again
    assert [e.phone for e in store.pending("1001")] == [STAFF]


def test_an_erased_ceo_number_is_not_resurrected_by_the_member_list() -> None:
    store = registry()
    store.erase(CEO_1, CEO)
    store.import_members(MEMBERS)  # the same list again
    assert phones(store, "1001") == []
    change = store.opt_in(CEO_1, CEO)  # the member list still holds the number: no new consent needed
    assert change.changed and phones(store, "1001") == [CEO_1]


def test_a_new_ceo_in_the_member_list_retires_the_old_ceo_s_rows() -> None:
    store = registry()
    store.opt_out(CEO_1, CEO)
    store.opt_in(CEO_1, CEO)  # the old CEO now has a row of their own, active
    assert phones(store, "1001") == [CEO_1]
    new_ceo = "+821012121212"
    changed = [Member("1001", "1018100016", "가나설비(주)", "최신임", new_ceo, "종로지점"), *MEMBERS[1:]]
    counts = store.import_members(changed)
    assert (counts.updated, counts.retired) == (1, 1)
    assert phones(store, "1001") == [new_ceo]
    assert [a["action"] for a in store.audit_log()][-2:] == ["member_update", "retire_ceo"]
    assert store.db.execute("SELECT count(*) FROM sms_recipients WHERE phone = ?", [CEO_1]).fetchone()[0] == 0


def test_a_request_for_the_number_that_becomes_the_ceo_s_is_approved_by_the_member_list() -> None:
    store = registry()
    store.register(staff_registration(phone=STAFF), ADDER)
    changed = [Member("1001", "1018100016", "가나설비(주)", "홍길동", STAFF, "종로지점"), *MEMBERS[1:]]
    store.import_members(changed)
    [entry] = [e for e in store.active_recipients("1001")]
    assert (entry.phone, entry.role, entry.approved_by, entry.verification) == (STAFF, "대표이사", "member_list",
                                                                                "member_list")
    assert store.pending("1001") == []


def test_list_shows_inactive_entries_only_when_asked() -> None:
    store = registry()
    active(store)
    store.opt_out(STAFF, ADDER)
    assert [e.phone for e in store.list_recipients("1001")] == [CEO_1]
    assert [e.status for e in store.list_recipients("1001", include_inactive=True)] == ["active", "opted_out"]


def test_every_change_has_one_audit_line_and_none_holds_a_number() -> None:
    store = registry()
    active(store)
    store.opt_out(STAFF, ADDER)
    store.opt_in(STAFF, ADDER)
    store.erase(STAFF, OWNER)
    store.opt_out(CEO_1, CEO)
    log = store.audit_log()
    assert [a["action"] for a in log[len(MEMBERS):]] == ["register", "approve", "opt_out", "opt_in", "erase",
                                                          "ceo_row", "opt_out"]
    dump = "\n".join(str(a) for a in log)
    for phone in (STAFF, CEO_1):
        assert phone not in dump and phone[3:] not in dump and "0" + phone[3:] not in dump
    assert {a["phone_ref"] for a in log if a["recipient_id"]} == {store.ref(STAFF), store.ref(CEO_1)}


def test_the_schema_refuses_an_erased_row_that_still_holds_personal_data() -> None:
    store = registry()
    active(store)
    with pytest.raises(sqlite3.IntegrityError):
        store.db.execute("UPDATE sms_recipients SET erased_at = 'now', status = 'opted_out'")


def test_a_version_one_database_is_upgraded_and_unproven_rows_wait_for_approval() -> None:
    db = open_db(None)
    migrate(db, "sms", SCHEMA[:1])
    store_v1 = {"at": "2026-01-01T00:00:00+00:00"}
    db.execute("INSERT INTO sms_meta VALUES ('memory_key', ?)", [KEY.decode()])
    old = Registry.__new__(Registry)  # only its hashing, on the old tables
    old.key = KEY
    for m in MEMBERS:
        db.execute("INSERT INTO sms_members VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   [m.member_no, m.brn, m.company, m.ceo_name, m.ceo_mobile, old.ref(m.ceo_mobile), m.branch,
                    store_v1["at"], store_v1["at"]])
    rows = [("1001", "홍길동", "담당자", STAFF, "typed", "active", "c1"),
            ("1001", "김대표", "대표이사", CEO_1, "contact", "active", "c2"),
            ("1002", "김담당", "담당자", OTHER, "contact", "opted_out", "c3")]
    for member, name, role, phone, verification, status, chat in rows:
        db.execute("INSERT INTO sms_recipients (member_no, name, role, phone, phone_hash, verification, status,"
                   " consent_at, consent_version, chat_id, created_at, updated_at)"
                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'v1', ?, ?, ?)",
                   [member, name, role, phone, old.ref(phone), verification, status, store_v1["at"], chat,
                    store_v1["at"], store_v1["at"]])
    store = registry(db, members=False)
    got = {e.phone: (e.status, e.approved_by, e.consent_version) for e in store.list_recipients(include_inactive=True)
           if e.recipient_id is not None}
    assert got == {STAFF: ("pending", None, "v1"), CEO_1: ("active", "ceo", "v1"), OTHER: ("opted_out", None, "v1")}
    assert [a["action"] for a in store.audit_log()] == ["await_approval"]


def test_the_key_lives_beside_the_database_and_a_wrong_key_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BOT_SMS_KEY", raising=False)
    path = tmp_path / "bot.sqlite3"
    first = Registry(open_db(path))
    assert key_path(path).exists() and oct(key_path(path).stat().st_mode & 0o777) == "0o600"
    again = Registry(open_db(path))
    assert again.ref(STAFF) == first.ref(STAFF) != Registry(open_db(None)).ref(STAFF)
    with pytest.raises(KeyFileError, match="키"):
        Registry(open_db(path), key=b"another key")
    monkeypatch.setenv("BOT_SMS_KEY", "from the environment")
    with pytest.raises(StorageFault, match="키"):
        Registry(open_db(path), key=Settings.from_env().sms_key)


def test_a_missing_or_empty_key_file_is_an_error_never_a_new_or_inner_key(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    Registry(open_db(path)).import_members(MEMBERS)
    key_file = key_path(path)
    key = key_file.read_bytes()
    key_file.write_bytes(b"")
    with pytest.raises(KeyFileError, match="비어 있습니다"):
        Registry(open_db(path))
    key_file.unlink()
    with pytest.raises(KeyFileError, match="키 파일이 없습니다"):
        Registry(open_db(path))
    assert not key_file.exists()  # no new key was made in its place
    db = open_db(path)
    assert db.execute("SELECT count(*) FROM sms_meta WHERE key = 'memory_key'").fetchone()[0] == 0
    key_file.write_bytes(key)
    key_file.chmod(0o644)
    assert Registry(open_db(path)).get_member("1001") is not None
    assert key_file.stat().st_mode & 0o777 == 0o600  # a wider key file is tightened when read


def test_the_hash_is_keyed() -> None:
    assert registry().ref(STAFF) == Registry(open_db(None), key=KEY).ref(STAFF)
    assert Registry(open_db(None), key=b"other").ref(STAFF) != registry().ref(STAFF)


def test_register_for_an_unknown_member_is_an_error() -> None:
    with pytest.raises(RegistryError):
        registry().register(staff_registration("9999"), ADDER)


def test_consents_keep_the_version_they_were_given_under() -> None:
    store = registry(clock=Ticking(dt.datetime(2026, 1, 5, tzinfo=dt.UTC)))
    old_id = active(store)
    store.db.execute("UPDATE sms_recipients SET consent_version = 'v1' WHERE id = ?", [old_id])
    active(store, "1002")
    versions = {e.member_no: e.consent_version for e in store.active_recipients() if e.recipient_id is not None}
    assert versions == {"1001": "v1", "1002": "v2"}
