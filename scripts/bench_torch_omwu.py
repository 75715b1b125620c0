"""The PyTorch loop a researcher writes by hand for tabular OMWU (brief §5's second anchor): the NumPy
loop of bench_numpy.py with torch tensors, float64, on the CPU with PyTorch's default threads. Prints
µs per iteration for each n given: the median of five timed runs, as `nlhf bench` reports.

Usage: /usr/bin/python3 scripts/bench_torch_omwu.py N [N ...]   (Debian's python3-torch)
"""
import sys
import time

import torch


def omwu_microseconds_per_iteration(n, iterations, seed=0):
    generator = torch.Generator().manual_seed(seed)
    upper = torch.triu(torch.rand(n, n, dtype=torch.float64, generator=generator), 1)
    A = 0.5 * (upper - upper.T)  # skew, entries in (−1/2, 1/2); scale does not matter for timing
    log_pi = torch.full((n,), -torch.log(torch.tensor(float(n), dtype=torch.float64)).item(), dtype=torch.float64)
    pi = torch.exp(log_pi)
    g_prev = A @ pi
    eta = 1.0
    with torch.no_grad():
        start = time.perf_counter()
        for _ in range(iterations):
            g = A @ pi
            gap = 2 * g.max()
            log_pi = log_pi + eta * (2 * g - g_prev)
            log_pi = log_pi - torch.logsumexp(log_pi, 0)
            pi = torch.exp(log_pi)
            g_prev = g
        elapsed = time.perf_counter() - start
    assert torch.isfinite(gap)
    return 1e6 * elapsed / iterations


if __name__ == "__main__":
    for argument in sys.argv[1:]:
        n = int(argument)
        iterations = max(20, int(2e7 / (n * n + 2000)))
        runs = sorted(omwu_microseconds_per_iteration(n, iterations) for _ in range(5))
        print(f"{n} {runs[2]:.4g}")
