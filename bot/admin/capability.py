"""Staff-only commands: /report lists the questions the bot could not answer or got 👎 for, most
frequent first. Only the Telegram users in BOT_ADMIN_IDS (event.is_admin) get it, and only in a
private chat: the questions are members' own words."""

from __future__ import annotations

from bot.admin.report import render_report
from bot.capability import Capability, Command
from bot.conversation import Reply, Turn
from bot.storage.feedback import FeedbackStore

REFUSAL = "죄송합니다. 이 명령은 조합 관리자만 사용할 수 있습니다. 궁금한 점은 평소처럼 질문해 주세요."
PRIVATE_ONLY = "보고서에는 조합원이 보낸 질문이 담겨 있어, 봇과의 개인 대화에서만 보여 드립니다."


class AdminCapability(Capability):
    name = "admin"
    commands = (Command("report", "답하지 못한 질문·👎 보고서 (관리자)", admin=True),)
    menu_order = 4

    def __init__(self, feedback: FeedbackStore) -> None:
        self.feedback = feedback

    def on_command(self, turn: Turn) -> Reply | None:
        if turn.event.command != "report":
            return None
        if not turn.event.is_admin:
            return Reply(kind="chat", text=REFUSAL)
        if turn.chat_type != "private":
            return Reply(kind="chat", text=PRIVATE_ONLY)
        return Reply(kind="chat", text=render_report(self.feedback.report()))
