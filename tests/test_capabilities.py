"""What each capability declares once, read from its class: commands with their help (and a row in
the README's table of Telegram commands), menu buttons, the FAQ actions; and the app builds
exactly the capabilities it declares, in that order."""

from __future__ import annotations

import re
from pathlib import Path

from bot.app import CAPABILITIES, build_capabilities, faq_actions
from bot.conversation import Event
from bot.engine import command_list
from support import engine, services

README = Path(__file__).resolve().parent.parent / "README.md"


def readme_commands() -> list[str]:
    """The commands in the first column of the README's "Telegram commands" table."""
    section = README.read_text(encoding="utf-8").split("## Telegram commands", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `/(\w+)` \|", section, re.MULTILINE)


def test_every_command_has_help_text_and_a_row_in_the_readme() -> None:
    commands = command_list(CAPABILITIES, admin=True)
    assert [c.name for c in commands if not c.help.strip()] == []
    assert sorted(readme_commands()) == sorted(c.name for c in commands)


def test_the_command_list_puts_the_admins_own_last() -> None:
    everyone = [c.name for c in command_list(CAPABILITIES)]
    admins = [c.name for c in command_list(CAPABILITIES, admin=True)]
    assert everyone == ["start", "help", "branch", "deadline", "sms", "cancel"]
    assert admins == [*everyone, "report", "inbox", "reload"]


def test_the_app_builds_what_it_declares_in_the_same_order() -> None:
    assert [type(c) for c in build_capabilities(services())] == list(CAPABILITIES)


def test_faq_actions_are_commands_the_capabilities_serve() -> None:
    actions = faq_actions()
    assert sorted(actions) == ["branch", "deadline", "deadline:mileage", "deadline:notice", "deadline:rating", "sms"]
    owners = {cmd.name for cap in CAPABILITIES for cmd in cap.commands}
    assert {a.partition(":")[0] for a in actions} <= owners and all(actions.values())


def test_the_menu_and_help_come_from_the_declarations() -> None:
    bot = engine()
    assert [(b.label, b.payload) for b in bot.menu_buttons()] == [
        ("📍 가까운 지점", "menu:branch"), ("📅 날짜 계산", "menu:deadline"), ("✉️ 문자 수신 관리", "menu:sms")]
    help_text = bot.handle("c", Event.from_text("/help")).text
    for command in command_list(CAPABILITIES):
        assert f"/{command.name} {command.help}" in help_text
    assert "/report" not in help_text
