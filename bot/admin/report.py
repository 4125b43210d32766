"""The report of questions the bot could not answer or got 👎 for, as plain text."""

from __future__ import annotations

from bot.storage.feedback import ReportLine


def render_report(lines: list[ReportLine]) -> str:
    if not lines:
        return "아직 답하지 못했거나 👎를 받은 질문이 없습니다."
    out = ["답하지 못했거나 👎를 받은 질문 (많은 순)"]
    for n, line in enumerate(lines, start=1):
        parts = []
        if line.misses:
            parts.append(f"답 없음 {line.misses}회")
        if line.downvotes:
            parts.append(f"👎 {line.downvotes}회")
        target = f" → {line.entry_id}" if line.entry_id else ""
        out.append(f"{n}. {line.question} ({', '.join(parts)}){target}")
    return "\n".join(out)
