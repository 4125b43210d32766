"""`bot health` and /healthz: a sound database and knowledge folder are healthy, a broken
database (or a broken knowledge file, or no database) is not, each said in one line; `--live`
also wants a recent heartbeat from `bot run`; /healthz answers as `--live` on its own port, in a
webhook deployment, and serves nothing else."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from conftest import services_on
from fakebotapi import FakeBotApi
from test_backup import damage, register_db

from bot.app import Services
from bot.ops import healthz
from bot.ops.health import Health, KnowledgeWatch, check_health, heartbeat_status
from bot.ops.healthz import HealthServer
from bot.ops.heartbeat import Heartbeat, heartbeat_path
from bot.settings import DEFAULT_KNOWLEDGE_DIR, Settings

ROOT = Path(__file__).resolve().parent.parent
NOW = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.UTC)


def beat_at(db: Path, when: dt.datetime, mode: str = "polling") -> None:
    Heartbeat(heartbeat_path(db), mode=mode, clock=lambda: when).beat()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "bot.sqlite3"
    register_db(path).db.close()
    return path


def test_a_sound_database_and_knowledge_are_healthy(db: Path) -> None:
    health = check_health(Settings(db_path=db), live=False)
    assert health == Health(True, "정상: 데이터베이스 이상 없음(quick_check), 지식 파일 이상 없음")


def test_a_broken_database_is_unhealthy(db: Path) -> None:
    damage(db)
    health = check_health(Settings(db_path=db), live=False)
    assert health == Health(False, "비정상: 데이터베이스를 읽을 수 없습니다(database disk image is malformed)")


def test_a_missing_database_is_unhealthy_and_not_created(tmp_path: Path) -> None:
    health = check_health(Settings(db_path=tmp_path / "bot.sqlite3"), live=False)
    assert health == Health(False, f"비정상: 데이터베이스 파일이 없습니다({tmp_path / 'bot.sqlite3'})")
    assert list(tmp_path.iterdir()) == []


def test_a_broken_knowledge_file_is_unhealthy_with_its_line(db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_KNOWLEDGE_DIR, folder)
    (folder / "branches.csv").write_text("지점,전화\n서울지점\n", encoding="utf-8")
    health = check_health(Settings(db_path=db, knowledge_dir=folder), live=False)
    assert not health.ok
    assert health.line.startswith("비정상: 지식 파일에 문제가 있습니다(branches.csv ")
    assert health.line.endswith("; `bot kb check`로 모두 볼 수 있습니다)")
    assert "\n" not in health.line


@pytest.mark.parametrize("age, ok, said", [
    (3, True, "마지막 텔레그램 연결 3초 전(polling, pid "),
    (119, True, "마지막 텔레그램 연결 119초 전(polling, pid "),
    (121, False, "bot run이 121초 동안 텔레그램과 연결되지 않았습니다(허용 120초)"),
])
def test_live_wants_a_recent_heartbeat(db: Path, age: int, ok: bool, said: str) -> None:
    beat_at(db, NOW - dt.timedelta(seconds=age))
    health = check_health(Settings(db_path=db), live=True, now=NOW)
    assert health.ok is ok and said in health.line


def test_live_without_a_heartbeat_is_unhealthy(db: Path) -> None:
    assert heartbeat_status(db, NOW, 120) == (
        False, "bot run의 하트비트가 없습니다(실행 중이 아니거나 아직 텔레그램에 연결하지 못했습니다)")


def test_a_heartbeat_is_written_at_most_every_ten_seconds_and_cleared_at_stop(db: Path) -> None:
    times = iter([NOW, NOW + dt.timedelta(seconds=1)])
    heartbeat = Heartbeat(heartbeat_path(db), mode="webhook", clock=lambda: next(times))
    heartbeat.beat()
    heartbeat.beat()  # too soon: not written again (the clock is not even read)
    path = heartbeat_path(db)
    assert path is not None
    assert json.loads(path.read_text(encoding="utf-8")) == {
        "at": "2026-11-22T09:00:00+00:00", "pid": os.getpid(), "mode": "webhook"}
    assert path.stat().st_mode & 0o777 == 0o600
    heartbeat.clear()
    assert not path.exists()


def test_the_knowledge_watch_checks_again_only_when_a_file_changes(tmp_path: Path) -> None:
    folder = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_KNOWLEDGE_DIR, folder)
    watch = KnowledgeWatch(folder)
    assert watch() == []
    (folder / "places.csv").write_text("broken\n", encoding="utf-8")
    assert watch() != [] and watch()[0].startswith("places.csv ")
    shutil.rmtree(folder)
    assert watch()[0].startswith("faq.yaml ")  # a folder that is gone is not healthy


def bot_health(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "BOT_DB": str(db), "PTB_TIMEDELTA": "true"}
    return subprocess.run([sys.executable, "-m", "bot", "health", *args], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120)


def test_bot_health_exits_0_on_a_sound_bot_and_1_on_a_broken_database(db: Path) -> None:
    sound = bot_health(db=db)
    assert (sound.returncode, sound.stdout, sound.stderr) == (
        0, "정상: 데이터베이스 이상 없음(quick_check), 지식 파일 이상 없음\n", "")
    damage(db)
    broken = bot_health(db=db)
    assert (broken.returncode, broken.stdout, broken.stderr) == (
        1, "비정상: 데이터베이스를 읽을 수 없습니다(database disk image is malformed)\n", "")


def test_bot_health_live_exits_1_when_the_heartbeat_is_old(db: Path) -> None:
    beat_at(db, dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
    out = bot_health("--live", "--max-age", "600", db=db)
    assert out.returncode == 1
    assert out.stdout.startswith("비정상: bot run이 36") and out.stdout.endswith("초 동안 텔레그램과 연결되지 않았습니다(허용 600초)\n")


# -- /healthz --------------------------------------------------------------------------------


async def get(port: int, path: str = "/healthz", method: str = "GET") -> httpx.Response:
    async with httpx.AsyncClient() as client:
        return await client.request(method, f"http://127.0.0.1:{port}{path}", timeout=10)


async def test_healthz_answers_200_or_503_with_the_line_and_nothing_else(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(healthz, "REUSE_FOR", 0.0)
    answers = iter([Health(True, "정상: 전부 이상 없음"), Health(False, "비정상: 데이터베이스가 손상되었습니다")])
    server = HealthServer(lambda: next(answers), "127.0.0.1", 0)
    await server.start()
    try:
        ok, broken = await get(server.port), await get(server.port)
        assert (ok.status_code, ok.text) == (200, "정상: 전부 이상 없음\n")
        assert (broken.status_code, broken.text) == (503, "비정상: 데이터베이스가 손상되었습니다\n")
        assert ok.headers["content-type"] == "text/plain; charset=utf-8"
        assert (await get(server.port, "/")).status_code == 404
        assert (await get(server.port, "/healthz", "POST")).status_code == 405
    finally:
        await server.stop()


async def test_healthz_reuses_an_answer_for_a_few_seconds() -> None:
    calls: list[int] = []

    def check() -> Health:
        calls.append(1)
        return Health(True, "정상")

    server = HealthServer(check, "127.0.0.1", 0)
    await server.start()
    try:
        await asyncio.gather(*(get(server.port) for _ in range(20)))
    finally:
        await server.stop()
    assert len(calls) == 1


async def test_healthz_drops_a_request_that_never_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(healthz, "READ_TIMEOUT", 0.2)
    server = HealthServer(lambda: Health(True, "정상"), "127.0.0.1", 0)
    await server.start()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # and never the blank line
        assert await asyncio.wait_for(reader.read(), 5) == b""  # closed without an answer
        writer.close()
    finally:
        await server.stop()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_healthz_of_a_webhook_bot_is_503_once_its_database_breaks(
        fake_api: FakeBotApi, bot_env: dict[str, str], base_services: Services,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.telegram_app import build_application, webhook_options

    monkeypatch.setattr(healthz, "REUSE_FOR", 0.0)
    port = free_port()
    settings = Settings.from_env({**bot_env, "BOT_WEBHOOK_URL": "https://bot.example.org/telegram/hook",
                                  "BOT_WEBHOOK_SECRET": "s3cret-token", "BOT_WEBHOOK_LISTEN": "127.0.0.1",
                                  "BOT_WEBHOOK_PORT": str(free_port()), "BOT_HEALTH_PORT": str(port)})
    services = services_on(base_services, settings)
    application = build_application(settings, services)
    async with application:
        await application.updater.start_webhook(**webhook_options(settings))
        await application.start()
        assert application.post_init is not None and application.post_shutdown is not None
        await application.post_init(application)
        try:
            await fake_api.wait_for("getWebhookInfo")  # the webhook check: Telegram keeps our webhook
            healthy = await get(port)
            assert healthy.status_code == 200, healthy.text
            assert re.fullmatch(r"정상: 데이터베이스 이상 없음\(quick_check\), 지식 파일 이상 없음,"
                                r" 마지막 텔레그램 연결 \d+초 전\(webhook, pid \d+\)\n", healthy.text)
            damage(settings.db_path)
            broken = await get(port)
            assert (broken.status_code, broken.text) == (
                503, "비정상: 데이터베이스를 읽을 수 없습니다(database disk image is malformed)\n")
        finally:
            await application.updater.stop()
            await application.stop()
            await application.post_shutdown(application)
            services.db.close()
    with pytest.raises(httpx.ConnectError):
        await get(port)  # stopped with the bot
    assert not Path(str(settings.db_path) + ".heartbeat").exists()
