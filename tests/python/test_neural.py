"""Tests of `nlhf_neural` (training from Python) against `nlhf.solve` and the command line's rules.

Skipped when nlhf was built without LibTorch. Run by CTest with PYTHONPATH=build/python.
"""
import numpy as np
import pytest

import nlhf

nlhf_neural = pytest.importorskip("nlhf_neural")


def planted(n, seed):
    game = nlhf.generate("planted", n=n, seed=seed)
    return game[0] if isinstance(game, tuple) else game


def test_tabular_sgd_is_the_tabular_solver():
    P = planted(12, 3)
    trained = nlhf_neural.train(P, policy="tabular", algo="omwu", eta=0.8, iters=200)
    solved = nlhf.solve(P, algo="omwu", eta=0.8, polish=False, iters=200, tol=0, trace_every=1)
    assert trained["backend"] == "fused"
    np.testing.assert_allclose(trained["policy"][0], solved.policy, atol=1e-12)
    np.testing.assert_allclose(trained["trace"]["mean_gap"], solved.trace["duality_gap"], atol=1e-9)


def test_contexts_from_a_3d_array_train_independently():
    contexts = np.stack([planted(6, seed) for seed in (1, 2, 3)])
    together = nlhf_neural.train(contexts, policy="tabular", iters=50)
    assert together["policy"].shape == (3, 6)
    for c in range(3):
        alone = nlhf_neural.train(contexts[c], policy="tabular", iters=50)
        assert together["gaps"][c] == pytest.approx(alone["gaps"][0], abs=1e-12)


def test_sampled_feedback_is_seeded_and_counts_its_queries():
    first = nlhf_neural.train(generate="random", n=15, seed=4, feedback="sampled", samples=30, lr=0.01, iters=100)
    second = nlhf_neural.train(generate="random", n=15, seed=4, feedback="sampled", samples=30, lr=0.01, iters=100)
    assert first["queries"] == 100 * 30
    np.testing.assert_array_equal(first["trace"]["mean_gap"], second["trace"]["mean_gap"])
    np.testing.assert_array_equal(first["policy"], second["policy"])


def test_bad_input_raises_value_error_with_the_cli_message():
    with pytest.raises(ValueError, match=r"P \+ P"):
        nlhf_neural.train(np.array([[0.5, 0.7], [0.2, 0.5]]))
    with pytest.raises(ValueError, match="give P, generate=KIND or vocab=V"):
        nlhf_neural.train(planted(4, 1), generate="rps")
    with pytest.raises(ValueError, match="unknown policy"):
        nlhf_neural.train(generate="rps", policy="lstm")
    with pytest.raises(ValueError, match="train it on sequence games"):
        nlhf_neural.train(generate="rps", policy="transformer")
    with pytest.raises(ValueError, match="features must be a finite 2 x d"):
        nlhf_neural.train([planted(4, 1), planted(4, 2)], policy="contextual", features=np.ones((3, 2)))
    with pytest.raises(ValueError, match="same number"):
        nlhf_neural.train([planted(4, 1), planted(5, 1)])


def test_methods_name_their_tabular_counterparts():
    methods = {m["name"]: m for m in nlhf_neural.methods()}
    assert methods["omwu"]["tabular_counterpart"] == "omwu"
    assert methods["inpo"]["tabular_counterpart"] == "online-ipo"
    assert methods["nash-md"]["regularized"] and methods["nash-md"]["default_beta"] == 0.05


def test_reference_policy_is_the_solvers():
    P = planted(9, 2)
    logits = np.random.default_rng(3).normal(size=9)
    reference = logits - np.log(np.exp(logits).sum())
    trained = nlhf_neural.train(P, policy="tabular", algo="mmd", eta=0.5, beta=0.2, iters=80, reference=reference)
    solved = nlhf.solve(P, algo="mmd", eta=0.5, params={"beta": 0.2}, polish=False, iters=80, tol=0,
                        reference=reference)
    np.testing.assert_allclose(trained["policy"][0], solved.policy, atol=1e-12)
    uniform = nlhf_neural.train(P, policy="tabular", algo="mmd", eta=0.5, beta=0.2, iters=80)
    assert np.abs(uniform["policy"][0] - trained["policy"][0]).max() > 1e-6
    with pytest.raises(ValueError, match="3 log-probabilities for 9 responses"):
        nlhf_neural.train(P, policy="tabular", algo="mmd", iters=5, reference=np.zeros(3))


def test_transformer_on_sequence_games_reports_the_exact_gap_of_its_policy():
    out = nlhf_neural.train(vocab=2, length=3, prompts=2, policy="transformer", width=8, iters=10, seed=1,
                            transitivity=0.0)
    assert out["gap_kind"] == "exact"
    assert out["policy"].shape == (2, 15)  # 1 + 2 + 4 + 8 responses per prompt
    np.testing.assert_allclose(out["policy"].sum(axis=1), 1.0, atol=1e-12)
    assert out["sequences"]["responses"][:3] == ["<empty>", "a", "b"]
    with pytest.raises(ValueError, match="at most 65536"):
        nlhf_neural.train(vocab=30, length=4)


def test_a_space_too_large_to_enumerate_trains_on_samples_with_an_estimated_gap():
    # V = 16, T = 5: 1,118,481 responses, never enumerated; the gaps are estimates with intervals.
    out = nlhf_neural.train(vocab=16, length=5, prompts=1, policy="transformer", width=8, iters=2, log_every=2,
                            feedback="sampled", samples=4, optimizer="adam", lr=3e-3, eta=0.3, seed=2,
                            estimate_gap=True)
    assert out["gap_kind"] == "estimated"
    assert "policy" not in out
    assert out["queries"] == 2 * 6 + 16
    assert out["gap_low"][0] <= out["gaps"][0] <= out["gap_high"][0]
    assert out["trace"]["mean_gap"][-1] == out["mean_gap"]
    with pytest.raises(ValueError, match="enumerable"):
        nlhf_neural.train(vocab=2, length=2, policy="transformer", feedback="sampled", estimate_gap=True)
    with pytest.raises(ValueError, match="mixture"):
        nlhf_neural.train(vocab=16, length=5, policy="transformer", feedback="sampled", algo="nash-md",
                          estimate_gap=True)


def test_sampled_feedback_on_sequence_games_is_on_policy_and_needs_two_samples():
    # 4 responses drawn per prompt and iteration: 6 pairwise queries each, OMWU 16 more from the second on.
    out = nlhf_neural.train(vocab=2, length=2, prompts=2, policy="tabular", iters=5, seed=1,
                            feedback="sampled", samples=4)
    assert out["queries"] == 2 * (5 * 6 + 4 * 16)
    assert out["backend"] == "autograd"
    with pytest.raises(ValueError, match="samples >= 2"):
        nlhf_neural.train(vocab=2, length=2, feedback="sampled", samples=1)
