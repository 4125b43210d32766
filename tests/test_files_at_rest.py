"""The files that hold names and numbers: BOT_DB and its -wal and -shm are readable by their owner
only (created so, and tightened when found wider), and an erasure leaves no copy of the number or
the name in any of them (secure_delete, and the write-ahead log folded back and emptied)."""

from __future__ import annotations

import os
from pathlib import Path

from test_sms_support import MEMBERS, STAFF, Chat, approve_by_branch, register, registry, sms_engine
from test_sms_support import service as sms_service

from bot.sms.registry import Registry
from bot.storage import open_db
from bot.storage.csv_files import write_private_csv

COMPANIONS = ("", "-wal", "-shm")


def modes(path: Path) -> dict[str, str]:
    return {suffix or "db": oct(Path(f"{path}{suffix}").stat().st_mode & 0o777) for suffix in COMPANIONS
            if Path(f"{path}{suffix}").exists()}


def test_a_new_database_and_its_companions_are_readable_by_the_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "new" / "bot.sqlite3"
    old_umask = os.umask(0o022)
    try:
        db = open_db(path)
        Registry(db).import_members(MEMBERS)
    finally:
        os.umask(old_umask)
    assert modes(path) == {"db": "0o600", "-wal": "0o600", "-shm": "0o600"}
    assert oct(path.parent.stat().st_mode & 0o777) == "0o700"


def test_an_existing_wider_database_is_tightened_when_opened(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    db = open_db(path)
    Registry(db).import_members(MEMBERS)
    for suffix in COMPANIONS:
        Path(f"{path}{suffix}").chmod(0o644)
    open_db(path)
    assert set(modes(path).values()) == {"0o600"}


def bytes_of(path: Path) -> bytes:
    return b"".join(Path(f"{path}{suffix}").read_bytes() for suffix in COMPANIONS if Path(f"{path}{suffix}").exists())


def traces(data: bytes, phone: str, name: str) -> list[str]:
    """Where the number (however written) or the name still is in the files' bytes."""
    local = "0" + phone[3:]
    shapes = [phone, local, phone[3:], f"{local[:3]}-{local[3:7]}-{local[7:]}", f"{local[3:7]}-{local[7:]}", name]
    return [shape for shape in shapes if shape.encode("utf-8") in data]


def test_an_erased_number_and_name_survive_nowhere_in_the_files(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    store = registry(open_db(path))
    chat = Chat(sms_engine(store), "owner")
    register(chat, name="나지움", contact=STAFF)
    approve_by_branch(store)
    assert traces(bytes_of(path), STAFF, "나지움")  # it is there while it is held
    # The company's outbox (the approval news with the name) goes to the gateway first.
    sms_service(store).outbox.hand_over(lambda messages: write_private_csv(tmp_path / "out.csv", ["x"], []))
    chat.say("/cancel")
    chat.say("내 번호 삭제해 주세요")
    chat.share(STAFF)
    chat.tap("yes")
    sms_service(store).outbox.hand_over(lambda messages: write_private_csv(tmp_path / "out2.csv", ["x"], []))
    # A second person who typed a name and number, then refused consent: kept in no file either.
    other = Chat(chat.bot, "refuser")
    register(other, name="다버림", phone="010-4646-4646", agree=False)
    data = bytes_of(path)
    assert traces(data, STAFF, "나지움") == []
    assert traces(data, "+821046464646", "다버림") == []
