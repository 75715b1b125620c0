"""The PyTorch loop a researcher writes by hand for neural OMWU on sequence games (docs/neural.md,
docs/benchmarks.md): the same small causal decoder as `nlhf train --policy transformer` (pre-norm blocks,
token and position embeddings, causal self-attention, a GELU MLP of 4x the width, float64), the exact
log-probability of every response of length 0..T over V tokens after each prompt in one batched forward,
nlhf's centred regression loss onto OMWU's target eta(2g_t - g_{t-1}), g = A pi per prompt, one backward
and one plain SGD step per iteration, plus the duality gap of the current policy.

Prints the microseconds per iteration.
Usage: /usr/bin/python3 scripts/bench_torch_sequence.py [--threads T] [--vocab V] [--length T] [--prompts C]
       [--prompt-length L] [--width W] [--layers N] [--heads H] [--iters K]   (Debian's python3-torch)
"""
import argparse
import itertools
import math
import time

import torch


class Decoder(torch.nn.Module):
    def __init__(self, vocab, length, width, layers, heads):
        super().__init__()
        self.heads = heads
        self.token = torch.nn.Embedding(vocab + 2, width)
        self.position = torch.nn.Embedding(length, width)
        self.blocks = torch.nn.ModuleList()
        for _ in range(layers):
            self.blocks.append(torch.nn.ModuleDict({
                "norm1": torch.nn.LayerNorm(width), "attention_in": torch.nn.Linear(width, 3 * width),
                "attention_out": torch.nn.Linear(width, width), "norm2": torch.nn.LayerNorm(width),
                "mlp_in": torch.nn.Linear(width, 4 * width), "mlp_out": torch.nn.Linear(4 * width, width)}))
        self.norm = torch.nn.LayerNorm(width)
        self.head = torch.nn.Linear(width, vocab + 1, bias=False)
        mask = torch.full((length, length), float("-inf")).triu(1)
        self.register_buffer("mask", mask)
        for p in self.parameters():
            if p.dim() > 1:
                torch.nn.init.normal_(p, 0.0, 0.02)

    def forward(self, tokens):
        rows, length = tokens.shape
        x = self.token(tokens) + self.position.weight[:length]
        for b in self.blocks:
            h = b["norm1"](x)
            q, k, v = b["attention_in"](h).view(rows, length, 3, self.heads, -1).permute(2, 0, 3, 1, 4)
            scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1]) + self.mask[:length, :length]
            mixed = (torch.softmax(scores, -1) @ v).transpose(1, 2).reshape(rows, length, -1)
            x = x + b["attention_out"](mixed)
            x = x + b["mlp_out"](torch.nn.functional.gelu(b["mlp_in"](b["norm2"](x))))
        return torch.log_softmax(self.head(self.norm(x)), -1)


def main():
    parser = argparse.ArgumentParser()
    for name, default in (("threads", 1), ("vocab", 3), ("length", 4), ("prompts", 2), ("prompt-length", 2),
                          ("width", 16), ("layers", 2), ("heads", 2), ("iters", 100)):
        parser.add_argument("--" + name, type=int, default=default)
    a = parser.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    v, t, end = a.vocab, a.length, a.vocab
    responses = [list(s) + [end] * (t - k) for k in range(t + 1) for s in itertools.product(range(v), repeat=k)]
    responses = torch.tensor(responses, dtype=torch.int64)  # N x T, end-padded
    n = responses.shape[0]
    lengths = (responses != end).cumprod(1).sum(1)
    counted = torch.arange(t).unsqueeze(0) <= lengths.unsqueeze(1)
    prompts = torch.randint(v, (a.prompts, a.prompt_length))
    inputs = torch.cat([torch.full((a.prompts * n, 1), v + 1), prompts.repeat_interleave(n, 0),
                        responses.repeat(a.prompts, 1)[:, :-1]], 1)
    targets = responses.repeat(a.prompts, 1)
    mask = counted.repeat(a.prompts, 1)
    upper = torch.triu(torch.rand(a.prompts, n, n, dtype=torch.float64) - 0.5, 1)
    payoff = upper - upper.transpose(1, 2)
    model = Decoder(v, a.prompt_length + t, a.width, a.layers, a.heads).double()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)

    def log_policy():
        predicted = model(inputs)[:, a.prompt_length:a.prompt_length + t]
        chosen = predicted.gather(2, targets.unsqueeze(2)).squeeze(2)
        return torch.where(mask, chosen, torch.zeros_like(chosen)).sum(1).view(a.prompts, n)

    g_prev = None
    start = None
    for it in range(a.iters + 1):
        if it == 1:
            start = time.perf_counter()  # the first iteration warms up
        log_pi = log_policy()
        with torch.no_grad():
            log_pi_t = log_pi.detach()
            g = torch.einsum("cij,cj->ci", payoff, log_pi_t.exp())
            gap = 2 * g.max(1).values  # the certificate, as nlhf computes every iteration
            target = 2 * g - (g if g_prev is None else g_prev)
            g_prev = g
        residual = (log_pi - log_pi_t) - target
        loss = 0.5 * ((residual - residual.mean(1, keepdim=True)) ** 2).sum() / a.prompts
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    print(f"{1e6 * (time.perf_counter() - start) / a.iters:.1f}")


if __name__ == "__main__":
    main()
