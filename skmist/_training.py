"""The one training loop that every trained estimator uses.

An estimator contributes a model, a per-batch loss and a validation function; the loop
owns everything else: minibatches drawn by index on the device, AdamW, the loss buffer
that is read back only every ``interval`` steps (no per-step host sync), the NaN check,
early stopping on a smoothed validation estimate, an interrupt (Ctrl-C) that ends
training with the best weights so far, and the history.
"""

import copy
import math

import pandas as pd
import torch

__all__ = ["TrainingResult", "train"]


class TrainingResult:
    """What :func:`train` hands back: the rows of the history, the step count, and the
    ``KeyboardInterrupt`` that ended training early (``None`` when it was not
    interrupted), for the caller to re-raise once its state is consistent."""

    def __init__(self, rows, n_iter, validation_name="validation_mi", interrupt=None):
        self.rows = rows
        self.n_iter = n_iter
        self.validation_name = validation_name
        self.interrupt = interrupt

    def history(self, previous=None):
        name = self.validation_name
        frame = pd.DataFrame(self.rows, columns=["iteration", "loss", name, f"{name}_smoothed"])
        if previous is not None and len(previous):
            frame = pd.concat([previous, frame], ignore_index=True)
        return frame


def evaluation_interval(max_iter, n_iter_no_change):
    """Steps between validation estimates: often enough for patience, rarely enough to
    keep evaluation a small share of the work."""
    if max_iter <= 10:
        return max(1, max_iter)
    if not math.isfinite(n_iter_no_change):
        # No patience to serve: validation only keeps the best weights and the history,
        # about 20 times per fit.
        return int(min(100, max(10, max_iter // 20)))
    return int(min(100, max(10, n_iter_no_change // 5)))


def train(
    model,
    loss,
    n_samples,
    *,
    optimizer,
    max_iter,
    batch_size,
    generator,
    validate=None,
    scheduler=None,
    n_iter_no_change=math.inf,
    tol=0.0,
    smoothing=0.3,
    start_iter=0,
    verbose=False,
    description="fit",
    validation_name="validation_mi",
    divergence_advice="lower learning_rate",
):
    """Train ``model`` by minimising ``loss(batch_index)`` for ``max_iter`` steps.

    Parameters
    ----------
    model : torch.nn.Module
        The parameters being trained (their state is restored to the best validation
        step when ``validate`` is given).
    loss : callable
        ``loss(index) -> 0-dim tensor`` for a LongTensor ``index`` of ``batch_size`` rows.
    n_samples : int
        Rows to draw batches from.
    optimizer : torch.optim.Optimizer
    max_iter : int
    batch_size : int
        Already clipped to ``n_samples``.
    generator : torch.Generator
        On the training device; the only source of batch randomness.
    validate : callable, default=None
        ``validate() -> float``: the MI estimate on held-out data, higher is better.
        ``None`` trains for ``max_iter`` steps without early stopping.
    scheduler : torch.optim.lr_scheduler.LRScheduler, default=None
        Stepped after every optimizer step.
    n_iter_no_change : int or inf
        Stop when the smoothed validation estimate has not improved by more than
        ``tol`` for this many steps.
    tol : float
        Improvement (nats) that resets the patience; any improvement still updates the
        weights kept.
    smoothing : float
        Weight of the newest validation estimate in its exponential moving average.
    start_iter : int
        Step count already done (``partial_fit`` continues the history).
    verbose : bool
        Show a tqdm progress bar.
    description : str
        Label of the progress bar.
    validation_name : str
        What ``validate`` returns (a history column); the progress bar shows it with
        ``validation_`` shortened to ``val_``.
    divergence_advice : str
        What helps when the loss or the validation estimate stops being finite, the end
        of the ``FloatingPointError`` raised then.

    Returns
    -------
    TrainingResult
        A ``KeyboardInterrupt`` during training is caught: training ends there, the
        best weights so far are restored as at any other end, and the interrupt is
        handed back in ``TrainingResult.interrupt``.
    """
    device = next(model.parameters()).device
    interval = evaluation_interval(max_iter, n_iter_no_change)
    losses = torch.zeros(interval, device=device)
    rows = []
    best, best_state, smoothed = -math.inf, None, None
    reference, reference_step = -math.inf, start_iter  # what resets the patience
    label = validation_name.replace("validation_", "val_", 1)
    progress = _progress_bar(max_iter, description, verbose)
    model.train()
    # Batches walk through a fresh permutation each epoch: no sample appears twice in a
    # batch, where it would be its own negative.
    steps_per_epoch = max(1, n_samples // batch_size)
    n_done, interrupt = 0, None
    try:
        for step in range(1, max_iter + 1):
            position = (step - 1) % steps_per_epoch
            if position == 0:
                order = torch.randperm(n_samples, device=device, generator=generator)
            index = order[position * batch_size : (position + 1) * batch_size]
            value = loss(index)
            optimizer.zero_grad(set_to_none=True)
            value.backward()
            optimizer.step()
            if scheduler is not None:
                scheduler.step()
            n_done = step
            losses[(step - 1) % interval] = value.detach()
            if step % interval and step != max_iter:
                continue
            window = losses[: (step - 1) % interval + 1]
            if not torch.isfinite(window).all():
                first = start_iter + step - window.numel() + 1
                raise FloatingPointError(
                    f"the training loss became NaN or infinite between iterations {first} "
                    f"and {start_iter + step}; {divergence_advice}"
                )
            mean_loss = window.mean().item()
            estimate = math.nan
            postfix = {"loss": f"{mean_loss:.4g}"}
            if validate is not None:
                model.eval()
                estimate = validate()
                model.train()
                if not math.isfinite(estimate):
                    raise FloatingPointError(
                        f"the validation estimate ({validation_name}) became {estimate} at "
                        f"iteration {start_iter + step}; {divergence_advice}"
                    )
                smoothed = estimate if smoothed is None else (
                    smoothing * estimate + (1 - smoothing) * smoothed
                )
                # best starts at -inf, not 0: bounds are often negative early in training.
                if smoothed > best:
                    best, best_state = smoothed, copy.deepcopy(model.state_dict())
                if smoothed > reference + tol:
                    reference, reference_step = smoothed, start_iter + step
                postfix[label] = f"{estimate:.4g}"
            rows.append((start_iter + step, mean_loss, estimate, smoothed))
            progress.update(step - progress.n)
            progress.set_postfix(postfix)
            if validate is not None and start_iter + step - reference_step >= n_iter_no_change:
                break
    except KeyboardInterrupt as caught:
        # Ctrl-C in a notebook: end here with the best weights so far, and let the
        # caller make its state consistent before it re-raises.
        interrupt = caught
    finally:
        if progress.total != n_done:
            # Stopped early: the bar ends full at the step reached, not frozen mid-way.
            progress.total = n_done
            progress.update(n_done - progress.n)
            progress.refresh()
        progress.close()
    model.eval()
    if best_state is not None:
        model.load_state_dict(best_state)
    return TrainingResult(rows, n_done, validation_name, interrupt)


def _progress_bar(total, description, verbose):
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=description, disable=not verbose, leave=False)
