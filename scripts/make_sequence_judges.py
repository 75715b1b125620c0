#!/usr/bin/python3
"""Writes the tiny TorchScript preference models that `sequence_test` loads (tests/data/judges/).

judge.pt: P(first > second) = sigmoid(w . (c1 - c2) + c1^T S c2), c = the counts of tokens 0, 1, 2 in a
row (the end token 3 and anything after it not counted: it is token 3), w and S (skew-symmetric) below;
sequence_test.cc computes the same function in C++ and compares. one_argument.pt takes one batch (a wrong
signature) and wrong_shape.pt returns B x 2 numbers: both must be refused with exit-2 errors when loaded.
nan_judge.pt answers NaN where the first text holds token 2 at least twice, and overconfident.pt answers
0.9 to every pair (so P(y > y') + P(y' > y) = 1.8): both pass the check made at load, and the games built
from them must be refused naming the module, the prompt and the pair.

Run with Debian's interpreter: /usr/bin/python3 scripts/make_sequence_judges.py
"""
import os
import sys

import torch

WEIGHTS = [0.5, -1.0, 0.25]
SKEW = [[0.0, 1.5, -0.5], [-1.5, 0.0, 2.0], [0.5, -2.0, 0.0]]


class Judge(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("w", torch.tensor(WEIGHTS, dtype=torch.float64))
        self.register_buffer("s", torch.tensor(SKEW, dtype=torch.float64))

    def counts(self, tokens: torch.Tensor) -> torch.Tensor:
        return torch.nn.functional.one_hot(tokens, 4)[:, :, :3].sum(1).to(torch.float64)

    def forward(self, first: torch.Tensor, second: torch.Tensor) -> torch.Tensor:
        c1 = self.counts(first)
        c2 = self.counts(second)
        return torch.sigmoid((c1 - c2) @ self.w + ((c1 @ self.s) * c2).sum(1))


class OneArgument(torch.nn.Module):
    def forward(self, first: torch.Tensor) -> torch.Tensor:
        return torch.full([first.shape[0]], 0.5, dtype=torch.float64)


class WrongShape(torch.nn.Module):
    def forward(self, first: torch.Tensor, second: torch.Tensor) -> torch.Tensor:
        return torch.full([first.shape[0], 2], 0.5, dtype=torch.float64)


class NanJudge(torch.nn.Module):
    def forward(self, first: torch.Tensor, second: torch.Tensor) -> torch.Tensor:
        twice = (first == 2).sum(1) >= 2
        return torch.where(twice, torch.full([first.shape[0]], float("nan"), dtype=torch.float64),
                           torch.full([first.shape[0]], 0.5, dtype=torch.float64))


class Overconfident(torch.nn.Module):
    def forward(self, first: torch.Tensor, second: torch.Tensor) -> torch.Tensor:
        return torch.full([first.shape[0]], 0.9, dtype=torch.float64)


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "tests", "data", "judges")
    os.makedirs(folder, exist_ok=True)
    modules = (("judge.pt", Judge()), ("one_argument.pt", OneArgument()), ("wrong_shape.pt", WrongShape()),
               ("nan_judge.pt", NanJudge()), ("overconfident.pt", Overconfident()))
    for name, module in modules:
        torch.jit.save(torch.jit.script(module), os.path.join(folder, name))


if __name__ == "__main__":
    main()
