"""knowledge/corrections.yaml: the scanned guides' slips that the answers correct. Checking it
keeps the list honest: every slip must really be in the source it names."""

from __future__ import annotations

from pathlib import Path

import yaml

FIELDS = {"wrong", "right", "doc", "where", "kind", "note"}
KINDS = {"ocr", "format"}


def correction_problems(path: Path, documents: dict[str, str], seeds: Path) -> list[str]:
    """Problems with the corrections file; `documents` maps doc keys to file names in `seeds`
    (the source guides, Settings.seeds_dir). Where the seeds are present, each slip must occur
    in its document."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        return [f"읽을 수 없습니다: {exc}"]
    items = data.get("corrections") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return ["corrections 목록이 필요합니다."]
    sources = {key: seeds / name for key, name in documents.items()}
    texts = {key: p.read_text(encoding="utf-8") for key, p in sources.items() if p.is_file()}
    problems: list[str] = []
    seen: set[tuple[str, str]] = set()
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            problems.append(f"{n}번째 교정: 매핑이어야 합니다.")
            continue
        label = f"{n}번째 교정 '{item.get('wrong')}'"
        missing = sorted({"wrong", "right", "doc", "where", "kind"} - set(item))
        unknown = sorted(set(item) - FIELDS)
        if missing:
            problems.append(f"{label}: 필드가 없습니다: {', '.join(missing)}")
        if unknown:
            problems.append(f"{label}: 알 수 없는 필드: {', '.join(unknown)}")
        if missing or unknown:
            continue
        if item["kind"] not in KINDS:
            problems.append(f"{label}: kind는 ocr 또는 format이어야 합니다.")
        if item["doc"] not in documents:
            problems.append(f"{label}: documents에 없는 문서입니다: {item['doc']}")
        elif item["doc"] in texts and str(item["wrong"]) not in texts[item["doc"]]:
            problems.append(f"{label}: 원문({documents[item['doc']]})에 없는 표기입니다.")
        key = (str(item["wrong"]), str(item["right"]))
        if key in seen:
            problems.append(f"{label}: 같은 교정이 두 번 있습니다.")
        seen.add(key)
    return problems
