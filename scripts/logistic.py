"""A small L2-penalised logistic regression (Newton's method) for the ranker's fitting script:
a few dozen features and a few thousand rows need nothing heavier."""

from __future__ import annotations

import numpy as np


def standardise(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    return mean, np.where(scale > 1e-9, scale, 1.0)


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
