"""Staff-only: the report with its weekly picture (/report), the inbox of missed questions with
one-tap teaching (/inbox), and reading changed knowledge files again (/reload).

Only the Telegram users in BOT_ADMIN_IDS (event.is_admin) get any of it, and only in a private
chat: the inbox holds members' own words. Every button is checked again when pressed, since a
button's data says nothing about who pressed it.

Every turn passes through here too (before_turn, after_turn): alternates taught by another
process are taken in before a message is answered, and each reply's outcome and each missed
question is kept for the inbox and the weekly picture (bot.admin.watch).

The teaching flow, one step:

    /inbox -> [item] -> [✅ entry]            taught
                     -> [🚫 안내자료에 없음]    dismissed
                     -> [🔎 다른 항목 찾기] -> find: words -> [✅ entry] ...
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from typing import Literal

from bot.admin.chart import draw_week
from bot.admin.inbox import InboxItem, InboxStore
from bot.admin.outcomes import OutcomeStore
from bot.admin.render import inbox_item, inbox_list, lesson_text, search_results
from bot.admin.report import render_report
from bot.admin.teaching import FaqForStaff
from bot.admin.watch import InboxWatch
from bot.admin.weekly import summary, week_picture
from bot.capability import Capability, Command
from bot.conversation import Button, Candidate, Picture, Reply, Turn
from bot.korean.hangul import clip, josa
from bot.storage.feedback import FeedbackStore

REFUSAL = "죄송합니다. 이 명령은 조합 관리자만 사용할 수 있습니다. 궁금한 점은 평소처럼 질문해 주세요."
PRIVATE_ONLY = "보고서와 받은편지함에는 조합원이 보낸 질문이 담겨 있어, 봇과의 개인 대화에서만 보여 드립니다."
GONE = "그 질문은 받은편지함에 없습니다. 목록을 다시 열어 주세요."
FIND_PROMPT = "찾을 낱말을 입력해 주세요. 예) 수수료 카드, 인증서 갱신"
INBOX_SHOWN = 10
SEARCH_RESULTS = 5
Reloader = Callable[[], list[str]]
Step = Literal["find"]


class AdminCapability(Capability):
    name = "admin"
    commands = (
        Command("report", "주간 그림과 답하지 못한 질문·👎 보고서 (관리자)", admin=True),
        Command("inbox", "놓친 질문 받은편지함: 맞는 답 가르치기 (관리자)", admin=True),
        Command("reload", "바뀐 지식 파일 다시 읽기 (관리자)", admin=True),
    )
    menu_order = 4

    def __init__(self, feedback: FeedbackStore, inbox: InboxStore, outcomes: OutcomeStore, faq: FaqForStaff,
                 reload: Reloader) -> None:
        """`faq`: what staff need of the FAQ; `reload`: reads the knowledge files again and
        returns their problems ([] when done). Both passed in by bot.app."""
        self.feedback = feedback
        self.inbox = inbox
        self.outcomes = outcomes
        self.faq = faq
        self.reload = reload
        self.watch = InboxWatch(inbox, outcomes, faq, feedback.entry_of)
        self._buttons: dict[str, Callable[[Turn, str], Reply]] = {
            "list": lambda turn, _: self.inbox_list(turn),
            "item": self._item_button,
            "teach": self._teach_button,
            "find": self._find_button,
            "none": self._dismiss_button,
        }
        self._steps: dict[Step, Callable[[Turn], Reply]] = {"find": self._find_words}

    # -- every turn ------------------------------------------------------------------------------

    def before_turn(self, turn: Turn) -> None:
        self.faq.refresh()

    def after_turn(self, turn: Turn, reply: Reply) -> None:
        self.watch.observe(turn, reply)

    # -- commands and buttons --------------------------------------------------------------------

    def on_command(self, turn: Turn) -> Reply | None:
        command = turn.event.command
        if command not in {c.name for c in self.commands}:
            return None
        refusal = _refusal(turn)
        if refusal is not None:
            return refusal
        if command == "report":
            return self.report(_end_date(turn.text) or turn.today)
        if command == "inbox":
            turn.end_flow()
            return self.inbox_list(turn)
        return self.reload_knowledge()

    def on_button(self, turn: Turn, payload: str) -> Reply | None:
        refusal = _refusal(turn)
        if refusal is not None:
            return refusal
        action, _, rest = payload.partition(":")
        handler = self._buttons.get(action)
        return handler(turn, rest) if handler is not None else None

    def on_text(self, turn: Turn) -> Reply | None:
        step = turn.flow_data().get("step") if turn.flow() == self.name else None
        if step not in self._steps:
            return None
        refusal = _refusal(turn)
        if refusal is not None:
            turn.end_flow()
            return refusal
        return self._steps[step](turn)

    # -- the replies -----------------------------------------------------------------------------

    def report(self, end: dt.date) -> Reply:
        week = week_picture(self.outcomes, self.inbox, end)
        text = f"{render_report(self.feedback.report())}\n\n주간 요약 {summary(week)}"
        return Reply(kind="chat", text=text, picture=Picture(week.title, partial(draw_week, week)))

    def inbox_list(self, turn: Turn) -> Reply:
        shown = self.inbox.items(limit=INBOX_SHOWN)
        total = self.inbox.count()  # after items(), which swept expired suggestions into the groups
        buttons = [Button(f"{n}. {clip(item.question, 30)} ({item.count})", f"admin:item:{item.id}")
                   for n, item in enumerate(shown, start=1)]
        return Reply(kind="chat", text=inbox_list(shown, total), buttons=buttons)

    def reload_knowledge(self) -> Reply:
        problems = self.reload()
        if problems:
            listing = "\n".join(f"- {p}" for p in problems[:10])
            more = f"\n(외 {len(problems) - 10}건: `bot kb check`로 모두 볼 수 있습니다)" if len(problems) > 10 else ""
            return Reply(kind="chat", text="지식 파일에 문제가 있어 다시 읽지 않았습니다. 지금까지의 내용으로 계속 답합니다.\n"
                                           f"{listing}{more}")
        return Reply(kind="chat", text=f"지식 파일을 다시 읽었습니다: FAQ 항목 {self.faq.entry_count()}개."
                                       " 진행 중인 대화는 그대로 이어집니다.")

    def _item_button(self, turn: Turn, rest: str) -> Reply:
        item = self._item(rest)
        if item is None:
            return _gone()
        likely = self._likely(item)
        buttons = [Button(f"✅ {clip(c.question, 36)}", f"admin:teach:{item.id}:{c.id}") for c in likely]
        buttons += [Button("🔎 다른 항목 찾기", f"admin:find:{item.id}"), Button("🚫 안내자료에 없음", f"admin:none:{item.id}"),
                    Button("↩ 목록", "admin:list")]
        return Reply(kind="chat", text=inbox_item(item, likely), buttons=buttons)

    def _teach_button(self, turn: Turn, rest: str) -> Reply:
        item_id, _, entry_id = rest.partition(":")
        item, entry = self._item(item_id), self.faq.entry(entry_id)
        if item is None or entry is None:
            return _gone()
        by = _staff(turn)
        lesson = self.faq.teach(entry.id, [item.question, *item.phrasings[:4]], by)
        back = [Button("↩ 목록", "admin:list")]
        if not lesson.taught:
            return Reply(kind="chat", text=f"가르치지 않았습니다. {lesson.reason}",
                         buttons=[Button("↩ 이 질문으로", f"admin:item:{item.id}"), *back])
        self.inbox.resolve(item.id, "taught", by, entry.id)
        turn.end_flow()
        return Reply(kind="chat", text=lesson_text(item, entry, lesson.outright), buttons=back)

    def _find_button(self, turn: Turn, rest: str) -> Reply:
        item = self._item(rest)
        if item is None:
            return _gone()
        turn.start_flow(self.name, step="find", item=item.id)
        return Reply(kind="chat", text=f"#{item.id} \"{item.question}\"\n{FIND_PROMPT}",
                     buttons=[Button("↩ 이 질문으로", f"admin:item:{item.id}")])

    def _find_words(self, turn: Turn) -> Reply:
        item = self._item(str(turn.flow_data().get("item", "")))
        if item is None:
            turn.end_flow()
            return _gone()
        words = " ".join(turn.text.split())[:100]
        found = self.faq.likely(words, SEARCH_RESULTS) if words else []
        buttons = [Button(f"✅ {clip(c.question, 36)}", f"admin:teach:{item.id}:{c.id}") for c in found]
        buttons.append(Button("↩ 이 질문으로", f"admin:item:{item.id}"))
        return Reply(kind="chat", text=search_results(words, found), buttons=buttons)

    def _dismiss_button(self, turn: Turn, rest: str) -> Reply:
        item = self._item(rest)
        if item is None:
            return _gone()
        self.inbox.resolve(item.id, "dismissed", _staff(turn))
        turn.end_flow()
        marked = josa(f'#{item.id} "{item.question}"', "을/를")
        return Reply(kind="chat", text=f"{marked} 안내자료에 없는 질문으로 표시했습니다."
                                       " 같은 질문은 받은편지함에 다시 나오지 않습니다.",
                     buttons=[Button("↩ 목록", "admin:list")])

    # -- helpers ---------------------------------------------------------------------------------

    def _item(self, raw: str) -> InboxItem | None:
        return self.inbox.item(int(raw)) if raw.isdigit() else None

    def _likely(self, item: InboxItem) -> list[Candidate]:
        """The entries the bot considered for it, then the best ranked now, three in all."""
        found = [c for c in (self.faq.entry(i) for i in item.candidates) if c is not None]
        found += self.faq.likely(item.question)
        return list({c.id: c for c in found}.values())[:3]


def _refusal(turn: Turn) -> Reply | None:
    if not turn.event.is_admin:
        return Reply(kind="chat", text=REFUSAL)
    if turn.chat_type != "private":
        return Reply(kind="chat", text=PRIVATE_ONLY)
    return None


def _gone() -> Reply:
    return Reply(kind="chat", text=GONE, buttons=[Button("↩ 목록", "admin:list")])


def _staff(turn: Turn) -> str:
    return f"admin:{turn.event.user_id}"


def _end_date(text: str) -> dt.date | None:
    """`/report 2026-11-22`: the week ending that day (the Monday report names Sunday)."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None
