"""Reply templates (jinja2), loaded once per process. Templates produce plain text; channels
that need markup (Telegram HTML) escape it themselves."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import jinja2

TEMPLATE_DIR = Path(__file__).resolve().parent
# The cooperative's numbers that replies give out, in one place: {{ contacts.rating_team }}.
CONTACTS = {
    "rating_team": "02-3449-8738",  # 신용평가팀 (004, 세무대리인 안내문 3)
    "info_systems": "02-6240-1041~1045",  # 정보시스템부 (000, 은행결재관련 Q1)
    "nice": "1566-2544, 02-3771-1100",  # NICE평가정보 (004, 세무대리인 안내문 3)
}


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=False,
        # Templates ship with the code; checking their files' mtimes on every reply is waste.
        auto_reload=False,
    )
    env.globals["contacts"] = CONTACTS
    return env


def render(name: str, **context: Any) -> str:
    """Render templates/<name>.j2 and tidy blank-line runs, so templates can stay readable."""
    text = environment().get_template(f"{name}.j2").render(**context)
    lines = [line.rstrip() for line in text.strip().splitlines()]
    tidy: list[str] = []
    for line in lines:
        if line or (tidy and tidy[-1]):
            tidy.append(line)
    return "\n".join(tidy)
