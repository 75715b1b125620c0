"""The NumPy loop a researcher writes by hand (brief §5): self-play OMWU, one matvec per iteration,
log-domain update with log-sum-exp, float64. Prints µs per iteration for each n given: the median of
five timed runs, as `nlhf bench` reports (the machines are shared and noisy).

Usage: /usr/bin/python3 scripts/bench_numpy.py N [N ...]   (Debian's python3-numpy)
"""
import sys
import time

import numpy as np


def omwu_microseconds_per_iteration(n, iterations, seed=0):
    rng = np.random.default_rng(seed)
    upper = np.triu(rng.uniform(size=(n, n)), 1)
    A = upper - upper.T  # skew, entries in (−1, 1); scale does not matter for timing
    A *= 0.5
    log_pi = np.full(n, -np.log(n))
    pi = np.exp(log_pi)
    g_prev = A @ pi
    eta = 1.0
    start = time.perf_counter()
    for _ in range(iterations):
        g = A @ pi
        gap = 2 * g.max()
        log_pi = log_pi + eta * (2 * g - g_prev)
        m = log_pi.max()
        log_pi = log_pi - (m + np.log(np.exp(log_pi - m).sum()))
        pi = np.exp(log_pi)
        g_prev = g
    elapsed = time.perf_counter() - start
    assert np.isfinite(gap)
    return 1e6 * elapsed / iterations


if __name__ == "__main__":
    for argument in sys.argv[1:]:
        n = int(argument)
        iterations = max(20, int(2e7 / (n * n + 2000)))
        runs = sorted(omwu_microseconds_per_iteration(n, iterations) for _ in range(5))
        print(f"{n} {runs[2]:.4g}")
