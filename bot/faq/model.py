"""The ranker's fitted numbers (knowledge/ranker.json): the gate's logistic weights over the
first entry's evidence, and the thresholds between answering, suggesting and declining.

They are fitted by scripts/fit_ranker.py on labelled questions and committed with the knowledge
base; nothing at run time reads the development sets. The file also records how the views were
fused when it was fitted, so a change to the fusion refuses a stale gate instead of misusing it."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bot.faq.features import FUSED_VIEWS, GATE_FEATURES, RRF_K
from bot.storage.datafile import OneProblem


class RankerModelError(OneProblem):
    """knowledge/ranker.json is missing, unreadable or was fitted for other features."""


@dataclass(frozen=True)
class Gate:
    """Logistic regression over GATE_FEATURES, standardised with the fitted mean and scale."""

    weights: np.ndarray
    bias: float
    mean: np.ndarray
    scale: np.ndarray

    def probability(self, features: np.ndarray) -> float:
        z = float(((features - self.mean) / self.scale) @ self.weights + self.bias)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def to_json(self) -> dict[str, Any]:
        return {"features": list(GATE_FEATURES), "weights": _rounded(self.weights), "bias": round(self.bias, 6),
                "mean": _rounded(self.mean), "scale": _rounded(self.scale)}


@dataclass(frozen=True)
class RankerModel:
    gate: Gate
    answer_at: float
    suggest_at: float

    @classmethod
    def untrained(cls) -> RankerModel:
        """A gate that knows nothing (every confidence 0.5): what the fitting script starts from."""
        n = len(GATE_FEATURES)
        return cls(Gate(np.zeros(n), 0.0, np.zeros(n), np.ones(n)), 0.5, 0.25)

    def confidence(self, gate_features: np.ndarray) -> float:
        return self.gate.probability(gate_features)

    def save(self, path: Path, notes: dict[str, Any]) -> None:
        data = {"notes": notes, "fusion": {"views": list(FUSED_VIEWS), "rrf_k": RRF_K}, "gate": self.gate.to_json(),
                "answer_at": round(self.answer_at, 4), "suggest_at": round(self.suggest_at, 4)}
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> RankerModel:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            model = cls(_gate(data), float(data["answer_at"]), float(data["suggest_at"]))
        except FileNotFoundError as exc:
            raise RankerModelError(f"{path}: 파일이 없습니다. scripts/fit_ranker.py로 만들 수 있습니다.") from exc
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise RankerModelError(f"{path}: 순위 모델을 읽을 수 없습니다 ({exc}).") from exc
        if not 0.0 < model.suggest_at <= model.answer_at < 1.0:
            raise RankerModelError(f"{path}: 기준값은 0 < suggest_at <= answer_at < 1 이어야 합니다.")
        return model


def _gate(data: dict[str, Any]) -> Gate:
    fusion = data["fusion"]
    if tuple(fusion["views"]) != FUSED_VIEWS or fusion["rrf_k"] != RRF_K:
        raise ValueError("이 버전과 다른 순위 결합으로 맞춘 모델입니다: scripts/fit_ranker.py로 다시 맞춰야 합니다")
    raw = data["gate"]
    if tuple(raw["features"]) != GATE_FEATURES:
        raise ValueError("게이트 특징 목록이 이 버전과 다릅니다: scripts/fit_ranker.py로 다시 맞춰야 합니다")
    arrays = [np.array(raw[key], dtype=np.float64) for key in ("weights", "mean", "scale")]
    if any(a.shape != (len(GATE_FEATURES),) or not np.isfinite(a).all() for a in arrays):
        raise ValueError("게이트 숫자의 개수나 값이 맞지 않습니다")
    weights, mean, scale = arrays
    return Gate(weights, float(raw["bias"]), mean, np.where(scale > 0, scale, 1.0))


def _rounded(values: np.ndarray) -> list[float]:
    return [round(float(v), 6) for v in values]
