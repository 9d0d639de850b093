"""Plane-to-plane (perspective) fits of landmark sets, in numpy.

A flat picture moved in front of a camera, however it is turned, tipped or shifted, maps its
points from one frame to the next by one homography (8 degrees of freedom). Points on a real
head do not: the nose tip stands out of the plane of the eyes and mouth, so turning the head
moves it against them. The residual of the best homography fit therefore measures 3-D motion.
"""

from __future__ import annotations

import numpy as np

_REFINE_STEPS = 5


def _normaliser(points: np.ndarray) -> np.ndarray:
    """Similarity moving ``points`` to mean 0 and RMS distance sqrt(2) (Hartley), which
    keeps the linear fit well conditioned whatever the image size."""
    centre = points.mean(axis=0)
    spread = np.sqrt(np.mean(np.sum((points - centre) ** 2, axis=1)))
    s = np.sqrt(2) / spread if spread else 1.0
    return np.array([[s, 0, -s * centre[0]], [0, s, -s * centre[1]], [0, 0, 1.0]])


def apply_homography(h: np.ndarray, points: np.ndarray) -> np.ndarray:
    """``points`` (N x 2) mapped by the 3x3 homography ``h``."""
    mapped = np.c_[points, np.ones(len(points))] @ h.T
    return mapped[:, :2] / mapped[:, 2:3]


def _linear_fit(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Direct linear transform: the homography minimising the algebraic error."""
    ones = np.ones(len(a))
    src = np.c_[a, ones]
    rows = np.zeros((2 * len(a), 9))
    rows[0::2, 0:3] = src
    rows[0::2, 6:9] = -b[:, :1] * src
    rows[1::2, 3:6] = src
    rows[1::2, 6:9] = -b[:, 1:2] * src
    h = np.linalg.svd(rows)[2][-1].reshape(3, 3)
    return h / h[2, 2]


def _refine(h: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """A few Gauss-Newton steps on the geometric (pixel) error, which is what a flat
    picture's landmarks are off by, unlike the algebraic error the linear fit minimises."""
    p = h.ravel()[:8].copy()
    x, y = a[:, 0], a[:, 1]
    n = len(a)
    for _ in range(_REFINE_STEPS):
        w = p[6] * x + p[7] * y + 1
        u = (p[0] * x + p[1] * y + p[2]) / w
        v = (p[3] * x + p[4] * y + p[5]) / w
        jac = np.zeros((2 * n, 8))
        jac[:n, 0:3] = np.c_[x, y, np.ones(n)] / w[:, None]
        jac[n:, 3:6] = jac[:n, 0:3]
        jac[:n, 6:8] = -(u / w)[:, None] * np.c_[x, y]
        jac[n:, 6:8] = -(v / w)[:, None] * np.c_[x, y]
        p = p + np.linalg.lstsq(jac, np.r_[b[:, 0] - u, b[:, 1] - v], rcond=None)[0]
    return np.append(p, 1.0).reshape(3, 3)


def fit_homography(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The homography mapping points ``a`` onto ``b`` (both N x 2, N >= 4) in the least-squares
    sense: normalised DLT, then refined on the pixel error."""
    ta, tb = _normaliser(a), _normaliser(b)
    na, nb = apply_homography(ta, a), apply_homography(tb, b)
    h = np.linalg.inv(tb) @ _refine(_linear_fit(na, nb), na, nb) @ ta
    return h / h[2, 2]


def rms_size(points: np.ndarray) -> float:
    """RMS distance of ``points`` from their centroid."""
    return float(np.sqrt(np.mean(np.sum((points - points.mean(axis=0)) ** 2, axis=1))))
