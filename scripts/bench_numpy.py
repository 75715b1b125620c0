"""The OMWU loop a researcher writes by hand (docs/benchmarks.md): self-play, one matvec per iteration, log-domain
update with log-sum-exp, float64 — in NumPy, or with --torch in PyTorch (CPU, its default threads), the
the second reference loop of docs/benchmarks.md. Prints µs per iteration for each n given: the median of five timed runs, as
`nlhf bench` reports (the machines are shared and noisy).

Usage: /usr/bin/python3 scripts/bench_numpy.py [--torch] N [N ...]
(Debian's python3-numpy; python3-torch for --torch)
"""
import sys
import time

import numpy as np


def numpy_loop(A, iterations):
    n = A.shape[0]
    log_pi = np.full(n, -np.log(n))
    pi = np.exp(log_pi)
    g_prev = A @ pi
    eta = 1.0
    for _ in range(iterations):
        g = A @ pi
        gap = 2 * g.max()
        log_pi = log_pi + eta * (2 * g - g_prev)
        m = log_pi.max()
        log_pi = log_pi - (m + np.log(np.exp(log_pi - m).sum()))
        pi = np.exp(log_pi)
        g_prev = g
    assert np.isfinite(gap)


def torch_loop(A, iterations):  # torch is imported by the main block, outside the timed runs
    A = torch.from_numpy(A)
    n = A.shape[0]
    log_pi = torch.full((n,), -float(np.log(n)), dtype=torch.float64)
    pi = torch.exp(log_pi)
    g_prev = A @ pi
    eta = 1.0
    with torch.no_grad():
        for _ in range(iterations):
            g = A @ pi
            gap = 2 * g.max()
            log_pi = log_pi + eta * (2 * g - g_prev)
            log_pi = log_pi - torch.logsumexp(log_pi, 0)
            pi = torch.exp(log_pi)
            g_prev = g
    assert torch.isfinite(gap)


def microseconds_per_iteration(loop, n, iterations, seed=0):
    rng = np.random.default_rng(seed)
    upper = np.triu(rng.uniform(size=(n, n)), 1)
    A = 0.5 * (upper - upper.T)  # skew, entries in (−1/2, 1/2); scale does not matter for timing
    start = time.perf_counter()
    loop(A, iterations)
    return 1e6 * (time.perf_counter() - start) / iterations


if __name__ == "__main__":
    arguments = sys.argv[1:]
    loop = numpy_loop
    if arguments and arguments[0] == "--torch":
        import torch  # at module scope: torch_loop sees it

        loop = torch_loop
        arguments = arguments[1:]
    for argument in arguments:
        n = int(argument)
        iterations = max(20, int(2e7 / (n * n + 2000)))
        runs = sorted(microseconds_per_iteration(loop, n, iterations) for _ in range(5))
        print(f"{n} {runs[2]:.4g}")
