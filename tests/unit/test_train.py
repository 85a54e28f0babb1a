"""Unit tests for the trainer."""

import math

import pytest
import torch

from toymodels_lib._validate import resolve_device
from toymodels_lib.data import importance_decay
from toymodels_lib.models import HiddenReLUModel, ReLUOutputModel
from toymodels_lib.train import (
    TrainConfig,
    TrainResult,
    evaluate_loss,
    fit,
    lr_factor,
    train_models,
)

FAST = TrainConfig(steps=60, batch_size=128, eval_samples=2048, log_every=10)


def test_returns_result_and_lowers_loss():
    model = ReLUOutputModel(8, 3, n_instances=2)
    before = evaluate_loss(model, sparsity=[0.0, 0.9], importance=1.0, n_samples=4096)
    res = fit(model, sparsity=[0.0, 0.9], importance=1.0, config=FAST.with_(steps=200))
    assert isinstance(res, TrainResult)
    assert res.W.shape == (2, 3, 8) and res.b.shape == (2, 8) and res.losses.shape == (2,)
    assert torch.all(res.losses < before)
    assert res.history.shape == (len(res.history_steps), 2)
    assert res.history_steps[0] == 0 and res.history_steps[-1] == 199
    assert res.seconds > 0 and res.ms_per_step > 0


def test_same_seed_same_weights():
    a = train_models("relu", 6, 2, sparsity=[0.5, 0.9], importance=1.0, config=FAST)
    b = train_models("relu", 6, 2, sparsity=[0.5, 0.9], importance=1.0, config=FAST)
    c = train_models("relu", 6, 2, sparsity=[0.5, 0.9], importance=1.0, config=FAST.with_(seed=1))
    assert torch.equal(a.W, b.W) and torch.equal(a.losses, b.losses)
    assert not torch.equal(a.W, c.W)


def test_result_independent_of_instances_beside_it():
    """A configuration trained alone or beside others ends with the same weights."""
    alone = train_models("relu", 6, 2, sparsity=[0.9], importance=0.8, config=FAST)
    together = train_models("relu", 6, 2, sparsity=[0.9, 0.5, 0.0], importance=0.8, config=FAST)
    assert torch.allclose(alone.W[0], together.W[0], atol=1e-5)


def test_result_independent_of_position_and_seed_count():
    """Seed j of a configuration is the same model whether the configuration comes first
    or last, and however many seeds train beside it (streams keyed by configuration, seed)."""
    a = train_models("relu", 6, 2, sparsity=[0.0, 0.9], importance=0.8, n_seeds=2, config=FAST)
    b = train_models("relu", 6, 2, sparsity=[0.5, 0.9, 0.0], importance=0.8, n_seeds=3, config=FAST)
    # configuration S=0.9: instances 2, 3 of a; instances 3, 4 of b
    for ia, ib in ((2, 3), (3, 4), (0, 6), (1, 7)):
        assert torch.allclose(a.W[ia], b.W[ib], atol=1e-5), (ia, ib)
    assert torch.allclose(a.losses[2:4], b.losses[3:5], rtol=1e-5)
    # density=0.1 names the same configuration as sparsity=0.9
    c = train_models("relu", 6, 2, density=[0.1], importance=0.8, n_seeds=2, config=FAST)
    assert torch.allclose(c.W, a.W[2:4], atol=1e-5)
    # different seeds of one configuration differ
    assert not torch.allclose(a.W[2], a.W[3], atol=1e-3)


def test_analytic_and_autograd_paths_agree():
    a = train_models("relu", 6, 2, sparsity=[0.5], importance=importance_decay(6, 0.9), config=FAST)
    b = train_models("relu", 6, 2, sparsity=[0.5], importance=importance_decay(6, 0.9), config=FAST.with_(analytic_grad=False))
    assert torch.allclose(a.W, b.W, atol=1e-4)


def test_autograd_model_trains():
    model = HiddenReLUModel(6, 3, n_instances=1)
    res = fit(model, sparsity=0.0, importance=1.0, config=FAST.with_(steps=100))
    assert torch.isfinite(res.losses).all()


def test_best_of_seeds():
    res = train_models("relu", 5, 2, sparsity=[0.9, 0.95], importance=1.0, config=FAST, n_seeds=3)
    assert res.n_instances == 6 and res.n_configs == 2
    best = res.best()
    assert best.n_instances == 2
    assert torch.equal(best.losses, res.seed_losses().min(dim=1).values)
    # every seed of a configuration is evaluated on the same data, so equal weights give equal loss
    assert torch.allclose(best.sparsity[:, 0], torch.tensor([0.9, 0.95]))


def test_hooks_called():
    calls = []
    train_models("linear", 4, 2, sparsity=[0.0], importance=1.0, config=FAST, hooks=[lambda step, model, loss: calls.append((step, loss.shape))])
    assert [c[0] for c in calls] == [0, 10, 20, 30, 40, 50, 59]
    assert all(shape == (1,) for _, shape in calls)


def test_target_and_custom_data():
    """A custom data source and target: learn |x| of signed features (expansion allowed)."""

    class AbsModel(HiddenReLUModel):
        def __init__(self):
            super().__init__(2, 4, n_instances=1, allow_expansion=True)

    torch.manual_seed(0)
    data = lambda batch: torch.rand(1, batch, 2) * 2 - 1  # noqa: E731
    res = fit(AbsModel(), sparsity=0.0, importance=1.0, config=FAST.with_(steps=400), data=data, target=torch.abs)
    assert float(res.losses[0]) < float(res.history[0, 0])


def test_lr_schedules():
    cos = TrainConfig(steps=100)
    assert lr_factor(0, cos) == 1.0
    assert abs(lr_factor(50, cos) - 0.5) < 1e-9
    assert lr_factor(99, cos) < 0.01
    const = TrainConfig(steps=100, schedule="constant")
    assert lr_factor(99, const) == 1.0
    lin = TrainConfig(steps=100, schedule="linear", warmup_steps=10)
    assert lr_factor(0, lin) == pytest.approx(0.1)
    assert lr_factor(9, lin) == pytest.approx(1.0)
    assert lr_factor(55, lin) == pytest.approx(0.5)


def test_paper_config():
    cfg = TrainConfig.paper()
    assert (cfg.steps, cfg.lr, cfg.optimizer, cfg.weight_decay, cfg.schedule) == (10_000, 1e-3, "adamw", 0.01, "constant")
    assert TrainConfig.paper(steps=5).steps == 5


@pytest.mark.parametrize(
    "kwargs, err, match",
    [
        (dict(steps=0), ValueError, "steps"),
        (dict(lr=-1.0), ValueError, "lr"),
        (dict(lr=math.nan), ValueError, "lr"),
        (dict(optimizer="sgd"), ValueError, "optimizer must be one of"),
        (dict(schedule="step"), ValueError, "schedule must be one of"),
        (dict(warmup_steps=10, steps=10), ValueError, "warmup_steps"),
        (dict(device="tpu"), ValueError, "device"),
        (dict(batch_size=1.5), TypeError, "batch_size"),
        (dict(progress="yes"), TypeError, "progress"),
    ],
)
def test_bad_config(kwargs, err, match):
    with pytest.raises(err, match=match):
        TrainConfig(**kwargs)


def test_bad_train_arguments():
    model = ReLUOutputModel(5, 2, n_instances=2)
    with pytest.raises(TypeError, match="ToyModel"):
        fit("model", sparsity=0.5, importance=1.0)
    with pytest.raises(ValueError, match="sparsity must be in"):
        fit(model, sparsity=1.0, importance=1.0, config=FAST)
    with pytest.raises(ValueError, match="importance has length 3"):
        fit(model, sparsity=0.5, importance=[1.0, 1.0, 1.0], config=FAST)
    with pytest.raises(ValueError, match="n_seeds=3 must divide"):
        fit(model, sparsity=0.5, importance=1.0, config=FAST, n_seeds=3)
    with pytest.raises(TypeError, match="config"):
        fit(model, sparsity=0.5, importance=1.0, config={"steps": 3})
    with pytest.raises(TypeError, match="hooks must hold callables"):
        fit(model, sparsity=0.5, importance=1.0, config=FAST, hooks=[3])
    with pytest.raises(TypeError, match=r"hooks must be a list.*\[hook\]"):
        fit(model, sparsity=0.5, importance=1.0, config=FAST, hooks=lambda step, m, loss: None)


TINY = TrainConfig(steps=3, batch_size=8, eval_samples=32)
GOOD = lambda b: torch.rand(2, b, 5)  # noqa: E731 - a valid source for a 2-instance, 5-feature model


@pytest.mark.parametrize(
    "data, target, err, words",
    [
        (lambda b: torch.rand(b, 5), None, ValueError, r"data\(8\) returned shape \(8, 5\): the instance axis is missing"),
        (lambda b: torch.rand(2, b, 4), None, ValueError, r"\[2, batch, 5\].*data\(8\) returned shape \(2, 8, 4\)"),
        (lambda b: torch.rand(3, b, 5), None, ValueError, r"data\(8\) returned shape \(3, 8, 5\)"),
        (lambda b: torch.rand(2, b, 5, 1), None, ValueError, r"returned shape \(2, 8, 5, 1\)"),
        (lambda b: torch.rand(2, 0, 5), None, ValueError, r"returned shape \(2, 0, 5\)"),
        (lambda b: torch.rand(2, b, 5).numpy(), None, TypeError, r"returned a NumPy array.*torch\.from_numpy"),
        (lambda b: torch.rand(2, b, 5).tolist(), None, TypeError, "data must return a float tensor.*type list"),
        (lambda b: None, None, TypeError, r"data\(8\) returned None"),
        (lambda b: torch.ones(2, b, 5, dtype=torch.long), None, TypeError, r"torch\.int64 tensor.*torch\.float32"),
        (lambda b: torch.rand(2, b, 5, dtype=torch.float64), None, TypeError, "torch.float64 tensor"),
        (lambda b: torch.full((2, b, 5), float("nan")), None, ValueError, "NaN or infinite"),
        (torch.rand(2, 8, 5), None, TypeError, r"data must be a callable.*data=lambda batch_size: x"),
        (GOOD, lambda x: x[..., :3], ValueError, r"target must return.*\[2, 8, 5\].*returned shape \(2, 8, 3\)"),
        (GOOD, lambda x: x.detach().numpy(), TypeError, "target must return.*NumPy array"),
        (GOOD, lambda x: x * float("inf"), ValueError, "target must return.*NaN or infinite"),
        (GOOD, "abs", TypeError, "target must be a callable"),
    ],
)
def test_custom_data_and_target_are_checked_before_training(data, target, err, words):
    """A bad data source or target is refused with a message naming it, before any step:
    never an IndexError or a bmm shape error from inside torch."""
    model = ReLUOutputModel(5, 2, n_instances=2)
    before = model.W.detach().clone()
    with pytest.raises(err, match=words):
        fit(model, importance=1.0, config=TINY, data=data, target=target)
    assert torch.equal(model.W.detach(), before)  # no training step was taken
    with pytest.raises(err, match=words.replace("(8", "(16").replace(" 8,", " 16,")):
        evaluate_loss(model, n_samples=16, batch_size=16, data=data, target=target)


def test_a_later_batch_of_the_wrong_shape_is_refused():
    """Only the first batch is checked in full; later ones by a cheap shape comparison."""
    calls = []

    def source(b):
        calls.append(b)
        return torch.rand(2, b, 5) if len(calls) == 1 else torch.rand(2, b, 4)

    with pytest.raises(ValueError, match=r"data\(8\) returned shape \(2, 8, 4\)"):
        fit(ReLUOutputModel(5, 2, n_instances=2), importance=1.0, config=TINY, data=source)
    assert len(calls) == 2


def test_a_valid_custom_source_trains():
    res = fit(ReLUOutputModel(5, 2, n_instances=2), importance=1.0, config=TINY, data=GOOD, target=torch.abs)
    assert res.losses.shape == (2,) and torch.isfinite(res.losses).all()


def test_divergence_is_reported():
    """Non-finite losses stop training with a message (weights poisoned through a hook)."""

    def poison(step, model, loss):
        model.W.data.fill_(float("nan"))

    with pytest.raises(FloatingPointError, match="smaller learning rate"):
        train_models("linear", 5, 2, sparsity=[0.0], importance=1.0, config=FAST, hooks=[poison])


def test_device_selection():
    assert resolve_device("cpu").type == "cpu"
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert resolve_device("auto").type == expected
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="CUDA is not available"):
            resolve_device("cuda")


def test_select_bad_index():
    res = train_models("linear", 4, 2, sparsity=[0.0, 0.5], importance=1.0, config=FAST)
    with pytest.raises(ValueError, match="index"):
        res.select([5])


def test_a_run_that_does_not_learn_warns():
    model = ReLUOutputModel(6, 2, n_instances=1)
    with pytest.warns(RuntimeWarning, match="ended above where it started"):
        fit(model, sparsity=0.5, config=FAST.with_(lr=10.0, schedule="constant", steps=200))


def test_config_as_a_dict_is_refused_with_a_hint():
    with pytest.raises(TypeError, match=r"TrainConfig\(\*\*"):
        train_models("relu", 4, 2, sparsity=0.5, config={"steps": 3})


def test_empty_sparsity_list_is_refused():
    with pytest.raises(ValueError, match="at least one configuration"):
        train_models("relu", 4, 2, sparsity=[])


def test_probability_must_be_a_keyword_and_exactly_one():
    with pytest.raises(TypeError):
        train_models("relu", 4, 2, 0.5)
    with pytest.raises(TypeError, match="exactly one"):
        train_models("relu", 4, 2, sparsity=0.5, density=0.5)
    with pytest.raises(TypeError, match="exactly one"):
        train_models("relu", 4, 2)
    a = train_models("relu", 4, 2, sparsity=0.75, config=FAST)
    b = train_models("relu", 4, 2, density=0.25, config=FAST)
    assert torch.equal(a.W, b.W)


def test_bias_init_mean_starts_at_the_feature_mean():
    seen = []
    hook = lambda step, model, losses: seen.append(model.b.detach().clone()) if step == 0 else None  # noqa: E731
    train_models("relu", 4, 2, density=[0.5, 0.1], config=FAST.with_(bias_init="mean", lr=1e-9), hooks=[hook])
    assert torch.allclose(seen[0], torch.tensor([[0.25] * 4, [0.05] * 4]), atol=1e-6)


def test_small_runs_use_one_thread_and_restore_the_setting(monkeypatch):
    """Small models train on one intra-op thread (on a busy machine the threads of a tiny
    multi-threaded step wait for each other); the caller's setting comes back afterwards."""
    from toymodels_lib.train import loop

    seen = []
    before = torch.get_num_threads()
    train_models("relu", 6, 2, sparsity=[0.5], config=FAST,
                 hooks=[lambda step, model, losses: seen.append(torch.get_num_threads())])
    assert set(seen) == {1}
    assert torch.get_num_threads() == before
    monkeypatch.setattr(loop, "SINGLE_THREAD_WORK", 0)
    seen.clear()
    # a big run of a model without the analytic step keeps the caller's setting
    train_models("untied", 6, 2, sparsity=[0.5], config=FAST,
                 hooks=[lambda step, model, losses: seen.append(torch.get_num_threads())])
    assert set(seen) == {before}
    # a big run with the analytic step trains groups of instances on two threads, each
    # with one intra-op thread, and gives the setting back
    seen.clear()
    train_models("relu", 6, 2, sparsity=[0.5, 0.9], config=FAST,
                 hooks=[lambda step, model, losses: seen.append(torch.get_num_threads())])
    assert set(seen) == {1}
    assert torch.get_num_threads() == before
