#!/usr/bin/python3
"""HiGHS (through SciPy's linprog) on the maximin LP of a preference matrix, for `make bench`.

Usage: bench_highs.py GAME.npy  ->  prints "seconds gap": the solve alone (the matrix already in memory,
SciPy imported) and the duality gap of its answer recomputed from the policy, as nlhf defines it for a
symmetric game: 2 max_a (A x)_a with A = P - 1/2 (the game's value is 0; docs/algorithms.md). The same LP as nlhf's exact solvers (solvers/exact_lp.h).
"""
import sys
import time

import numpy as np
from scipy.optimize import linprog


def main():
    p = np.load(sys.argv[1])
    a = p - 0.5
    n = a.shape[0]
    # Variables x_1..x_n, v: maximize v s.t. (A^T x)_j >= v, sum x = 1, x >= 0.
    cost = np.zeros(n + 1)
    cost[n] = -1.0
    upper = np.hstack([-a.T, np.ones((n, 1))])
    equality = np.hstack([np.ones((1, n)), np.zeros((1, 1))])
    bounds = [(0, None)] * n + [(None, None)]
    start = time.perf_counter()
    result = linprog(cost, A_ub=upper, b_ub=np.zeros(n), A_eq=equality, b_eq=[1.0], bounds=bounds, method="highs")
    seconds = time.perf_counter() - start
    x = np.maximum(result.x[:n], 0.0)
    x /= x.sum()
    print(f"{seconds:.6f} {2 * float((a @ x).max()):.3e}")


if __name__ == "__main__":
    main()
