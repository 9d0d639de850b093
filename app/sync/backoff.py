"""Exponential backoff with full jitter (sleep a random time up to the exponential cap)."""

import random


def full_jitter(attempt: int, *, base: float = 0.5, cap: float = 30.0, rng: random.Random | None = None) -> float:
    """Seconds to wait before retry number ``attempt`` (0-based).

    Full jitter spreads 2,000 phones reconnecting after an outage over the whole window
    instead of letting them retry in lock-step.
    """
    rng = rng or random
    return rng.uniform(0, min(cap, base * (2 ** attempt)))
