"""`nlhf.solve_batch` on a (B, n, n) .npy file, timed as a user's script would see it: np.load (memory-mapped)
and the solve, ITERS plain OMWU iterations per game (no polishing, tolerance 0), as the NumPy loop of
scripts/bench_batch_numpy.py runs them. Prints the seconds of one run (the module imported before).

Usage: PYTHONPATH=build/python /usr/bin/python3 scripts/bench_batch_python.py GAMES.npy ITERS
"""
import sys
import time

import numpy as np

import nlhf

if __name__ == "__main__":
    path, iterations = sys.argv[1], int(sys.argv[2])
    start = time.perf_counter()
    nlhf.solve_batch(np.load(path, mmap_mode="r"), algo="omwu", iters=iterations, tol=0, polish=False)
    seconds = time.perf_counter() - start
    print(f"{seconds:.3f}")
