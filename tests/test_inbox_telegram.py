"""End to end through the fake Bot API (the real application, polling for real): a member's
question falls back; an admin opens /inbox and presses the right entry; another member asking the
same is answered outright; /reload with a broken faq.yaml is refused with its line and the bot
keeps answering; a good /reload and SIGHUP keep conversations going; /report and the Monday job
send the weekly picture."""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import logging
import os
import shutil
import signal
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ADMIN_ID, StartBot
from fakebotapi import FakeBotApi

from bot.app import Services
from bot.faq.guard import attune
from bot.handlers.admin import WEEKLY_REPORT
from bot.korean.clock import SEOUL
from bot.settings import DEFAULT_KNOWLEDGE_DIR
from support import knowledge

MEMBER, OTHER_MEMBER = 1001, 1002
MISSED = "문자 결과통보 해지하고싶어요"
RIGHT = "sms-apply"
SLOW = 30.0  # teaching and reloading build the index again (about a second each here)


@pytest.fixture(autouse=True)
def _shared_analyzer_back(base_services: Services) -> Iterator[None]:
    yield
    attune(base_services.faq)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    copy = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_KNOWLEDGE_DIR, copy)
    return copy


@pytest.fixture
async def app(start_bot: StartBot, folder: Path) -> AsyncIterator[Any]:
    async with start_bot(BOT_KNOWLEDGE_DIR=str(folder)) as application:
        yield application


async def press(api: FakeBotApi, call: Any, data: str, user: int = ADMIN_ID) -> Any:
    since = api.mark()
    api.press(api.sent_message(call), data, user_id=user)
    return (await api.wait_for("editMessageText", since=since, timeout=SLOW))[0]


async def test_a_missed_question_is_taught_in_one_tap_and_answered_outright_next_time(
        fake_api: FakeBotApi, app: Any, folder: Path) -> None:
    missed = await fake_api.ask(MEMBER, MISSED)
    assert not any(d.startswith("fb:") for d in missed.button_data())  # no answer to rate: it fell back
    listing = await fake_api.ask(ADMIN_ID, "/inbox")
    assert f"1. #1 {MISSED} (1회, 답 못함)" in listing.text
    assert listing.button_data() == ["admin:item:1"]
    item = await press(fake_api, listing, "admin:item:1")
    assert f"admin:teach:1:{RIGHT}" in item.button_data()
    taught = await press(fake_api, item, f"admin:teach:1:{RIGHT}")
    assert "가르쳤습니다" in taught.text and "이제 같은 질문에 바로 이 답을 합니다." in taught.text
    answered = await fake_api.ask(OTHER_MEMBER, MISSED)
    assert answers_with(answered, RIGHT)

    # A broken faq.yaml on disk: /reload refuses it, naming the line, and the bot keeps answering.
    good = (folder / "faq.yaml").read_text(encoding="utf-8")
    (folder / "faq.yaml").write_text(good.replace("  - id: sms-apply\n", "  - id: sms-apply\n    id: twice\n", 1),
                                     encoding="utf-8")
    since = fake_api.mark()
    fake_api.message(ADMIN_ID, "/reload")
    refused = await fake_api.reply(ADMIN_ID, since=since, timeout=SLOW)
    line = good.splitlines().index("  - id: sms-apply") + 1
    assert refused.text == ("<b>지식 파일에 문제가 있어 다시 읽지 않았습니다. 지금까지의 내용으로 계속 답합니다.</b>\n"
                            f"- faq.yaml {line + 1}행: 'id' 키가 한 항목에 두 번 있습니다 (처음: {line}행).")
    again = await fake_api.ask(MEMBER, MISSED)
    assert answers_with(again, RIGHT)  # old knowledge, taught alternate kept


def answers_with(reply: Any, entry_id: str) -> bool:
    """An answer of that entry, with 👍/👎 (whose buttons carry the recorded answer's number)."""
    first_line = html.escape(knowledge().by_id[entry_id].answer.splitlines()[0], quote=False)
    votes = reply.button_data()[-2:]
    return first_line in reply.text and [v.rsplit(":", 1)[0] for v in votes] == ["fb:up", "fb:down"]


async def test_a_good_reload_and_sighup_keep_conversations_going(
        fake_api: FakeBotApi, app: Any, folder: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="bot")
    asked = await fake_api.ask(MEMBER, "/branch")  # the branch finder waits for a place
    assert asked.text
    faq = folder / "faq.yaml"
    faq.write_text(faq.read_text(encoding="utf-8").replace(
        "      - 문자서비스 신청 방법\n", "      - 문자서비스 신청 방법\n      - 결과 문자 그만 받는 방법\n", 1), encoding="utf-8")
    since = fake_api.mark()
    fake_api.message(ADMIN_ID, "/reload")
    done = await fake_api.reply(ADMIN_ID, since=since, timeout=SLOW)
    assert done.text.startswith("지식 파일을 다시 읽었습니다: FAQ 항목 ")
    place = await fake_api.ask(MEMBER, "분당")  # the conversation in progress goes on
    assert "성남지점" in place.text
    answered = await fake_api.ask(OTHER_MEMBER, "결과 문자 그만 받는 방법")
    assert answers_with(answered, RIGHT)

    os.kill(os.getpid(), signal.SIGHUP)  # the operator's reload
    for _ in range(int(SLOW * 10)):
        if any("SIGHUP" in r.getMessage() for r in caplog.records):
            break
        await asyncio.sleep(0.1)
    [line] = [r.getMessage() for r in caplog.records if "SIGHUP" in r.getMessage()]
    assert line.startswith("SIGHUP: 지식 파일을 다시 읽었습니다: FAQ 항목 ")


async def test_report_and_the_monday_job_send_the_weekly_picture(fake_api: FakeBotApi, app: Any) -> None:
    await fake_api.ask(MEMBER, MISSED)
    since = fake_api.mark()
    fake_api.message(ADMIN_ID, "/report")
    [photo] = await fake_api.wait_for("sendPhoto", chat_id=ADMIN_ID, since=since, timeout=SLOW)
    assert photo.params["photo"].startswith(b"\x89PNG")
    text = fake_api.calls_of("sendMessage", chat_id=ADMIN_ID, since=since)[0].text
    assert "질문 1건 — 답함 0, 제안함 0, 답 못함 1, 👎 0" in text

    [job] = app.job_queue.get_jobs_by_name(WEEKLY_REPORT)
    due = job.next_t.astimezone(SEOUL)
    assert (due.isoweekday(), due.hour, due.minute) == (1, 8, 30)  # Monday morning, Korean time
    since = fake_api.mark()
    await job.run(app)
    [weekly] = await fake_api.wait_for("sendPhoto", chat_id=ADMIN_ID, since=since, timeout=SLOW)
    today = dt.datetime.now(SEOUL).date()
    sunday = today - dt.timedelta(days=today.isoweekday() % 7 or 7)
    assert weekly.params["caption"].endswith(f"{sunday - dt.timedelta(days=6)} ~ {sunday}")
