"""Backup and restore times for a large register: `python scripts/bench_backup.py [--recipients
100000] [--members 20000] [--repeat 3]`.

The register is built in a temporary folder on the real schema: members imported through the
Registry, then recipients (active with consent, opted out, erased) and their audit lines written
in bulk, as years of use would leave them. Timed, each the median of --repeat runs:

- `bot backup`'s work (make_backup: online copy, integrity_check, row counts, manifest);
- `bot restore`'s work (restore: copy, integrity_check, checks, set aside, carrying over the
  opt-outs made after the backup, move into place), with --late opt-outs to carry;
- `bot health`'s database check (PRAGMA quick_check, read-only)."""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bot.app import migrate_database
from bot.ops.backup import make_backup
from bot.ops.health import database_problem
from bot.ops.restore import Restored, restore
from bot.sms.registry import Member, Registry, Requester
from bot.storage import open_db, transaction

KEY = b"bench-key"
NOW = dt.datetime(2026, 11, 22, 18, 0, tzinfo=dt.UTC)


def build(path: Path, members: int, recipients: int, rng: random.Random) -> Registry:
    store = Registry(open_db(path), key=KEY)
    migrate_database(store.db)
    store.import_members([Member(f"{10_000 + n}", f"{1_000_000_000 + n}", f"건설{n}(주)", f"대표{n}",
                                 f"+82101{n:07d}", "서울지점") for n in range(members)])
    now = NOW.isoformat(timespec="seconds")
    rows: list[tuple[object, ...]] = []
    audit: list[tuple[object, ...]] = []
    for n in range(recipients):
        member, phone = f"{10_000 + rng.randrange(members)}", f"+82109{n:07d}"
        digest, kind = store.ref(phone), rng.random()
        if kind < 0.80:
            rows.append((n + 1, member, f"담당{n}", phone, digest, "active", now, "v1", f"{n}", now, now, None))
        elif kind < 0.95:
            rows.append((n + 1, member, f"담당{n}", phone, digest, "opted_out", now, "v1", f"{n}", now, now, None))
        else:  # erased: only the hash and the opt-out are left
            rows.append((n + 1, member, None, None, digest, "opted_out", None, None, None, now, now, now))
        audit.append((now, f"chat:{n}", "register", member, n + 1, digest, "role=담당자 verification=staff consent=v1"))
    with transaction(store.db):
        store.db.conn.executemany(
            "INSERT INTO sms_recipients (id, member_no, name, role, phone, phone_hash, verification, status,"
            " consent_at, consent_version, chat_id, created_at, updated_at, erased_at, approved_by)"
            # Approved by a branch after a call, which also proves the number (bot sms approve).
            " VALUES (?, ?, ?, '담당자', ?, ?, 'staff', ?, ?, ?, ?, ?, ?, ?, 'staff')", rows)
        store.db.conn.executemany(
            "INSERT INTO sms_audit (at, actor, action, member_no, recipient_id, phone_ref, detail)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)", audit)
    return store


def timed(run: Callable[[], object], repeat: int, before: Callable[[], object] = lambda: None) -> float:
    seconds = []
    for _ in range(repeat):
        before()
        start = time.perf_counter()
        run()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--late", type=int, default=1_000, help="opt-outs after the backup, carried by the restore")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "bot.sqlite3"
        start = time.perf_counter()
        store = build(path, args.members, args.recipients, rng)
        built = time.perf_counter() - start

        backups = folder / "backups"
        backup_s = timed(lambda: make_backup(path, backups, keep=args.repeat, sms_key=KEY, now=NOW), args.repeat)
        archive = make_backup(path, backups, keep=args.repeat + 1, sms_key=KEY, now=NOW)

        staff = Requester.branch_staff()
        active = [r[0] for r in store.db.execute(
            "SELECT phone FROM sms_recipients WHERE status = 'active' ORDER BY id LIMIT ?", [args.late])]
        for phone in active:
            store.opt_out(phone, staff)
        store.db.close()
        current = folder / "current.sqlite3"
        shutil.copyfile(path, current)

        def put_current() -> None:
            for extra in folder.glob("bot.sqlite3*"):
                if ".before-restore-" in extra.name:
                    extra.unlink()
            shutil.copyfile(current, path)

        restored: list[Restored] = []
        restore_s = timed(lambda: restored.append(restore(archive.path, path, sms_key=KEY)), args.repeat, put_current)
        carried = restored[-1].carried
        health_s = timed(lambda: database_problem(path), args.repeat)

        counts = archive.manifest.counts
        print(f"register: {counts['sms_recipients']:,} recipients, {counts['sms_members']:,} members,"
              f" {counts['sms_audit']:,} audit lines; {path.stat().st_size / 1e6:.1f} MB (built in {built:.1f} s)")
        print(f"backup  (make_backup, median of {args.repeat}): {backup_s:.2f} s; archive {archive.size / 1e6:.1f} MB")
        print(f"restore (restore, median of {args.repeat}): {restore_s:.2f} s; carried"
              f" {carried.opt_outs if carried else 0:,} opt-outs made after the backup")
        print(f"health  (quick_check, median of {args.repeat}): {health_s:.2f} s")


if __name__ == "__main__":
    main()
