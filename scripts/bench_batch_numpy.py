"""The batched OMWU loop a researcher writes by hand for many small games (docs/benchmarks.md, `nlhf batch`):
one (B, n, n) float64 array, self-play, one batched matvec per iteration, log-domain update with log-sum-exp,
each game's duality gap every iteration, the loop ending when every game's gap is <= TOL or after ITERS
iterations. The same update as scripts/bench_numpy.py, over a batch.

Usage: /usr/bin/python3 scripts/bench_batch_numpy.py GAMES.npy ITERS TOL
(GAMES.npy as written by `nlhf generate random --n 10 --count B --out GAMES.npy`; Debian's python3-numpy.)
Prints the seconds of the loop (loading excluded), the iterations run and how many games reached TOL.
"""
import sys
import time

import numpy as np


def batched_omwu(P, iterations, tolerance, eta=1.0):
    A = P - 0.5  # the skew payoff of a preference game (P + Pᵀ = 1)
    B, n, _ = A.shape
    log_pi = np.full((B, n), -np.log(n))
    pi = np.exp(log_pi)
    g_prev = (A @ pi[..., None])[..., 0]
    gap = np.full(B, np.inf)
    t = 0
    for t in range(1, iterations + 1):
        g = (A @ pi[..., None])[..., 0]
        gap = 2 * g.max(axis=1)  # self-play gap of a symmetric zero-sum game
        if (gap <= tolerance).all():
            break
        log_pi = log_pi + eta * (2 * g - g_prev)
        m = log_pi.max(axis=1, keepdims=True)
        log_pi = log_pi - (m + np.log(np.exp(log_pi - m).sum(axis=1, keepdims=True)))
        pi = np.exp(log_pi)
        g_prev = g
    return t, int((gap <= tolerance).sum())


if __name__ == "__main__":
    games = np.load(sys.argv[1])
    iterations, tolerance = int(sys.argv[2]), float(sys.argv[3])
    start = time.perf_counter()
    run, reached = batched_omwu(games, iterations, tolerance)
    seconds = time.perf_counter() - start
    print(f"games {games.shape[0]} n {games.shape[1]} iterations {run} reached {reached} seconds {seconds:.3f} "
          f"us_per_batch_iteration {1e6 * seconds / run:.1f}")
