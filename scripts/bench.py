"""Speed and memory of answering: cold start (process start to first reply), per-message
latency over >= 1,000 messages in one process, and peak RSS against Kiwi alone.

Run with `make bench`. Figures go to stdout; nothing here is a pass/fail test."""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MESSAGES = 1500
KIWI_ALONE = (
    "import resource\nfrom kiwipiepy import Kiwi\nKiwi(load_typo_dict=False, load_multi_dict=False).tokenize('신용평가 수수료가 있나요')\n"
    "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"
)
OUT_OF_SCOPE = ["내일 날씨 어때요", "삼성전자 주가", "점심 뭐 먹지", "종합소득세 신고 기한", "로또 번호 알려줘"]
SMALL_TALK = ["안녕하세요", "감사합니다", "고마워요"]
# Date and branch questions, as members ask them, so every capability is in the mix.
CALCULATIONS = [
    "3월 결산인데 언제까지 신청해야 돼요?", "결산일이 2025.12.31이면 등급 언제까지 유효해요",
    "계약보증 5천만원 종료일 2027년 3월 10일이면 해제 문자 언제 와요", "6월 결산 법인 신청기간",
    "마일리지 2026년 3월 5일에 적립됐는데 언제까지 써요",
]
BRANCHES = ["분당 근처 지점", "수원지점 팩스번호", "부산지점 주소", "해운대 가까운 지점", "전주 지점 전화번호"]


def cold_start(env: dict[str, str]) -> float:
    """Wall time of a fresh `bot ask` process, from exec to its printed reply."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "bot", "ask", "--json", "신용평가 수수료 있나요"],
                   check=True, capture_output=True, env=env, cwd=ROOT)
    return time.perf_counter() - started


def kiwi_alone_rss() -> float:
    out = subprocess.run([sys.executable, "-c", KIWI_ALONE], check=True, capture_output=True, text=True)
    return float(out.stdout.strip())


def messages(phrasings: list[str], count: int, seed: int = 7) -> list[str]:
    """Members' phrasings as they arrive: some without spaces, some cut short, some off topic."""
    rng = random.Random(seed)
    out = []
    while len(out) < count:
        text = rng.choice(phrasings)
        roll = rng.random()
        if roll < 0.2:
            text = text.replace(" ", "")
        elif roll < 0.3:
            text = text[: max(4, len(text) * 2 // 3)]
        elif roll < 0.38:
            text = rng.choice(OUT_OF_SCOPE)
        elif roll < 0.42:
            text = rng.choice(SMALL_TALK)
        elif roll < 0.47:
            text = rng.choice(CALCULATIONS)
        elif roll < 0.52:
            text = rng.choice(BRANCHES)
        out.append(text)
    return out


def answers_only_rss() -> float:
    """Peak RSS of a process that only answers from the FAQ (no branch areas, no SMS store)."""
    code = (
        "import resource\n"
        "from bot.app import faq_actions, load_services\n"
        "from bot.conversation import Event\n"
        "from bot.faq.capability import FaqCapability\n"
        "from bot.engine import Engine\n"
        "from bot.settings import Settings\n"
        "from bot.storage.state import StateStore\n"
        "s = load_services(Settings(), db_path=None)\n"
        "e = Engine([FaqCapability(s.faq, faq_actions())], StateStore(s.db), s.feedback)\n"
        "for n, en in enumerate(s.faq.kb.entries):\n"
        "    e.handle(str(n), Event.from_text(en.question))\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=ROOT)
    return float(out.stdout.strip())


def main() -> None:
    import resource

    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "BOT_DB": str(Path(tmp) / "cold.sqlite3")}
        env.pop("TELEGRAM_BOT_TOKEN", None)
        colds = [cold_start(env) for _ in range(3)]
        kiwi_rss = kiwi_alone_rss()
        answers_rss = answers_only_rss()

        os.environ["BOT_DB"] = str(Path(tmp) / "bench.sqlite3")
        from bot.app import build_engine, load_services
        from bot.conversation import Event
        from bot.settings import Settings

        started = time.perf_counter()
        services = load_services(Settings.from_env())
        engine = build_engine(services)
        load_seconds = time.perf_counter() - started
        phrasings = [p for e in services.faq.kb.entries for p in (e.question, *e.alternates)]
        batch = messages(phrasings, MESSAGES)
        timings = []
        kinds: dict[str, int] = {}
        for n, text in enumerate(batch):
            t0 = time.perf_counter()
            reply = engine.handle(f"bench-{n % 50}", Event.from_text(text))
            timings.append((time.perf_counter() - t0) * 1000)
            kinds[reply.kind] = kinds.get(reply.kind, 0) + 1
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    timings.sort()
    p50 = statistics.median(timings)
    p99 = timings[int(len(timings) * 0.99) - 1]
    figures = {
        "cold_start_s": round(min(colds), 2),
        "cold_start_s_max": round(max(colds), 2),
        "load_in_process_s": round(load_seconds, 2),
        "messages": len(timings),
        "p50_ms": round(p50, 2),
        "p99_ms": round(p99, 2),
        "max_ms": round(timings[-1], 2),
        "kiwi_alone_rss_mb": round(kiwi_rss, 1),
        "answers_only_rss_mb": round(answers_rss, 1),
        "answers_above_kiwi_mb": round(answers_rss - kiwi_rss, 1),
        "full_bot_rss_mb": round(peak, 1),
        "full_above_kiwi_mb": round(peak - kiwi_rss, 1),
        "reply_kinds": kinds,
    }
    print("조합 도우미 benchmark: one process answering members (all capabilities)")
    for key, value in figures.items():
        print(f"  {key:20} {value}")
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
