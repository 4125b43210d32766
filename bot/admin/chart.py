"""The weekly picture as a PNG: questions per day, stacked by how the bot met them, above the
week's ten most missed questions.

Drawn with matplotlib's object API (no pyplot, no global figure state) in NanumGothic, a Korean
font shipped inside a PyPI package (koreanize-matplotlib) so that `make install` brings it on any
machine. That package's module is never imported (it changes matplotlib's settings for the whole
process on import); only its font file is used. Characters the font cannot draw (an emoji in a
member's question) are left out rather than drawn as empty boxes."""

from __future__ import annotations

import importlib.util
import io
import threading
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from bot.admin.weekly import WeekPicture
from bot.korean.hangul import clip

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.ticker import Locator

WIDTH_PX, HEIGHT_PX, DPI = 1200, 900, 100
FONT_PACKAGE = "koreanize_matplotlib"
FONT_FILE = "NanumGothic.ttf"
FONT_NAME = "NanumGothic"
MAX_LABEL = 34
# Colours that stay apart for colour-blind readers (Okabe-Ito): answered, suggested, declined, 👎.
SERIES = (("답함", "answered", "#009E73"), ("제안함", "suggested", "#56B4E9"),
          ("답 못함", "declined", "#E69F00"), ("싫어요", "down", "#D55E00"))
# rcParams are process-wide: one drawing at a time.
_DRAWING = threading.Lock()


class FontMissing(RuntimeError):
    """The Korean font is not installed (koreanize-matplotlib is missing)."""


@cache
def font_path() -> Path:
    spec = importlib.util.find_spec(FONT_PACKAGE)
    folders = list(spec.submodule_search_locations or []) if spec is not None else []
    for folder in folders:
        path = Path(folder) / "fonts" / FONT_FILE
        if path.is_file():
            return path
    raise FontMissing(f"{FONT_FILE} not found: install koreanize-matplotlib (make install)")


@cache
def _drawable() -> frozenset[int]:
    from matplotlib.ft2font import FT2Font

    return frozenset(FT2Font(str(font_path())).get_charmap())


def drawable(text: str) -> str:
    """`text` without the characters the font has no glyph for."""
    glyphs = _drawable()
    return "".join(ch for ch in text if ord(ch) in glyphs or ch in " \n")


def _short(text: str) -> str:
    return clip(" ".join(drawable(text).split()), MAX_LABEL)


@cache
def _add_font() -> None:
    """Make NanumGothic known to matplotlib, once: every addfont appends to its font list again."""
    from matplotlib import font_manager

    font_manager.fontManager.addfont(str(font_path()))


def draw_week(week: WeekPicture) -> bytes:
    """The PNG, WIDTH_PX × HEIGHT_PX."""
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with _DRAWING:
        _add_font()
        with rc_context({"font.family": FONT_NAME, "axes.unicode_minus": False}):
            figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI, layout="constrained")
            FigureCanvasAgg(figure)
            per_day, missed = figure.subplots(2, 1, height_ratios=(1, 1.1))
            figure.suptitle(week.title, fontsize=15)
            _draw_days(per_day, week)
            _draw_missed(missed, week)
            out = io.BytesIO()
            figure.savefig(out, format="png", dpi=DPI)
    return out.getvalue()


def _draw_days(axes: Axes, week: WeekPicture) -> None:
    labels = [d.label for d in week.days]
    bottom = [0] * len(week.days)
    for name, field, colour in SERIES:
        values = [getattr(d, field) for d in week.days]
        axes.bar(labels, values, bottom=bottom, color=colour, label=name, width=0.65)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    for x, total in enumerate(bottom):
        if total:
            axes.annotate(str(total), (x, total), ha="center", va="bottom", fontsize=10,
                          xytext=(0, 2), textcoords="offset points")
    axes.set_title("날짜별 질문 수", loc="left", fontsize=12)
    axes.set_ylabel("질문 수")
    axes.set_ylim(0, max([*bottom, 1]) * 1.18)
    axes.yaxis.set_major_locator(_whole_numbers())
    axes.legend(loc="upper left", ncols=4, frameon=False, fontsize=10)
    axes.spines[["top", "right"]].set_visible(False)


def _draw_missed(axes: Axes, week: WeekPicture) -> None:
    axes.set_title("가장 많이 놓친 질문 (상위 10)", loc="left", fontsize=12)
    axes.spines[["top", "right"]].set_visible(False)
    if not week.missed:
        axes.set_axis_off()
        axes.text(0.5, 0.5, "이번 주에 놓친 질문이 없습니다.", ha="center", va="center", fontsize=12,
                  transform=axes.transAxes)
        return
    labels = [f"{n}. {_short(q)}" for n, (q, _) in enumerate(week.missed, start=1)]
    counts = [c for _, c in week.missed]
    axes.barh(labels, counts, color=SERIES[2][2], height=0.6)
    axes.invert_yaxis()  # the most missed on top
    for y, count in enumerate(counts):
        axes.annotate(f"{count}회", (count, y), va="center", fontsize=10, xytext=(3, 0), textcoords="offset points")
    axes.set_xlim(0, max(counts) * 1.15)
    axes.xaxis.set_major_locator(_whole_numbers())
    axes.set_xlabel("놓친 횟수")


def _whole_numbers() -> Locator:
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(integer=True)
