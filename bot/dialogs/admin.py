"""Staff-only commands: /report lists the questions the bot could not answer or got 👎 for, most
frequent first. Only the Telegram users in BOT_ADMIN_IDS (event.is_admin) get it."""

from __future__ import annotations

from bot.capability import Capability
from bot.conversation import Reply, Turn
from bot.feedback import FeedbackStore
from bot.report import render_report

REFUSAL = "죄송합니다. 이 명령은 조합 관리자만 사용할 수 있습니다. 궁금한 점은 평소처럼 질문해 주세요."


class AdminCapability(Capability):
    name = "admin"
    commands = ("report",)

    def __init__(self, feedback: FeedbackStore) -> None:
        self.feedback = feedback

    def on_command(self, turn: Turn) -> Reply | None:
        if turn.event.command != "report":
            return None
        if not turn.event.is_admin:
            return Reply(kind="chat", text=REFUSAL)
        return Reply(kind="chat", text=render_report(self.feedback.report()))
