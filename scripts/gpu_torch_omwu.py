"""The PyTorch loop nlhf's CUDA batch is measured against (scripts/gpu-check.sh, docs/benchmarks.md).

Batched OMWU as a user would write it in PyTorch eager mode on the GPU, float64, in the log domain:
log pi += eta (2 A pi_t - A pi_{t-1}), normalized by logsumexp, the gap 2 max (A pi) computed every
iteration as nlhf's stopping rule needs. Prints one JSON line per size: microseconds per iteration.
    python3 scripts/gpu_torch_omwu.py [games=100000] [n=10] [iterations=1000]
"""
import json
import sys
import time

import torch


def random_games(games, n, seed):
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(games, n, n, generator=generator, dtype=torch.float64).triu(1)
    x = x - x.transpose(1, 2)
    return torch.sigmoid(x) - 0.5


def time_omwu(a, eta, iterations):
    games, n, _ = a.shape
    log_pi = torch.full((games, n), -torch.log(torch.tensor(float(n))).item(), dtype=a.dtype, device=a.device)
    g = torch.bmm(a, log_pi.exp().unsqueeze(2)).squeeze(2)
    previous = g
    torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(iterations):
        log_pi = log_pi + eta * (2 * g - previous)
        log_pi = log_pi - torch.logsumexp(log_pi, dim=1, keepdim=True)
        previous = g
        g = torch.bmm(a, log_pi.exp().unsqueeze(2)).squeeze(2)
        gap = 2 * g.max(dim=1).values
    torch.cuda.synchronize()
    return (time.perf_counter() - start) / iterations, gap


def main():
    games = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    iterations = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
    if not torch.cuda.is_available():
        print(json.dumps({"measure": "torch_loop", "error": "torch sees no CUDA device"}))
        return 2
    for batch in (games, 1):
        a = random_games(batch, n, 1).cuda()
        time_omwu(a, 0.5, 20)  # warm-up: kernels loaded, the allocator filled
        seconds, gap = time_omwu(a, 0.5, iterations)
        print(json.dumps({"measure": "torch_loop", "games": batch, "n": n, "iterations": iterations,
                          "microseconds_per_iteration": 1e6 * seconds, "torch": torch.__version__,
                          "device": torch.cuda.get_device_name(), "final_max_gap": gap.max().item()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
