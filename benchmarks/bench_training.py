"""Training speed and accuracy of skmist's estimators against torch_mist's, side by side.

Run from the repository root, in an environment that has both packages::

    python benchmarks/bench_training.py            # the full run, ~2-3 min on 2 cores
    python benchmarks/bench_training.py --quick    # a smoke run of a few seconds

torch_mist is the peer being compared with, not a dependency of skmist. Its wheel pins
numpy<2 and omits pandas, so install it with ``--no-deps`` into a virtual environment
that sees the packages skmist uses, never into the project's own site-packages::

    python -m venv --system-site-packages /tmp/benchenv
    /tmp/benchenv/bin/pip install --no-deps torch-mist pyro-ppl opt_einsum pyro-api
    /tmp/benchenv/bin/python benchmarks/bench_training.py

Without torch_mist the script says so and runs the skmist half alone.

Both libraries run with ``torch.set_num_threads(--threads)`` (1 by default), on the CPU,
after a warm-up fit of each: the first optimizer a process builds imports
``torch._dynamo`` (about 1.7 s, the same for both), which is not a cost of either.
Measurements of the two libraries are interleaved, so load from other processes on a
shared machine hits them alike; every ratio is formed per repetition and the median is
reported.

1. **Time per training step at equal work.** The same critic on both sides: a joint MLP
   on ``[x, y]`` with one hidden layer of 128 SiLU units, and a separable critic
   ``g(x) . h(y)`` with ``g, h`` MLPs 5 -> 128 -> 32 (SiLU), with identical parameter
   counts (checked); batch size 128 and 127 negatives per positive (all other rows of
   the batch: skmist ``n_negatives=127``, torch_mist ``neg_samples=-1``); 5-d data.
   skmist's step is the slope of ``fit`` time between two ``max_iter`` values
   (``n_iter_no_change=None, validation_fraction=0``), which removes set-up and the
   final estimate; torch_mist's is the same slope of ``train_mi_estimator`` (its
   training loop, DataLoader included, ``early_stopping=False, logger=False``) and,
   as the stricter comparison, a bare loop of ``estimator.loss`` + backward + Adam on
   batches indexed from tensors (no DataLoader).

2. **End to end: fit and score to the same accuracy.** 5-d correlated Gaussian,
   ``n = 10,000``, per-dimension correlation ``rho`` with ``-5/2 log(1 - rho^2) = 1.73``
   nats; 80 % to fit, the held-out 20 % to score. skmist on its defaults
   (``SMILEEstimator(random_state=seed).fit(...).score(...)``, early stopping on its
   own validation split) against torch_mist SMILE as its README and factory set it up
   (``estimate_mi(estimator="smile", hidden_dims=[128])``: joint ReLU critic, one
   negative per positive, Adam at 5e-4, batch 128) for 2000 steps without early
   stopping, evaluated by ``estimate_mi`` on the same held-out 20 %. torch_mist runs
   with ``valid_percentage=0`` (no early stopping needs no validation, and it trains on
   all 80 %) and ``logger=False`` (its default logger evaluates the estimate on every
   training batch): its fastest set-up. A second torch_mist row uses skmist's default
   critic (separable 128 -> 32, SiLU, 127 negatives) for the same 2000 steps.

3. **Generative, quantized and hybrid estimators, time per step at equal work.** BA,
   DoE, CLUB, L1OUT, PQ and the resampled hybrid (DoE proposal + SMILE critic) with the
   same models on both sides (parameter counts printed); skmist's step is the slope of
   ``fit`` time as in 1., torch_mist's the bare loop of ``estimator.loss``.
"""

import argparse
import contextlib
import io
import math
import os
import statistics
import subprocess
import sys
import time

import numpy as np
import torch

import skmist

TRUE_MI = 1.73
DIM = 5
BATCH = 128
NEGATIVES = BATCH - 1
HIDDEN = 128
EMBEDDING = 32


# --- data --------------------------------------------------------------------------------


def gaussian(n, seed, mi=TRUE_MI, d=DIM):
    """x, y (n, d) float32, standard normal, per-dimension correlation giving ``mi`` nats."""
    rho = math.sqrt(1.0 - math.exp(-2.0 * mi / d))
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, d))
    y = rho * x + math.sqrt(1.0 - rho**2) * rng.standard_normal((n, d))
    return x.astype(np.float32), y.astype(np.float32)


# --- the peer ----------------------------------------------------------------------------


def load_torch_mist():
    """torch_mist's pieces, or None with a message on how to install it."""
    try:
        import torch_mist
        from torch_mist import estimate_mi
        from torch_mist.estimators import smile
        from torch_mist.utils.train import train_mi_estimator
    except ImportError as error:
        print(
            f"torch_mist is not importable ({error}); running the skmist half only.\n"
            "Install the peer into a separate environment (see this file's docstring):\n"
            "  python -m venv --system-site-packages /tmp/benchenv\n"
            "  /tmp/benchenv/bin/pip install --no-deps torch-mist pyro-ppl opt_einsum "
            "pyro-api\n"
            "  /tmp/benchenv/bin/python benchmarks/bench_training.py\n"
        )
        return None
    version = getattr(torch_mist, "__version__", None)
    if version is None:
        try:
            from importlib.metadata import version as dist_version

            version = dist_version("torch-mist")
        except Exception:  # noqa: BLE001 - the version is only printed
            version = "?"
    return {
        "version": version,
        "estimate_mi": estimate_mi,
        "smile": smile,
        "train_mi_estimator": train_mi_estimator,
    }


@contextlib.contextmanager
def quiet():
    """torch_mist prints [Info]/[Warning] lines; keep the tables readable."""
    with contextlib.redirect_stdout(io.StringIO()):
        yield


def torch_mist_critic_options(critic):
    if critic == "joint":
        return {"critic_type": "joint", "nonlinearity": torch.nn.SiLU()}
    # hidden_dims=[128] with k_dim=32: f_x, f_y are 5 -> 128 -> 32 MLPs, as skmist's.
    return {"critic_type": "separable", "k_dim": EMBEDDING, "nonlinearity": torch.nn.SiLU()}


def torch_mist_estimator(tm, critic, seed):
    torch.manual_seed(seed)  # torch_mist draws weights and batches from the global RNG
    return tm["smile"](
        x_dim=DIM, y_dim=DIM, hidden_dims=[HIDDEN], neg_samples=-1,
        **torch_mist_critic_options(critic),
    )


# --- 1. time per step --------------------------------------------------------------------


def skmist_estimator(critic, max_iter, seed=0):
    return skmist.SMILEEstimator(
        critic=critic, hidden_dims=(HIDDEN,), embedding_dim=EMBEDDING, batch_size=BATCH,
        n_negatives=NEGATIVES, max_iter=max_iter, n_iter_no_change=None,
        validation_fraction=0, device="cpu", random_state=seed,
    )


def skmist_fit_seconds(critic, x, y, steps):
    est = skmist_estimator(critic, steps)
    start = time.perf_counter()
    est.fit(x, y)
    elapsed = time.perf_counter() - start
    assert est.n_iter_ == steps, (est.n_iter_, steps)
    return elapsed


def torch_mist_loop_seconds(tm, critic, x, y, steps):
    estimator = torch_mist_estimator(tm, critic, seed=0)
    start = time.perf_counter()
    with quiet():
        tm["train_mi_estimator"](
            estimator, train_data=(x, y), valid_percentage=0, batch_size=BATCH,
            max_iterations=steps, optimizer_params={"lr": 1e-3}, early_stopping=False,
            verbose=False, logger=False,
        )
    return time.perf_counter() - start


def torch_mist_bare_seconds_per_step(tm, critic, x, y, steps):
    """estimator.loss + backward + Adam on batches indexed from tensors: the peer's math
    without its DataLoader."""
    estimator = torch_mist_estimator(tm, critic, seed=0)
    optimizer = torch.optim.Adam(estimator.parameters(), lr=1e-3)
    tx, ty = torch.from_numpy(x), torch.from_numpy(y)
    n = tx.shape[0]
    batches = [torch.randperm(n)[:BATCH] for _ in range(8)]

    def step(i):
        index = batches[i % len(batches)]
        loss = estimator.loss(tx[index], ty[index])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    estimator.train()
    for i in range(5):
        step(i)
    start = time.perf_counter()
    for i in range(steps):
        step(i)
    return (time.perf_counter() - start) / steps


def check_same_critic(tm, critic):
    ours = skmist_estimator(critic, 1)
    ours.fit(*gaussian(256, seed=0))
    n_ours = sum(p.numel() for p in ours.model_.parameters())
    theirs = sum(p.numel() for p in torch_mist_estimator(tm, critic, 0).parameters())
    if n_ours != theirs:
        raise AssertionError(f"{critic} critics differ: {n_ours} vs {theirs} parameters")
    return n_ours


def per_step(tm, quick, repeats):
    print("## 1. Time per training step at equal work\n")
    print(
        f"5-d data (n=1024), batch {BATCH}, {NEGATIVES} negatives per positive, SiLU; "
        f"median over {repeats} interleaved repetitions.\n"
    )
    x, y = gaussian(1024, seed=1)
    plan = {"joint": (20, 320), "separable": (20, 620)}
    if quick:
        plan = {"joint": (5, 25), "separable": (5, 45)}
    header = "| critic | params | skmist fit loop | torch_mist loop | torch_mist bare step |"
    header += " torch_mist loop / skmist | torch_mist bare / skmist |"
    rows = [header, "|---|---:|---:|---:|---:|---:|---:|"]
    results = {}
    for critic, (low, high) in plan.items():
        params = check_same_critic(tm, critic) if tm else "-"
        ours, loop, bare = [], [], []
        for _ in range(repeats):
            ours.append(
                (skmist_fit_seconds(critic, x, y, high) - skmist_fit_seconds(critic, x, y, low))
                / (high - low)
            )
            if tm:
                loop.append(
                    (torch_mist_loop_seconds(tm, critic, x, y, high)
                     - torch_mist_loop_seconds(tm, critic, x, y, low)) / (high - low)
                )
                bare.append(torch_mist_bare_seconds_per_step(tm, critic, x, y, high - low))
        med = statistics.median
        cells = [critic, str(params), f"{1e3 * med(ours):.2f} ms"]
        if tm:
            cells += [
                f"{1e3 * med(loop):.2f} ms",
                f"{1e3 * med(bare):.2f} ms",
                f"**{med([b / a for a, b in zip(ours, loop)]):.2f}x**",
                f"**{med([b / a for a, b in zip(ours, bare)]):.2f}x**",
            ]
        else:
            cells += ["-"] * 4
        rows.append("| " + " | ".join(cells) + " |")
        results[critic] = {"skmist": ours, "loop": loop, "bare": bare}
    print("\n".join(rows))
    print("\nA ratio above 1 means skmist's step is faster.\n", flush=True)
    return results


# --- 2. end to end -----------------------------------------------------------------------


def skmist_end_to_end(x_fit, y_fit, x_test, y_test, seed, quick):
    options = {"max_iter": 100} if quick else {}
    start = time.perf_counter()
    est = skmist.SMILEEstimator(random_state=seed, **options).fit(x_fit, y_fit)
    value = est.score(x_test, y_test)
    return value, time.perf_counter() - start, est.n_iter_


def torch_mist_end_to_end(tm, x_fit, y_fit, x_test, y_test, seed, steps, same_critic):
    torch.manual_seed(seed)
    options = {"hidden_dims": [HIDDEN]}  # the README's example; the factory has no default
    if same_critic:
        options.update(torch_mist_critic_options("separable"), neg_samples=-1)
    start = time.perf_counter()
    with quiet():
        value = tm["estimate_mi"](
            data=(x_fit, y_fit), test_data=(x_test, y_test), estimator="smile",
            max_iterations=steps, early_stopping=False, valid_percentage=0,
            verbose=False, logger=False, **options,
        )
    return float(value), time.perf_counter() - start, steps


def mean_std(values, digits=3):
    if len(values) == 1:
        return f"{values[0]:.{digits}f}"
    return f"{statistics.mean(values):.{digits}f} ± {statistics.stdev(values):.{digits}f}"


def end_to_end(tm, quick, seeds):
    steps = 100 if quick else 2000
    print("## 2. End to end: fit and score, 5-d Gaussian, true MI 1.73 nats\n")
    print(
        f"n = 10,000 (8,000 fit, 2,000 scored), seeds {list(seeds)}; mean ± std; "
        f"torch_mist {steps} steps, no early stopping"
        + (" (--quick: skmist max_iter=100, NOT its defaults)" if quick else "") + ".\n"
    )
    runs = {"skmist": [], "tm_default": [], "tm_same": []}
    for seed in seeds:
        x, y = gaussian(10_000, seed=100 + seed)
        split = (x[:8000], y[:8000], x[8000:], y[8000:])
        runs["skmist"].append(skmist_end_to_end(*split, seed, quick))
        if tm:
            runs["tm_default"].append(torch_mist_end_to_end(tm, *split, seed, steps, False))
            runs["tm_same"].append(torch_mist_end_to_end(tm, *split, seed, steps, True))
        print(
            f"seed {seed}: "
            + ", ".join(f"{k} {v[-1][0]:.3f} nats in {v[-1][1]:.1f} s" for k, v in runs.items()
                        if v),
            flush=True,
        )
    labels = {
        "skmist": "skmist SMILEEstimator() "
                  + ("max_iter=100" if quick else "defaults")
                  + " (separable 128->32 SiLU, 127 neg., early stopping)",
        "tm_default": "torch_mist smile, hidden_dims=[128] (joint ReLU, 1 neg., Adam 5e-4)",
        "tm_same": "torch_mist smile, skmist's critic (separable 128->32 SiLU, 127 neg.)",
    }
    rows = [
        "| estimator | steps | estimate (nats) | abs. error | wall time (s) "
        "| time / skmist's |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    ours_time = [r[1] for r in runs["skmist"]]
    for key, results in runs.items():
        if not results:
            continue
        values = [r[0] for r in results]
        times = [r[1] for r in results]
        ratio = [t / o for t, o in zip(times, ours_time)]
        rows.append(
            f"| {labels[key]} | {mean_std([r[2] for r in results], 0)} | {mean_std(values)} | "
            f"{mean_std([abs(v - TRUE_MI) for v in values])} | {mean_std(times, 2)} | "
            f"{'-' if key == 'skmist' else '**' + mean_std(ratio, 2) + 'x**'} |"
        )
    print()
    print("\n".join(rows))
    print(
        "\ntime / skmist's above 1 means skmist is faster; the goal is skmist at least as "
        "accurate in at most a third of torch_mist's default time (a ratio >= 3).\n"
    )
    return runs


def skmist_source():
    """The commit of the skmist being measured, and whether its sources are modified."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(skmist.__file__)))
    try:
        commit = subprocess.run(
            ["git", "-C", root, "rev-parse", "--short", "HEAD"], capture_output=True,
            text=True, check=True,
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "-C", root, "status", "--porcelain", "--", "skmist"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""
    return f" (commit {commit}{', modified' if changed else ''})"


# --- 3. generative, quantized and hybrid estimators -------------------------------------

# The same models on both sides: q(y | x) a diagonal Gaussian whose mean and log-scale
# are an MLP 5 -> 128 (SiLU) -> 10 (torch_mist's ``conditional_linear`` transform of a
# standard normal, skmist's GaussianDensity(covariance="diag")); q(y) a diagonal
# Gaussian with learned mean and scale; PQ's classifier an MLP 5 -> 128 -> 32 codes of
# k-means; the hybrid's critic the separable 128 -> 32 one, 16 draws from q(y | x_i) as
# negatives, SMILE. Parameter counts are checked equal (PQ: torch_mist also learns 32
# logits of the codes' marginal, which skmist counts instead).
GENERATIVE = ["BA", "DoE", "CLUB", "L1OUT", "PQ", "Hybrid"]
HYBRID_NEGATIVES = 16
PQ_CODES = 32


def skmist_generative(name, max_iter, seed=0):
    common = dict(hidden_dims=(HIDDEN,), batch_size=BATCH, max_iter=max_iter,
                  n_iter_no_change=None, validation_fraction=0, device="cpu",
                  random_state=seed)
    if name == "PQ":
        return skmist.PQEstimator(n_bins=PQ_CODES, **common)
    common["covariance"] = "diag"
    if name == "BA":
        return skmist.BAEstimator(entropy_y=1.0, **common)
    if name == "Hybrid":
        return skmist.HybridEstimator(n_negatives=HYBRID_NEGATIVES, embedding_dim=EMBEDDING,
                                      **common)
    return getattr(skmist, f"{name}Estimator")(**common)


def torch_mist_generative(name, y, seed=0):
    """torch_mist's estimator of the same models (its PQ's k-means fitted on ``y``)."""
    from pyro.nn import DenseNN
    from torch_mist.distributions.categorical import ConditionalCategoricalModule
    from torch_mist.distributions.factories import (
        conditional_transformed_normal,
        transformed_normal,
    )
    from torch_mist.estimators import smile
    from torch_mist.estimators.generative import BA, CLUB, DoE, L1Out
    from torch_mist.estimators.hybrid import ResampledHybridMIEstimator
    from torch_mist.estimators.transformed import PQ
    from torch_mist.quantization import kmeans_quantization

    torch.manual_seed(seed)

    def conditional():
        return conditional_transformed_normal(
            input_dim=DIM, context_dim=DIM, hidden_dims=[HIDDEN], nonlinearity=torch.nn.SiLU()
        )

    def doe():
        return DoE(q_Y_given_X=conditional(),
                   q_Y=transformed_normal(input_dim=DIM, transform_name="linear"))

    if name == "BA":
        return BA(q_Y_given_X=conditional(), entropy_y=torch.tensor(1.0))
    if name == "DoE":
        return doe()
    if name == "CLUB":
        return CLUB(q_Y_given_X=conditional())
    if name == "L1OUT":
        return L1Out(q_Y_given_X=conditional())
    if name == "PQ":
        quantize = kmeans_quantization(n_bins=PQ_CODES, random_state=seed)
        with quiet():
            quantize.fit([torch.as_tensor(y)])
        classifier = DenseNN(DIM, [HIDDEN], param_dims=[PQ_CODES], nonlinearity=torch.nn.SiLU())
        return PQ(q_QY_given_X=ConditionalCategoricalModule(classifier), quantize_y=quantize)
    critic = smile(x_dim=DIM, y_dim=DIM, hidden_dims=[HIDDEN], neg_samples=HYBRID_NEGATIVES,
                   **torch_mist_critic_options("separable"))
    return ResampledHybridMIEstimator(generative_estimator=doe(), discriminative_estimator=critic)


def torch_mist_bare_step(estimator, x, y, steps):
    """estimator.loss + backward + Adam on batches indexed from tensors. Eight batches
    in turn: torch_mist caches results by the value of their inputs."""
    optimizer = torch.optim.Adam(estimator.parameters(), lr=1e-3)
    tx, ty = torch.from_numpy(x), torch.from_numpy(y)
    batches = [torch.randperm(tx.shape[0])[:BATCH] for _ in range(8)]

    def step(i):
        index = batches[i % len(batches)]
        loss = estimator.loss(tx[index], ty[index])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    estimator.train()
    for i in range(5):
        step(i)
    start = time.perf_counter()
    for i in range(steps):
        step(i)
    return (time.perf_counter() - start) / steps


def generative_per_step(tm, quick, repeats):
    print("## 3. Generative, quantized and hybrid estimators: time per training step\n")
    print(
        f"5-d data (n=1024), batch {BATCH}; q(y | x) a diagonal Gaussian from an MLP "
        f"5 -> {HIDDEN} SiLU -> 10, q(y) a diagonal Gaussian, PQ {PQ_CODES} k-means codes, "
        f"Hybrid a separable critic with {HYBRID_NEGATIVES} negatives drawn from q(y | x) "
        f"and SMILE; skmist's step is the slope of fit time, torch_mist's the bare step "
        f"(no DataLoader); median over {repeats} interleaved repetitions.\n"
    )
    x, y = gaussian(1024, seed=1)
    low, high = (5, 45) if quick else (20, 420)
    rows = ["| estimator | params (skmist / torch_mist) | skmist step | torch_mist bare step "
            "| torch_mist / skmist |", "|---|---:|---:|---:|---:|"]
    results = {}
    for name in GENERATIVE:
        probe = skmist_generative(name, 1).fit(x, y)
        n_ours = sum(p.numel() for p in probe.model_.parameters())
        n_theirs = "-"
        if tm:
            n_theirs = sum(p.numel() for p in torch_mist_generative(name, y).parameters())
        ours, bare = [], []
        for _ in range(repeats):
            times = []
            for steps in (low, high):
                est = skmist_generative(name, steps)
                start = time.perf_counter()
                est.fit(x, y)
                times.append(time.perf_counter() - start)
            ours.append((times[1] - times[0]) / (high - low))
            if tm:
                bare.append(torch_mist_bare_step(torch_mist_generative(name, y), x, y,
                                                 high - low))
        med = statistics.median
        cells = [name, f"{n_ours} / {n_theirs}", f"{1e3 * med(ours):.2f} ms"]
        if tm:
            cells += [f"{1e3 * med(bare):.2f} ms",
                      f"**{med([b / a for a, b in zip(ours, bare)]):.2f}x**"]
        else:
            cells += ["-", "-"]
        rows.append("| " + " | ".join(cells) + " |")
        results[name] = {"skmist": ours, "bare": bare}
        print(f"{name}: done", flush=True)
    print()
    print("\n".join(rows))
    print(
        "\nA ratio above 1 means skmist's step is faster. GM (torch_mist's joint model is "
        "an autoregressive flow, skmist's default a full-covariance Gaussian) and Binned "
        "(skmist trains nothing: k-means and counting) have no same-model counterpart.\n"
    )
    return results


# --- main --------------------------------------------------------------------------------


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run of a few seconds")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    parser.add_argument("--repeats", type=int, default=None,
                        help="repetitions of the per-step timing (default 3, quick 1)")
    parser.add_argument("--seeds", type=int, default=None,
                        help="seeds of the end-to-end comparison (default 3, quick 1)")
    parser.add_argument("--skip-per-step", action="store_true")
    parser.add_argument("--skip-end-to-end", action="store_true")
    parser.add_argument("--skip-generative", action="store_true")
    args = parser.parse_args(argv)
    repeats = args.repeats or (1 if args.quick else 3)
    seeds = range(args.seeds or (1 if args.quick else 3))

    torch.set_num_threads(args.threads)
    tm = load_torch_mist()
    load = f"{os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else "?"
    peer = tm["version"] if tm else "(absent)"
    print(
        f"# skmist {skmist.__version__}{skmist_source()} vs torch_mist {peer}\n\n"
        f"torch {torch.__version__}, CPU, {torch.get_num_threads()} thread(s), "
        f"{os.cpu_count()} cores, load average {load} at start, "
        f"Python {sys.version.split()[0]}{', --quick' if args.quick else ''}.\n"
    )
    # Warm-up: the first optimizer of a process imports torch._dynamo; first-call costs
    # of both libraries out of every timing.
    xw, yw = gaussian(256, seed=0)
    skmist_estimator("joint", 2).fit(xw, yw)
    if tm:
        torch_mist_loop_seconds(tm, "joint", xw, yw, 2)
    start = time.perf_counter()
    if not args.skip_per_step:
        per_step(tm, args.quick, repeats)
    if not args.skip_end_to_end:
        end_to_end(tm, args.quick, seeds)
    if not args.skip_generative:
        generative_per_step(tm, args.quick, repeats)
    print(f"total {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
