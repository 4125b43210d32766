"""Per-message latency of rule questions through the whole engine (routing, parsing, the rules,
templates, state saved): `python scripts/bench_rules.py [--n 2000] [--seed 7]`.

Messages are generated from a few phrasings with random values, so every run times the same
kinds of questions without replaying any question set."""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta

from bot.app import build_engine, load_services
from bot.conversation import Event
from bot.settings import Settings

TODAY = date(2026, 11, 22)
KINDS = ["계약보증", "선급금보증", "지급보증", "하자보수보증", "입찰보증", "공사이행보증", "계약", "선급금"]
AMOUNTS = ["5천만원", "3000만원", "2억", "1억 5천만원", "50,000,000원", "800만원", "천만원", "1억5천"]


def _day(rng: random.Random) -> date:
    return TODAY + timedelta(days=rng.randint(-400, 500))


def _rating(rng: random.Random) -> str:
    m = rng.randint(1, 12)
    y = rng.randint(2016, 2027)
    return rng.choice([
        f"{m}월 결산 법인인데 언제까지 신청하면 되나요",
        f"{y}년 {m}월 결산이면 신용평가 신청기간이 어떻게 돼요",
        f"결산일이 {y}.{m:02d}.{[31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]} 이면 등급 언제까지 유효해요",
        f"작년 {m}월 말 결산 기준으로 신청 마감이 언제예요",
    ])


def _notice(rng: random.Random) -> str:
    d = _day(rng)
    if d < TODAY:
        d = TODAY + (TODAY - d)
    return rng.choice([
        f"{rng.choice(KINDS)} {rng.choice(AMOUNTS)} 보증 종료일 {d.year}-{d.month:02d}-{d.day:02d} 해제 문자 언제 와요",
        f"보증 만기가 {d.month}월 {d.day}일이면 해제문자 언제 발송돼요",
        f"{rng.choice(KINDS)} 보증기간 종료일이 {d.year}년 {d.month}월 {d.day}일인데 보증해제 안내 문자 오나요",
    ])


def _other(rng: random.Random) -> str:
    d = TODAY - timedelta(days=rng.randint(0, 700))
    return rng.choice([
        f"마일리지 {d.year}년 {d.month}월 {d.day}일에 적립됐는데 언제까지 쓸 수 있어요",
        f"재무제표가 {rng.randint(0, 1)}년치밖에 없는데 신용평가 받을 수 있나요",
        f"외감법인이고 자산 {rng.randint(50, 300)}억인데 동의서 내야 하나요",
        f"대표 재산세가 {rng.randint(10, 150)}만원이면 세목별 과세증명서 내요?",
    ])


GENERATORS: list[Callable[[random.Random], str]] = [_rating, _notice, _other]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    engine = build_engine(load_services(Settings(), db_path=None))
    messages = [rng.choice(GENERATORS)(rng) for _ in range(args.n)]
    for text in messages[:20]:  # warm caches (templates, regexes) as a running bot would have
        engine.handle("warm", Event.from_text(text), today=TODAY)
    timings: list[float] = []
    kinds: Counter[str] = Counter()
    for i, text in enumerate(messages):
        start = time.perf_counter()
        reply = engine.handle(f"bench-{i % 50}", Event.from_text(text), today=TODAY)
        timings.append((time.perf_counter() - start) * 1000)
        kinds[reply.kind] += 1
    timings.sort()
    p50 = statistics.median(timings)
    p99 = timings[min(len(timings) - 1, round(0.99 * len(timings)) - 1)]
    print(f"rule questions: {len(timings)} messages, p50 {p50:.2f} ms, p99 {p99:.2f} ms, "
          f"max {timings[-1]:.2f} ms; reply kinds {dict(kinds)}")
    return 0 if p99 <= 10 else 1


if __name__ == "__main__":
    sys.exit(main())
