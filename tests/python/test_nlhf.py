"""Tests of the Python module against the command line, the exact LP and known equilibria.

Run by CTest with PYTHONPATH=build/python and NLHF_CLI=build/nlhf, using Debian's /usr/bin/python3.
"""
import json
import os
import pathlib
import subprocess

import numpy as np
import pytest

import nlhf

ROOT = pathlib.Path(__file__).resolve().parents[2]
SOCCER = ROOT / "data" / "soccer.txt"
CLI = os.environ.get("NLHF_CLI", str(ROOT / "build" / "nlhf"))


def cli_json(*args):
    out = subprocess.run([CLI, *map(str, args), "--json"], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def test_solve_matches_the_cli_on_the_soccer_data():
    P = np.loadtxt(SOCCER)
    result = nlhf.solve(P)
    cli = cli_json("solve", SOCCER)
    assert result.converged and cli["converged"]
    assert result.iterations == cli["iterations"]
    np.testing.assert_array_equal(result.policy, np.array(cli["policy"]))
    assert result.duality_gap == cli["duality_gap"]
    assert list(result.support) == cli["support"] == [1, 8, 9]


def test_plain_omwu_trace_matches_the_cli_trace(tmp_path):
    P = np.loadtxt(SOCCER)
    result = nlhf.solve(P, polish=False, iters=500, tol=0, trace_every=50)
    subprocess.run([CLI, "solve", SOCCER, "--no-polish", "--iters", "500", "--tol", "0", "--trace",
                    tmp_path / "t.csv", "--trace-every", "50"], check=True, capture_output=True)
    table = np.genfromtxt(tmp_path / "t.csv", delimiter=",", names=True)
    np.testing.assert_array_equal(result.trace["iteration"], table["iteration"])
    np.testing.assert_array_equal(result.trace["duality_gap"], table["duality_gap"])


@pytest.mark.parametrize("algo", ["omwu", "egpo", "prox"])
def test_last_iterate_methods_agree_with_the_exact_lp(algo):
    for seed in range(3):
        P = nlhf.generate("random", 12, seed=seed)
        exact = nlhf.solve(P, "lp")
        answer = nlhf.solve(P, algo, tol=1e-10)
        assert exact.duality_gap <= 1e-12
        assert answer.converged and answer.duality_gap <= 1e-10
        assert np.abs(answer.policy - exact.policy).sum() < 1e-6


def test_planted_equilibrium_and_duality_gap():
    P, pi = nlhf.generate("planted", 9, seed=4, return_equilibrium=True)
    assert nlhf.duality_gap(P, pi) < 1e-14
    assert nlhf.duality_gap(P, np.eye(9)[0]) > 0.1
    result = nlhf.solve(P)  # odd n: the planted full-support NE is the unique one
    assert result.converged
    np.testing.assert_allclose(result.policy, pi, atol=1e-9)


def test_payoff_games_return_both_players():
    delta = 0.05
    A = nlhf.generate("hard2x2", delta=delta)
    result = nlhf.solve(A, payoff=True)
    np.testing.assert_allclose(result.row_policy, [1 / (1 + delta), delta / (1 + delta)], atol=1e-8)
    np.testing.assert_allclose(result.column_policy, [1 / (2 + 2 * delta), (1 + 2 * delta) / (2 + 2 * delta)], atol=1e-8)
    assert nlhf.duality_gap(A, result.row_policy, result.column_policy, payoff=True) <= 1e-9
    assert nlhf.solve(nlhf.generate("rps")).column_policy is None


@pytest.mark.parametrize("convert", [
    lambda P: P,
    lambda P: np.asfortranarray(P),
    lambda P: P.astype(np.float32),
    lambda P: np.asfortranarray(P.astype(np.float32)),
    lambda P: np.pad(P, ((0, 0), (0, 3)))[:, :10],          # non-contiguous rows
    lambda P: np.ascontiguousarray(P[::-1, ::-1])[::-1, ::-1],  # negative strides
])
def test_dtype_and_layout_give_the_same_equilibrium(convert):
    P = np.loadtxt(SOCCER)
    reference = nlhf.solve(P)
    result = nlhf.solve(convert(P))
    assert result.converged
    np.testing.assert_allclose(result.policy, reference.policy, atol=1e-6)


def test_integer_matrices_are_accepted_as_payoffs():
    result = nlhf.solve(np.array([[3, 0], [1, 2]]), payoff=True)
    np.testing.assert_allclose(result.row_policy, [0.25, 0.75], atol=1e-8)


@pytest.mark.parametrize("bad, fragment", [
    (np.full((2, 3), 0.5), "square"),
    (np.array([[0.5, np.nan], [0.5, 0.5]]), "not finite"),
    (np.array([[0.5, 1.5], [-0.5, 0.5]]), "[0, 1]"),
    (np.array([[0.5, 0.7], [0.2, 0.5]]), "P + Pᵀ must equal 1"),
    (np.zeros(3), "2-D"),
    (np.array([["a", "b"], ["c", "d"]]), "real numbers"),
])
def test_bad_matrices_raise_value_error_with_the_cli_message(bad, fragment):
    with pytest.raises(ValueError, match=None) as error:
        nlhf.solve(bad)
    assert fragment in str(error.value)


def test_matrix_messages_count_from_zero_as_numpy_does():
    with pytest.raises(ValueError) as error:
        nlhf.solve(np.array([[0.5, 0.5, 0.5], [0.5, 0.5, 0.7], [0.5, 0.6, 0.5]]))
    assert "<array>: P[1, 2]: P[1, 2] + P[2, 1] = 0.7 + 0.6" in str(error.value)
    assert "pass symmetrize=True" in str(error.value) and "--" not in str(error.value)
    with pytest.raises(ValueError, match=r"A\[1, 0\]: entry nan"):
        nlhf.solve(np.array([[0.0, 1.0], [np.nan, 0.0]]), payoff=True)


def test_bad_options_raise_value_error():
    P = np.loadtxt(SOCCER)
    with pytest.raises(ValueError, match="eta > 0"):
        nlhf.solve(P, eta=-1)
    with pytest.raises(ValueError, match="unknown algorithm 'nope'"):
        nlhf.solve(P, "nope")
    with pytest.raises(ValueError, match="lp has no parameter"):
        nlhf.solve(P, "lp", params={"eta": 1})


def test_the_old_name_of_eta_still_works_with_a_deprecation_warning():
    P = np.loadtxt(SOCCER)
    with pytest.warns(DeprecationWarning, match="params\\['step_size'\\] is deprecated"):
        old = nlhf.solve(P, "omwu", params={"step_size": 0.5}, iters=50, tol=0, polish=False)
    new = nlhf.solve(P, "omwu", eta=0.5, iters=50, tol=0, polish=False)
    assert old.algorithm == new.algorithm == "omwu(eta=0.5)"
    assert old.duality_gap == new.duality_gap
    with pytest.raises(ValueError, match="log-probabilities"):
        nlhf.solve(P, init=np.zeros(3))


def test_init_with_minus_5000_and_the_trace_of_log_policies():
    P = nlhf.generate("cyclic3")
    result = nlhf.solve(P, init=np.array([-50.0, 0.0, 0.0]), polish=False, trace_every=100, trace_policy=True)
    assert result.converged
    log_policy = result.trace["log_policy"]
    assert log_policy.shape == (len(result.trace["iteration"]), 3)
    assert log_policy[0, 0] < -49 and log_policy[-1, 0] > -3


def test_symmetrize_repairs_p():
    P = np.array([[0.5, 0.7], [0.2, 0.5]])
    assert nlhf.solve(P, symmetrize=True).policy[0] == pytest.approx(1.0)


def test_algorithms_lists_every_registered_method():
    names = [a["name"] for a in nlhf.algorithms()]
    assert {"omwu", "mwu", "mwu-avg", "nash-md", "mmd", "egpo", "lp"} <= set(names)
    omwu = next(a for a in nlhf.algorithms() if a["name"] == "omwu")
    assert omwu["parameters"][0]["name"] == "eta"


def test_rank_from_a_path_matches_the_cli():
    battles = ROOT / "tests" / "data" / "ranking" / "battles.csv"
    ranking = nlhf.rank(battles, as_frame=False)
    cli = cli_json("rank", battles)
    assert [c["name"] for c in ranking["candidates"]] == [c["name"] for c in cli["candidates"]]
    assert ranking["duality_gap"] <= 1e-9
    assert ranking["top_cycle"] == ["a", "b", "c"]


def test_rank_from_a_data_frame_like_mapping():
    frame = {"model_a": ["x", "y", "z", "x"], "model_b": ["y", "z", "x", "y"],
             "winner": ["model_a", "model_a", "model_a", "tie"]}
    ranking = nlhf.rank(frame, bootstrap=20, seed=1, as_frame=False)
    assert ranking["duality_gap"] <= 1e-9
    assert "ne_interval" in ranking["candidates"][0]
    with pytest.raises(ValueError, match="winner 'won'"):
        nlhf.rank({"model_a": ["x"], "model_b": ["y"], "winner": ["won"]}, as_frame=False)
    # The winner as a model's name, as the file readers take it.
    by_name = nlhf.rank({"model_a": ["x", "y", "z", "x"], "model_b": ["y", "z", "x", "y"],
                         "winner": ["x", "y", "z", "tie"]}, as_frame=False)
    assert [c["ne_probability"] for c in by_name["candidates"]] == \
        [c["ne_probability"] for c in nlhf.rank(frame, as_frame=False)["candidates"]]


def resident_kib():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


def test_repeated_solves_do_not_leak_memory():
    P = nlhf.generate("random", 30, seed=1)
    for _ in range(50):  # warm up allocator pools
        nlhf.solve(P, iters=1000, tol=0, polish=False, trace_every=10)
    before = resident_kib()
    for _ in range(1000):
        result = nlhf.solve(P, iters=1000, tol=0, polish=False, trace_every=10)
        assert result.iterations == 1000
    growth = resident_kib() - before
    assert growth < 8 * 1024, f"resident memory grew by {growth} KiB over 1000 solves"


@pytest.mark.parametrize("dtype, noise", [(np.float64, 5e-10), (np.float32, 0.0)])
def test_cli_and_python_solve_the_same_stated_game(tmp_path, dtype, noise):
    # Near-complementary P (within the default tolerance of its precision): both accept it, solve its
    # projection (P + 1 - P^T)/2, and print the same certificate, never negative beyond rounding.
    rng = np.random.default_rng(7)
    upper = np.triu(rng.uniform(size=(12, 12)), 1)
    P = upper + np.tril(1 - upper.T, -1) + 0.5 * np.eye(12)
    P = np.clip(P + noise * rng.uniform(-1, 1, size=P.shape), 0, 1).astype(dtype)
    path = tmp_path / "game.npy"
    np.save(path, P)
    cli = cli_json("solve", path)
    result = nlhf.solve(P)
    assert cli["converged"] and result.converged
    assert result.duality_gap == cli["duality_gap"]
    np.testing.assert_array_equal(result.policy, np.array(cli["policy"]))
    assert -cli["certificate_rounding_bound"] <= cli["duality_gap"] <= 1e-9
    assert 0 < cli["projection_max_change"] <= (1e-6 if dtype == np.float32 else 1e-9)


def test_default_algorithm_is_chosen_by_size_as_on_the_command_line():
    small = nlhf.solve(nlhf.generate("random", n=20, seed=1))
    assert small.algorithm.startswith("omwu(") and "20 actions < 200" in small.algorithm_choice
    middle = nlhf.solve(nlhf.generate("random", n=200, seed=4))
    assert middle.algorithm.startswith("ipm(") and middle.converged and "interior point" in middle.algorithm_choice
    big = nlhf.solve(nlhf.generate("random", n=1000, seed=4))
    assert big.algorithm.startswith("pdhg(") and big.converged and big.duality_gap <= 1e-9
    assert nlhf.solve(nlhf.generate("random", n=200, seed=4), eta=1.0, iters=5).algorithm.startswith("omwu(")
    named = nlhf.solve(nlhf.generate("random", n=20, seed=1), "pdhg")
    assert named.algorithm.startswith("pdhg(") and named.algorithm_choice == ""


class CsvFrame:
    """The part of a pandas DataFrame that nlhf.rank uses: to_csv(index=False) returns the table as CSV."""

    def __init__(self, csv):
        self.csv = csv

    def to_csv(self, index=True):
        assert index is False
        return self.csv


def test_rank_takes_a_data_frame_in_every_table_format():
    judgments = CsvFrame("question_id,model,score\nq1,x,3\nq1,y,5\nq2,x,4\nq2,y,1\nq3,x,2\nq3,y,9\n")
    ranking = nlhf.rank(judgments, as_frame=False)
    assert ranking["format"] == "judgments"
    assert ranking["candidates"][0]["name"] == "y"
    scores = nlhf.rank(CsvFrame("x,y,z\n1,2,3\n3,2,1\n2,3,1\n1,3,2\n"), as_frame=False)
    assert scores["format"] == "score-table"
    # Errors name the frame's row, 0-based as pandas counts.
    with pytest.raises(ValueError, match=r"<data frame>: row 1: score 'high' is not a number"):
        nlhf.rank(CsvFrame("question_id,model,score\nq1,x,3\nq1,y,high\n"), as_frame=False)


def test_rank_options_of_the_command_line():
    battles = ROOT / "tests" / "data" / "ranking" / "battles.csv"
    anchored = nlhf.rank(battles, anchor=("b", 1500.0), bootstrap=10, cluster="question_id", as_frame=False)
    b = next(c for c in anchored["candidates"] if c["name"] == "b")
    assert b["bt_rating"] == pytest.approx(1500.0)
    assert anchored["bootstrap_clusters"] == 3  # q1, q2, q3
    assert "rank_interval" in b
    with pytest.raises(ValueError, match="fill='x'"):
        nlhf.rank(battles, fill="x", as_frame=False)


def test_rank_nash_averaging_and_the_bt_prior():
    # Agents a and b each master one task, c is middling; t1 padded with copies changes nothing.
    table = CsvFrame("task,a,b,c\nt1,1,0,0.5\nt2,0,1,0.5\nt1b,1,0,0.5\nt1c,1,0,0.5\n")
    ranking = nlhf.rank(table, as_frame=False)
    assert ranking["nash_averaging"]["value"] == pytest.approx(0.5)
    assert [c["nash_skill"] for c in ranking["candidates"]] == pytest.approx([0.5, 0.5, 0.5])
    weights = {t["name"]: t["probability"] for t in ranking["nash_averaging"]["tasks"]}
    assert weights["t2"] == pytest.approx(0.5) and weights["t1b"] == pytest.approx(1 / 6)
    undefeated = {"model_a": ["x"] * 6, "model_b": ["y"] * 6, "winner": ["model_a"] * 6}
    gap = lambda r: r["candidates"][0]["bt_rating"] - r["candidates"][1]["bt_rating"]
    with_prior = nlhf.rank(undefeated, as_frame=False)
    assert with_prior["bt_prior_sd"] == 400 and gap(with_prior) < 1000
    assert gap(nlhf.rank(undefeated, bt_prior=0, as_frame=False)) > 2000
    with pytest.raises(ValueError, match="bt_prior=-1"):
        nlhf.rank(undefeated, bt_prior=-1, as_frame=False)


def test_rank_takes_a_preference_matrix_as_an_array():
    P = np.loadtxt(SOCCER)
    from_array = nlhf.rank(P, as_frame=False)
    from_file = nlhf.rank(SOCCER, as_frame=False)
    assert from_array["candidates"] == from_file["candidates"]
    assert from_array["format"] == "matrix"
    with pytest.raises(ValueError, match=r"<array>: P\[0, 1\]: P\[0, 1\] \+ P\[1, 0\]"):
        nlhf.rank(np.array([[0.5, 0.9], [0.9, 0.5]]), as_frame=False)
    with pytest.raises(ValueError, match="format='battles': an array is read as a preference matrix"):
        nlhf.rank(P, format="battles", as_frame=False)


def test_version_and_payoff_hint():
    assert nlhf.__version__.count(".") == 2
    rps_payoff = np.array([[0.0, -1.0, 1.0], [1.0, 0.0, -1.0], [-1.0, 1.0, 0.0]])
    with pytest.raises(ValueError, match="pass payoff=True"):
        nlhf.solve(rps_payoff)
    assert nlhf.solve(rps_payoff, payoff=True).duality_gap <= 1e-9


class LabelledMatrix:
    """A data frame's shape as nlhf.solve sees it: an index of labels, columns, and the values."""

    def __init__(self, values, labels):
        self.values, self.index, self.columns = values, labels, labels

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self.values, dtype=dtype)


def test_solve_keeps_a_data_frames_labels():
    P = np.loadtxt(SOCCER)
    labels = [f"agent{k}" for k in range(10)]
    assert nlhf.solve(LabelledMatrix(P, labels)).responses == labels


def test_solve_takes_a_tensor_that_requires_grad():
    torch = pytest.importorskip("torch")
    P = torch.tensor(np.loadtxt(SOCCER), requires_grad=True)
    assert nlhf.solve(P).duality_gap <= 1e-9


def test_rank_returns_a_data_frame_where_pandas_is_there():
    pandas = pytest.importorskip("pandas")
    battles = ROOT / "tests" / "data" / "ranking" / "battles.csv"
    frame = nlhf.rank(battles, bootstrap=10, seed=1)
    assert isinstance(frame, pandas.DataFrame)
    as_dict = nlhf.rank(battles, bootstrap=10, seed=1, as_frame=False)
    assert list(frame.index) == [c["name"] for c in as_dict["candidates"]]
    assert list(frame["ne_probability"]) == [c["ne_probability"] for c in as_dict["candidates"]]
    assert list(frame["bt_interval_low"]) == [c["bt_interval"][0] for c in as_dict["candidates"]]
    assert frame.attrs["duality_gap"] == as_dict["duality_gap"]
    assert frame.attrs["top_cycle"] == ["a", "b", "c"]
    # A pandas data frame of judgments goes in as it is.
    judgments = pandas.DataFrame({"question_id": ["q1", "q1", "q2", "q2"], "model": ["x", "y", "x", "y"],
                                  "score": [3, 5, 4, 1]})
    assert nlhf.rank(judgments).attrs["format"] == "judgments"


def test_rank_speaks_python():
    battles = ROOT / "tests" / "data" / "ranking" / "battles.csv"
    with pytest.raises(ValueError, match=r"no 'nope' column .*name it with cluster=NAME"):
        nlhf.rank(battles, cluster="nope", as_frame=False)
    with pytest.raises(ValueError, match=r"anchor zed: no candidate"):
        nlhf.rank(battles, anchor=("zed", 1.0), as_frame=False)
    # Column names by role, as --model-a/--winner map them: AlpacaEval's annotations.
    alpaca = ROOT / "tests" / "data" / "ranking" / "alpacaeval_annotations.json"
    ranking = nlhf.rank(alpaca, columns={"model_a": "generator_1", "model_b": "generator_2",
                                         "winner": "preference"}, score_range=(2, 1), as_frame=False)
    assert ranking["format"] == "battles"
    with pytest.raises(ValueError, match="unknown role 'judge'"):
        nlhf.rank(battles, columns={"judge": "x"}, as_frame=False)


def test_solve_batch_matches_nlhf_batch_on_the_same_npy_file(tmp_path):
    games = tmp_path / "games.npy"
    subprocess.run([CLI, "generate", "random", "--n", "7", "--count", "30", "--seed", "4", "--out", str(games)],
                   check=True, capture_output=True)
    out = subprocess.run([CLI, "batch", str(games), "--tol", "1e-10"], check=True, capture_output=True, text=True)
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    P = np.load(games, mmap_mode="r")  # read where it lies
    answers = nlhf.solve_batch(P, tol=1e-10)
    assert answers["policy"].shape == (30, 7)
    for k, line in enumerate(lines):
        np.testing.assert_array_equal(answers["policy"][k], np.array(line["policy"]))
        assert answers["duality_gap"][k] == line["duality_gap"]
        assert answers["iterations"][k] == line["iterations"]
        assert bool(answers["converged"][k]) == line["converged"]
        assert answers["algorithm"][k] == line["algorithm"]
    # Game by game, the same answers as nlhf.solve with the same settings; the certificate is independent.
    for k in (0, 29):
        single = nlhf.solve(np.array(P[k]), tol=1e-10, iters=20000)
        np.testing.assert_array_equal(answers["policy"][k], single.policy)
        assert nlhf.duality_gap(np.array(P[k]), answers["policy"][k]) <= 1e-10


def test_solve_batch_names_the_bad_game_and_takes_any_dtype():
    P = np.full((3, 2, 2), 0.5)
    P[2, 0, 1] = 0.9
    with pytest.raises(ValueError, match=r"P\[2\].*P \+ Pᵀ must equal 1"):
        nlhf.solve_batch(P)
    with pytest.raises(ValueError, match="3-D"):
        nlhf.solve_batch(np.full((2, 2), 0.5))
    P[2, 0, 1] = 0.5
    as_float32 = nlhf.solve_batch(P.astype(np.float32).transpose(0, 2, 1))  # float32, not C order
    assert as_float32["converged"].all()
    np.testing.assert_allclose(as_float32["policy"].sum(axis=1), 1.0)
    with pytest.raises(ValueError, match="unknown algorithm"):
        nlhf.solve_batch(P, "nope")
