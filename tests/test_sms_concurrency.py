"""Many writers on one database file: 50 processes registering and opting out at once lose
nothing and duplicate nothing, and the audit log replays to the table; a writer killed with
SIGKILL in the middle of a batch leaves a consistent database holding every acknowledged
change. Every child is bounded in time and the test stops by itself."""

from __future__ import annotations

import multiprocessing
import os
import random
import select
import signal
import time
from pathlib import Path
from typing import Any

import pytest
from test_sms_support import CEO_1, MEMBERS

from bot.sms.registry import Member, Registration, Registry, Requester
from bot.sms.schema import SCHEMA
from bot.storage import open_db

WORKERS = 50
SHARED = "+821098765432"
DEADLINE = 30.0
CONTEXT = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")


def own_number(n: int) -> str:
    return f"+8210200{n:05d}"


def worker(path: str, n: int, start: Any, results: Any) -> None:
    """One member's staff: request their own number (shared from their phone) and the office's
    shared one (typed), the CEO opts out; every second worker then opts their own number out."""
    start.wait(DEADLINE)
    store = Registry(open_db(path))
    chat = Requester.chat(f"p{n}", own_number(n))
    member = MEMBERS[n % len(MEMBERS)].member_no
    own = store.register(Registration(member, "직원", "담당자", own_number(n), "contact", "v2"), chat)[0]
    shared = store.register(Registration("1001", "공용", "담당자", SHARED, "typed", "v2"), chat)[0]
    ceo = store.opt_out(CEO_1, Requester.chat(f"ceo{n}", CEO_1))
    out = store.opt_out(own_number(n), chat) if n % 2 == 0 else None
    results.put((n, own, shared, len(ceo.changed), None if out is None else len(out.changed)))


def first_use(path: str, results: Any) -> None:
    """Open a brand-new database: migrations and the key file are created by whoever is first."""
    store = Registry(open_db(path))
    results.put(store.ref(SHARED))


def run_all(processes: list[Any]) -> None:
    for p in processes:
        p.start()
    deadline = time.monotonic() + DEADLINE
    for p in processes:
        p.join(max(0.1, deadline - time.monotonic()))
    stuck = [p for p in processes if p.is_alive()]
    for p in stuck:
        p.kill()
    assert not stuck, f"{len(stuck)} workers did not finish in {DEADLINE} s"
    assert all(p.exitcode == 0 for p in processes), [p.exitcode for p in processes]


def drain(queue: Any, count: int) -> list[Any]:
    return [queue.get(timeout=DEADLINE) for _ in range(count)]


@pytest.fixture(autouse=True)
def _file_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BOT_SMS_KEY", raising=False)


def replayed_status(audit: list[dict[str, Any]]) -> dict[int, str]:
    """Each recipient's status as its audit lines tell it."""
    status: dict[int, str] = {}
    effect = {"register": "pending", "reregister": "pending", "ceo_row": "active", "opt_in": "active",
              "opt_out": "opted_out", "erase": "opted_out", "approve": "active"}
    for line in audit:
        if line["recipient_id"] is not None:
            status[line["recipient_id"]] = effect[line["action"]]
    return status


def test_fifty_processes_register_and_opt_out_at_once(tmp_path: Path) -> None:
    path = str(tmp_path / "bot.sqlite3")
    setup = Registry(open_db(path))
    setup.import_members(MEMBERS)
    setup.db.close()  # no SQLite connection may cross a fork into the workers
    start, results = CONTEXT.Barrier(WORKERS), CONTEXT.Queue()
    run_all([CONTEXT.Process(target=worker, args=(path, n, start, results)) for n in range(WORKERS)])
    outcomes = sorted(drain(results, WORKERS))

    assert [o[1] for o in outcomes] == ["created"] * WORKERS
    assert sorted(o[2] for o in outcomes) == ["created"] + ["held"] * (WORKERS - 1)
    assert sum(o[3] for o in outcomes) == 1  # the CEO's opt-out happened once
    assert [o[4] for o in outcomes if o[0] % 2 == 0] == [1] * (WORKERS // 2)

    store = Registry(open_db(path))
    assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    rows = store.db.execute("SELECT id, member_no, phone, status FROM sms_recipients").fetchall()
    assert len(rows) == WORKERS + 2  # own numbers, the shared one, the CEO's opt-out
    by_phone = {(member, phone): status for _, member, phone, status in rows}
    for n in range(WORKERS):
        member = MEMBERS[n % len(MEMBERS)].member_no
        assert by_phone[(member, own_number(n))] == ("opted_out" if n % 2 == 0 else "pending")
    assert by_phone[("1001", SHARED)] == "pending"
    assert by_phone[("1001", CEO_1)] == "opted_out"

    audit = store.audit_log()
    actions = [a["action"] for a in audit if a["recipient_id"] is not None]
    assert actions.count("register") == WORKERS + 1
    assert actions.count("ceo_row") == 1
    assert actions.count("opt_out") == WORKERS // 2 + 1
    assert replayed_status(audit) == {rid: status for rid, _, _, status in rows}


def test_many_processes_opening_a_new_database_agree_on_schema_and_key(tmp_path: Path) -> None:
    path = str(tmp_path / "new.sqlite3")
    results = CONTEXT.Queue()
    run_all([CONTEXT.Process(target=first_use, args=(path, results)) for _ in range(12)])
    assert len(set(drain(results, 12))) == 1
    db = open_db(path)
    assert db.execute("SELECT count(*) FROM schema_migrations WHERE component = 'sms'").fetchone()[0] == len(SCHEMA)
    assert not list(tmp_path.glob("*.tmp"))


BATCH = 400


def batch_members(k: int) -> list[Member]:
    return [Member(f"B{i:04d}", _brn(i), f"회사{k}", "김대표", f"+8210300{i:05d}", "종로지점") for i in range(BATCH)]


def _brn(i: int) -> str:
    from bot.sms.kr_ids import brn_checksum_ok

    head = f"2208{i:05d}"
    return next(head + str(d) for d in range(10) if brn_checksum_ok(head + str(d)))


def crash_writer(path: str, ack_fd: int) -> None:
    """Write until killed: single registrations and whole-list imports, acknowledging each one
    only after its transaction committed."""
    store = Registry(open_db(path))
    lists = [batch_members(k) for k in range(2)]
    for n in range(100_000):
        if n % 5 == 4:
            store.import_members(lists[(n // 5) % 2])
            os.write(ack_fd, f"M {(n // 5) % 2}\n".encode())
        else:
            store.register(Registration("1001", "직원", "담당자", own_number(n), "typed", "v2"), Requester.chat("w"))
            os.write(ack_fd, f"R {n}\n".encode())


class Acks:
    """Lines the writer sent after each commit, read as they come and to the end after the kill."""

    def __init__(self, fd: int) -> None:
        self.fd, self.buffer = fd, b""
        self.lines: list[str] = []

    def read(self, until: int | None = None) -> list[str]:
        """Until `until` lines arrived, or (None) until the writer's end of the pipe closed."""
        deadline = time.monotonic() + DEADLINE
        while (until is None or len(self.lines) < until) and time.monotonic() < deadline:
            ready, _, _ = select.select([self.fd], [], [], 0.5)
            if not ready:
                continue
            chunk = os.read(self.fd, 65536)
            if not chunk:
                break
            *complete, self.buffer = (self.buffer + chunk).split(b"\n")
            self.lines += [line.decode() for line in complete]
        return self.lines


@pytest.mark.parametrize("round_", range(3))
def test_a_writer_killed_mid_batch_leaves_every_acknowledged_change(tmp_path: Path, round_: int) -> None:
    path = str(tmp_path / "bot.sqlite3")
    setup = Registry(open_db(path))
    setup.import_members(MEMBERS)
    setup.db.close()  # no SQLite connection may cross a fork into the child
    read_fd, write_fd = os.pipe()
    child = CONTEXT.Process(target=crash_writer, args=(path, write_fd))
    child.start()
    os.close(write_fd)
    reader = Acks(read_fd)
    try:
        reader.read(40 + 15 * round_)
        time.sleep(random.random() * 0.01)  # land anywhere in the next transaction
        os.kill(child.pid, signal.SIGKILL)  # type: ignore[arg-type]
        child.join(DEADLINE)
        acks = reader.read()
    finally:
        if child.is_alive():
            child.kill()
        os.close(read_fd)
    assert child.exitcode == -signal.SIGKILL and len(acks) >= 40

    store = Registry(open_db(path))
    assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    registered = {p for (p,) in store.db.execute("SELECT phone FROM sms_recipients").fetchall()}
    acked = {own_number(int(a.split()[1])) for a in acks if a.startswith("R ")}
    assert acked <= registered and len(registered - acked) <= 1
    companies = store.db.execute(
        "SELECT company, count(*) FROM sms_members WHERE member_no LIKE 'B%' GROUP BY company").fetchall()
    assert len(companies) <= 1 and all(count == BATCH for _, count in companies)  # whole lists only
    imports = [a for a in acks if a.startswith("M ")]
    if imports:
        assert companies, "an acknowledged import must be there"
    audit = store.audit_log()
    assert sum(a["action"] == "register" for a in audit) == len(registered)
    assert sum(str(a["member_no"]).startswith("B") for a in audit) % BATCH == 0
