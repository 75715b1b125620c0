"""The PyTorch loop a researcher writes by hand for neural OMWU (docs/neural.md, docs/benchmarks.md): the EGPO MLP (a learned
10-d input, two hidden layers of width 10 with ReLU, Xavier-normal weights, zero biases, softmax over n),
exact feedback, one forward, loss, backward and plain SGD step per iteration, plus the duality gap of the
current policy. The loss is nlhf's: the centred log-ratio regression onto the optimistic target
η(2g_t − g_{t−1}), g = (P − 1/2)π. Prints µs per iteration for each n given.

Usage: /usr/bin/python3 scripts/bench_torch_train.py [--threads T] [--dtype float64|float32] N [N ...]
(Debian's python3-torch)
"""
import argparse
import time

import torch


def egpo_mlp(n, dtype, generator):
    layers = [torch.nn.Linear(10, 10), torch.nn.ReLU(), torch.nn.Linear(10, 10), torch.nn.ReLU(),
              torch.nn.Linear(10, n)]
    net = torch.nn.Sequential(*layers).to(dtype)
    for layer in net:
        if isinstance(layer, torch.nn.Linear):
            torch.nn.init.xavier_normal_(layer.weight)  # from torch.manual_seed
            torch.nn.init.zeros_(layer.bias)
    z = torch.nn.Parameter(torch.randn(10, dtype=dtype, generator=generator))
    return net, z


def microseconds_per_iteration(n, iterations, dtype, seed=0):
    generator = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    upper = torch.triu(torch.rand(n, n, generator=generator, dtype=dtype) - 0.5, 1)
    A = upper - upper.T
    net, z = egpo_mlp(n, dtype, generator)
    optimizer = torch.optim.SGD(list(net.parameters()) + [z], lr=1.0)  # nlhf train's default
    eta = 1.0
    with torch.no_grad():
        log_pi_t = torch.log_softmax(net(z), dim=-1)
        g_prev = A @ log_pi_t.exp()
    start = time.perf_counter()
    for _ in range(iterations):
        log_pi = torch.log_softmax(net(z), dim=-1)
        with torch.no_grad():
            log_pi_t = log_pi.detach()
            g = A @ log_pi_t.exp()
            gap = 2 * g.max()
            target = eta * (2 * g - g_prev)
            g_prev = g
        residual = (log_pi - log_pi_t) - target
        residual = residual - residual.mean()
        loss = 0.5 * (residual * residual).sum()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    elapsed = time.perf_counter() - start
    assert torch.isfinite(gap)
    return 1e6 * elapsed / iterations


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--dtype", default="float64", choices=["float64", "float32"])
    parser.add_argument("--iterations", type=int, default=3000)
    parser.add_argument("sizes", nargs="+", type=int)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    dtype = getattr(torch, args.dtype)
    for n in args.sizes:
        microseconds_per_iteration(n, 200, dtype)  # warm-up
        print(f"{n} {microseconds_per_iteration(n, args.iterations, dtype):.4g}")
