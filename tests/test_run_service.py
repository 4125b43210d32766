"""`bot run` as a service: the nightly backup is scheduled on the JobQueue (Korean time) and
makes an archive; a real `bot run` process polling the fake Bot API holds the database's lock
(a second `bot run` and a `bot restore` are refused while it runs, `bot backup` works beside it),
keeps a heartbeat that makes `bot health --live` pass, and on SIGTERM lets go of both."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import sys
from pathlib import Path

import pytest
from conftest import StartBot
from fakebotapi import FakeBotApi

from bot.cli import main
from bot.handlers.upkeep import NIGHTLY_BACKUP
from bot.korean.clock import SEOUL
from bot.ops.archive import archives
from bot.settings import Settings, SettingsError
from bot.sms.registry import Registry
from bot.storage import open_db

ROOT = Path(__file__).resolve().parent.parent
USER = 1001
START_UP = 60.0  # seconds `bot run` may take to load the knowledge and reach the fake server


async def test_the_nightly_backup_is_scheduled_at_three_korean_time_and_makes_an_archive(
        start_bot: StartBot, tmp_path: Path) -> None:
    folder = tmp_path / "nightly"
    async with start_bot(BOT_BACKUP_DIR=str(folder), BOT_BACKUP_KEEP="5") as application:
        (job,) = application.job_queue.get_jobs_by_name(NIGHTLY_BACKUP)
        due = job.next_t.astimezone(SEOUL)
        assert (due.hour, due.minute, due.second) == (3, 0, 0)
        assert dt.timedelta(0) < due - dt.datetime.now(SEOUL) <= dt.timedelta(days=1)
        await job.run(application)
    (made,) = archives(folder)
    assert made.stat().st_mode & 0o777 == 0o600


async def test_without_a_backup_folder_no_nightly_backup_is_scheduled(start_bot: StartBot) -> None:
    async with start_bot() as application:
        assert application.job_queue.get_jobs_by_name(NIGHTLY_BACKUP) == ()


async def bot(*args: str, env: dict[str, str]) -> tuple[int, str, str]:
    """Run `bot ARGS` to the end without blocking the loop the fake server answers on."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, env=env, cwd=ROOT,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), START_UP)
    return process.returncode or 0, out.decode(), err.decode()


async def wait_for_file(path: Path) -> None:
    async with asyncio.timeout(START_UP):
        while not path.exists():
            await asyncio.sleep(0.05)


async def test_a_running_bot_holds_the_lock_keeps_a_heartbeat_and_lets_go_on_sigterm(
        fake_api: FakeBotApi, bot_env: dict[str, str], tmp_path: Path) -> None:
    env = {**bot_env, "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PTB_TIMEDELTA": "true",
           "BOT_LOG_LEVEL": "INFO"}
    db = Path(env["BOT_DB"])
    running = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=env, cwd=ROOT,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        await fake_api.wait_for("setMyCommands", timeout=START_UP)
        assert (await fake_api.ask(USER, "/help")).text  # it serves
        await wait_for_file(Path(f"{db}.heartbeat"))

        code, out, _ = await bot("health", "--live", env=env)
        assert code == 0 and out.startswith("정상: ") and "(polling, pid " in out

        code, out, _ = await bot("backup", "--to", str(tmp_path / "b"), env=env)
        assert code == 0, out
        (archive,) = archives(tmp_path / "b")

        code, _, err = await bot("restore", str(archive), env=env)
        assert code == 1
        assert err.startswith(f"복원하지 않았습니다. 봇이 이 데이터베이스를 쓰고 있어 복원하지 않았습니다"
                              f"(bot run (pid {running.pid})).")

        code, _, err = await bot("run", env=env)
        assert (code, err) == (1, f"이 데이터베이스({db})로 이미 봇이 실행 중입니다(bot run (pid {running.pid})).\n")
    finally:
        if running.returncode is None:
            running.send_signal(signal.SIGTERM)
        _, logged = await asyncio.wait_for(running.communicate(), START_UP)
    assert running.returncode == 0, logged.decode()[-2000:]
    assert not Path(f"{db}.heartbeat").exists()
    for line in logged.decode().splitlines():  # one line each, with level and component
        assert any(f" {level} " in line for level in ("DEBUG", "INFO", "WARNING", "ERROR")), line
    code, out, _ = await bot("health", "--live", env=env)
    assert code == 1 and "하트비트가 없습니다" in out
    code, _, err = await bot("restore", str(archive), env=env)
    assert code == 0, err



def test_the_service_settings_are_read_from_the_environment() -> None:
    settings = Settings.from_env({"BOT_BACKUP_DIR": "/var/lib/johap-doumi/backups", "BOT_BACKUP_KEEP": "30",
                                  "BOT_BACKUP_TIME": "2:30", "BOT_HEALTH_PORT": "8080"})
    assert (settings.backup_dir, settings.backup_keep, settings.backup_time, settings.health_port) == (
        Path("/var/lib/johap-doumi/backups"), 30, dt.time(2, 30), 8080)
    default = Settings.from_env({"BOT_BACKUP_DIR": "", "BOT_HEALTH_PORT": ""})
    assert (default.backup_dir, default.backup_keep, default.backup_time, default.health_port) == (
        None, 14, dt.time(3, 0), None)


@pytest.mark.parametrize("name, value, said", [
    ("BOT_BACKUP_KEEP", "0", "BOT_BACKUP_KEEP에는 1 이상의 숫자(남겨 둘 백업 수)를 적어 주세요: '0'"),
    ("BOT_BACKUP_KEEP", "many", "BOT_BACKUP_KEEP에는 숫자를 적어 주세요: 'many'"),
    ("BOT_BACKUP_TIME", "25:00", "BOT_BACKUP_TIME에는 03:00 같은 시:분을 적어 주세요: '25:00'"),
    ("BOT_BACKUP_TIME", "새벽", "BOT_BACKUP_TIME에는 03:00 같은 시:분을 적어 주세요: '새벽'"),
    ("BOT_HEALTH_PORT", "70000", "BOT_HEALTH_PORT에는 1~65535 사이의 포트 번호를 적어 주세요: '70000'"),
])
def test_an_unusable_service_setting_is_named(name: str, value: str, said: str) -> None:
    with pytest.raises(SettingsError) as refused:
        Settings.from_env({name: value})
    assert str(refused.value) == said


async def test_bot_run_on_a_damaged_database_stops_with_exit_3_and_why(bot_env: dict[str, str]) -> None:
    """Exit 3 (a storage fault) is what the systemd unit does not restart on, with 2: restarting
    would not mend it."""
    env = {**bot_env, "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PTB_TIMEDELTA": "true"}
    Path(env["BOT_DB"]).write_bytes(b"not a database, a failing disk's leftovers" * 100)
    code, out, err = await bot("run", env=env)
    assert (code, out) == (3, "")
    assert err.startswith("저장소 오류: 데이터베이스가 손상되었거나 데이터베이스 파일이 아닙니다.")
    assert "`bot restore`" in err and err.count("\n") == 1


def test_bot_run_with_a_key_that_is_not_the_database_s_stops_with_exit_3_and_why(
        bot_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    Registry(open_db(bot_env["BOT_DB"]), key=b"the first key").db.close()
    for name, value in {**bot_env, "BOT_SMS_KEY": "another key"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr("bot.cli.configure_logging", lambda level, fmt: None)  # leave pytest's logging be
    with pytest.raises(SystemExit) as stopped:
        main(["run"])
    assert stopped.value.code == 3
    assert capsys.readouterr().err.startswith("저장소 오류: 문자 수신자 저장소의 키가 데이터베이스와 맞지 않습니다.")
