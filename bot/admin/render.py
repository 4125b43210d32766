"""The inbox as staff read it, in Telegram and on the command line: plain text, no markup."""

from __future__ import annotations

from collections.abc import Sequence

from bot.admin.inbox import InboxItem
from bot.conversation import Candidate

REPLY_KINDS = {"fallback": "답 못함", "suggest": "질문 제안", "answer": "답변"}
REASONS = {"fallback": "답 못함", "not_taken": "제안을 고르지 않음", "down": "👎"}
STATUSES = {"open": "열림", "taught": "가르침", "dismissed": "안내자료에 없음"}
EMPTY = "받은편지함이 비어 있습니다: 봇이 놓친 질문이 없습니다."


def inbox_list(items: Sequence[InboxItem], total: int) -> str:
    if not items:
        return EMPTY
    lines = [f"봇이 놓친 질문 {total}건 (많은 순). 번호를 누르면 맞는 답을 가르칠 수 있습니다."]
    lines += [f"{n}. #{item.id} {item.question} ({item.count}회, {REPLY_KINDS.get(item.reply_kind, item.reply_kind)})"
              for n, item in enumerate(items, start=1)]
    return "\n".join(lines)


def inbox_item(item: InboxItem, likely: Sequence[Candidate]) -> str:
    reasons = ", ".join(f"{REASONS.get(r, r)} {n}회" for r, n in item.reasons.items())
    lines = [f"#{item.id} \"{item.question}\"",
             f"- {item.count}회 ({reasons}), {item.first_day} ~ {item.last_day}",
             f"- 봇의 마지막 답: {REPLY_KINDS.get(item.reply_kind, item.reply_kind)}",
             f"- 상태: {STATUSES[item.status]}" + (f" → {item.entry_id}" if item.entry_id else "")]
    if item.phrasings:
        lines.append("- 다른 표현: " + " / ".join(item.phrasings[:5]))
    if likely:
        lines.append("")
        lines.append("맞는 답을 고르면 봇이 이 질문에 바로 그 답을 합니다:")
        lines += [f"{n}) {c.question} [{c.id}]" for n, c in enumerate(likely, start=1)]
    return "\n".join(lines)


def lesson_text(item: InboxItem, entry: Candidate, outright: bool) -> str:
    then = ("이제 같은 질문에 바로 이 답을 합니다." if outright
            else "이제 이 답을 먼저 추천합니다(바로 답할 만큼 확신하지는 못합니다).")
    return (f"가르쳤습니다: \"{item.question}\" → {entry.question} [{entry.id}]\n{then}\n"
            "faq.yaml에 옮기려면 `bot kb learned --apply`를 실행하세요.")


def search_results(words: str, found: Sequence[Candidate]) -> str:
    if not found:
        return f"'{words}'에 맞는 항목을 찾지 못했습니다. 다른 낱말로 입력해 주세요."
    lines = [f"'{words}'로 찾은 항목입니다. 맞는 답을 누르세요(다른 낱말을 입력하면 다시 찾습니다):"]
    lines += [f"{n}) {c.question} [{c.id}]" for n, c in enumerate(found, start=1)]
    return "\n".join(lines)
