"""Throughput and latency of the whole Telegram stack, against the fake Bot API on loopback.

Bots, each in its own process polling the fake server (tests/fakebotapi.py) in this one: a bare
python-telegram-bot echo bot; the bot with its engine replaced by one prepared answer (what the
Telegram layer costs by itself); the real `bot run`. Rate limiter off. Each gets
- a burst: 300 questions from 100 chats at once; updates answered per second (first update in to
  last reply out) and latency from update to reply, queueing included (median of three bursts);
- a paced run: the same 300 questions arriving at PACED_RATE a second (above Telegram's own limit
  of about 30 messages a second for a bot), latency from update to reply;
- its peak RSS (VmHWM).
Questions are members' phrasings from knowledge/faq.yaml, kept to those answered with one
message, so each update maps to one reply. Run with `make bench`; figures go to stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from fakebotapi import TOKEN, FakeBotApi

CHATS = 100
PER_CHAT = 3
PACED_RATE = 50.0  # updates a second in the paced run
ROUNDS = 3  # bursts per bot
READY_TIMEOUT = 120.0
TARGET_SHARE = 0.6
TARGET_P99_MS = 50.0
CANNED_QUESTION = "신용평가 수수료가 있나요?"


@dataclass
class Figures:
    name: str
    rate: float
    burst_p50: float
    burst_p99: float
    paced_p50: float
    paced_p99: float
    rss_mb: float


# -- the bots -------------------------------------------------------------------------------------


def run_echo(base_url: str) -> None:
    """The bare python-telegram-bot echo bot: the ceiling for this machine and this fake server."""
    from telegram import Update
    from telegram.ext import Application, ContextTypes, MessageHandler, filters

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Send the text back."""
        if update.effective_chat and update.effective_message and update.effective_message.text:
            await context.bot.send_message(update.effective_chat.id, update.effective_message.text)

    application = Application.builder().token(TOKEN).base_url(base_url).build()
    application.add_handler(MessageHandler(filters.TEXT, echo))
    application.run_polling(allowed_updates=[Update.MESSAGE])


def run_layer() -> None:
    """The bot with its engine replaced by one prepared FAQ answer (text, related questions, 👍/👎):
    what the Telegram layer itself costs over the echo bot."""
    import gc

    from bot.conversation import Event, Reply
    from bot.handlers.callbacks import DEPS_KEY
    from bot.settings import Settings
    from bot.telegram_app import ALLOWED_UPDATES, build_application

    application = build_application(Settings.from_env())
    deps = application.bot_data[DEPS_KEY]
    engine = deps.engine
    answer = engine.handle("layer", Event.from_text(CANNED_QUESTION))

    class Canned:
        def handle(self, chat_id: str, event: Event, **kw: Any) -> Reply:
            return answer

        def __getattr__(self, name: str) -> Any:  # the command menu set at start-up
            return getattr(engine, name)

    deps.engine = Canned()
    gc.collect()
    gc.freeze()
    application.run_polling(allowed_updates=ALLOWED_UPDATES)


async def start_bot(kind: str, api: FakeBotApi, db: Path) -> asyncio.subprocess.Process:
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": api.base_url, "BOT_DB": str(db),
           "BOT_RATE_LIMITER": "0", "BOT_LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT)}
    commands = {"bot": ["-m", "bot", "run"], "layer": [__file__, "--layer"], "echo": [__file__, "--echo", api.base_url]}
    return await asyncio.create_subprocess_exec(sys.executable, *commands[kind], env=env, cwd=ROOT)


def peak_rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


async def stop(process: asyncio.subprocess.Process) -> None:
    process.send_signal(signal.SIGINT)
    try:
        await asyncio.wait_for(process.wait(), 15)
    except TimeoutError:
        process.kill()
        await process.wait()


# -- the load -------------------------------------------------------------------------------------


def load_engine(db: Path) -> Any:
    from bot.app import build_engine, load_services
    from bot.settings import Settings

    return build_engine(load_services(Settings(db_path=db), db_path=db))


def one_message_questions(engine: Any, count: int, seed: int = 11) -> list[str]:
    """Members' phrasings whose reply is a single message (checked with the engine itself)."""
    from bot.conversation import Event
    from bot.handlers.render import plan

    faq = engine.by_name["faq"].index.kb
    phrasings = sorted({p for e in faq.entries for p in (e.question, *e.alternates)})
    rng = random.Random(seed)
    rng.shuffle(phrasings)
    chosen: list[str] = []
    for text in phrasings:
        chat = f"probe-{uuid.uuid4().hex}"
        reply = engine.handle(chat, Event.from_text(text))
        if len([o for o in plan(reply) if o.venue is None]) == 1 and not engine.states.load(chat).get("flow"):
            chosen.append(text)
        if len(chosen) == count:
            return chosen
    raise SystemExit(f"only {len(chosen)} single-message questions in the knowledge base")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


async def latencies(api: FakeBotApi, updates: list[dict[str, Any]], since: int) -> tuple[list[float], float]:
    """Each update's latency (ms) to its chat's matching reply, and the last reply's time."""
    await api.wait_for("sendMessage", since=since, count=len(updates), timeout=120)
    replies: dict[int, list[float]] = {}
    for call in api.calls_of("sendMessage", since=since):
        replies.setdefault(int(call.chat_id), []).append(call.at)
    seen: dict[int, int] = {}
    out = []
    for update in updates:
        chat_id = update["message"]["chat"]["id"]
        n = seen.get(chat_id, 0)
        seen[chat_id] = n + 1
        out.append((replies[chat_id][n] - api.injected_at[update["update_id"]]) * 1000)
    return out, max(at for ats in replies.values() for at in ats)


async def measure(kind: str, questions: list[str], tmp: Path) -> Figures:
    async with FakeBotApi() as api:
        process = await start_bot(kind, api, tmp / f"{kind}.sqlite3")
        try:
            for n in range(20):  # ready (Kiwi loaded, polling) and warm
                await api.ask(10_000 + n, questions[n], timeout=READY_TIMEOUT if n == 0 else 10)

            rounds = []
            for r in range(ROUNDS):  # the median round counts: this machine may be shared
                since = api.mark()
                started = time.perf_counter()
                burst = [api.message(1 + r * CHATS + n % CHATS, q) for n, q in enumerate(questions)]
                burst_ms, last = await latencies(api, burst, since)
                rounds.append((len(burst) / (last - started), burst_ms))
            rate, burst_ms = sorted(rounds, key=lambda x: x[0])[ROUNDS // 2]

            since = api.mark()
            paced = []
            began = time.perf_counter()
            for n, question in enumerate(questions):
                await asyncio.sleep(max(0.0, began + n / PACED_RATE - time.perf_counter()))
                paced.append(api.message(5_000 + n % CHATS, question))
            paced_ms, _ = await latencies(api, paced, since)
            rss = peak_rss_mb(process.pid)
        finally:
            await stop(process)
    return Figures(kind, rate, statistics.median(burst_ms), percentile(burst_ms, 0.99),
                   statistics.median(paced_ms), percentile(paced_ms, 0.99), rss)


def engine_timing(engine: Any, questions: list[str]) -> tuple[float, float]:
    """The engine alone, in process, on a file database, over the questions as the bot gets
    them (each question first in a burst, then again): mean and p99 in ms."""
    from bot.conversation import Event

    times = []
    for n, question in enumerate(questions * (ROUNDS + 1)):
        t0 = time.perf_counter()
        engine.handle(f"time-{n}", Event.from_text(question))
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.mean(times), percentile(times, 0.99)


def pick(count: int) -> None:
    """(A separate process, so the load generator and fake server stay lean.) Print the questions
    and the engine's own timing on them as JSON."""
    with tempfile.TemporaryDirectory() as folder:
        engine = load_engine(Path(folder) / "pick.sqlite3")
        questions = one_message_questions(engine, count)
        mean, p99 = engine_timing(engine, questions)
    print(json.dumps({"questions": questions, "engine_mean": mean, "engine_p99": p99}, ensure_ascii=False))


async def bench() -> None:
    picker = await asyncio.create_subprocess_exec(sys.executable, __file__, "--pick", str(CHATS * PER_CHAT),
                                                  stdout=asyncio.subprocess.PIPE, cwd=ROOT)
    out, _ = await picker.communicate()
    picked = json.loads(out)
    questions, engine_mean, engine_p99 = picked["questions"], picked["engine_mean"], picked["engine_p99"]
    with tempfile.TemporaryDirectory() as folder:
        echo = await measure("echo", questions, Path(folder))
        layer = await measure("layer", questions, Path(folder))
        ours = await measure("bot", questions, Path(folder))
    share = ours.rate / echo.rate
    # What even a Telegram layer costing nothing could reach: the echo bot's cost per update plus
    # the engine's own.
    ceiling = 1 / (1 / echo.rate + engine_mean / 1000)
    print(f"Telegram stack on loopback: {len(questions)} questions from {CHATS} chats (median of {ROUNDS} "
          f"bursts); paced run at {PACED_RATE:.0f} updates/s; rate limiter off; {os.cpu_count()} CPUs")
    print(f"{'':24}{'updates/s':>10}{'burst p50':>11}{'burst p99':>11}{'paced p50':>11}{'paced p99':>11}"
          f"{'peak RSS':>10}")
    rows = ((echo, "echo bot (bare PTB)"), (layer, "layer, canned answer"), (ours, "johap-doumi (bot run)"))
    for f, label in rows:
        print(f"{label:24}{f.rate:10.0f}{f.burst_p50:9.1f}ms{f.burst_p99:9.1f}ms{f.paced_p50:9.1f}ms"
              f"{f.paced_p99:9.1f}ms{f.rss_mb:8.0f}MB")
    print(f"share of the echo bot's rate: {share:.0%} (target >= {TARGET_SHARE:.0%}); paced p99 {ours.paced_p99:.1f} ms "
          f"(target < {TARGET_P99_MS:.0f} ms)")
    print(f"engine alone: {engine_mean:.2f} ms a message (p99 {engine_p99:.2f} ms), so even a free Telegram layer "
          f"would reach {ceiling:.0f} updates/s = {ceiling / echo.rate:.0%} of the echo bot")
    print(f"the Telegram layer alone (engine replaced by one prepared answer): {layer.rate / echo.rate:.0%} "
          "of the echo bot")
    print(json.dumps({"echo": echo.__dict__, "layer": layer.__dict__, "bot": ours.__dict__, "share": round(share, 3),
                      "engine_mean_ms": round(engine_mean, 3), "engine_p99_ms": round(engine_p99, 3),
                      "ceiling": round(ceiling, 1)}, ensure_ascii=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--echo", metavar="BASE_URL", help="(internal) run the echo bot against BASE_URL")
    parser.add_argument("--pick", type=int, metavar="N", help="(internal) choose N questions, time the engine")
    parser.add_argument("--layer", action="store_true", help="(internal) run the bot with a canned engine")
    args = parser.parse_args()
    if args.echo:
        run_echo(args.echo)
    elif args.layer:
        run_layer()
    elif args.pick:
        pick(args.pick)
    else:
        asyncio.run(bench())


if __name__ == "__main__":
    main()
