"""A small L2-penalised logistic regression (Newton's method) for the ranker's fitting script:
a few dozen features and a few thousand rows need nothing heavier."""

from __future__ import annotations

import numpy as np


def standardise(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    return mean, np.where(scale > 1e-9, scale, 1.0)


def fit_signed(x: np.ndarray, y: np.ndarray, signs: np.ndarray, *, l2: float = 1.0) -> tuple[np.ndarray, float]:
    """Like `fit`, with each weight kept to its expected sign (+1, -1; 0 for either): while a
    fitted weight has the wrong sign, the feature with the worst one is left out and the rest
    refitted (an active set). Correlated features otherwise trade weight between them, and one
    ends up saying that more evidence for an entry makes the gate less sure of it."""
    keep = np.ones(x.shape[1], dtype=bool)
    while True:
        weights, bias = fit(x[:, keep], y, l2=l2)
        full = np.zeros(x.shape[1])
        full[keep] = weights
        wrong = keep & (signs * full < 0)
        if not wrong.any():
            return full, bias
        keep[int(np.argmin(np.where(wrong, signs * full, 0.0)))] = False


def fit(x: np.ndarray, y: np.ndarray, *, l2: float = 1.0, balanced: bool = False,
        iterations: int = 50) -> tuple[np.ndarray, float]:
    """Weights and bias for standardised x; `balanced` weighs the classes equally."""
    n, k = x.shape
    a = np.hstack([x, np.ones((n, 1))])
    sample = np.ones(n)
    if balanced and 0 < y.sum() < n:
        sample = np.where(y, n / (2 * y.sum()), n / (2 * (n - y.sum())))
    w = np.zeros(k + 1)
    penalty = np.full(k + 1, l2)
    penalty[-1] = 0.0  # the bias is not penalised
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(a @ w, -30, 30)))
        gradient = a.T @ (sample * (p - y)) + penalty * w
        hessian = (a * (sample * p * (1 - p))[:, None]).T @ a + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w[:-1], float(w[-1])
