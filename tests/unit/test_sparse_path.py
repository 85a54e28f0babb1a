"""The trainer's sparse path and its grouped step.

- The sparse sampler draws the same distribution as the dense one (active fraction,
  values), its active entries agree with the batch, and an instance's numbers depend on
  its own key only.
- The products with the active entries give the dense products' gradients; the hidden-ReLU
  model's analytic step gives autograd's.
- The grouped step (groups of instances on two threads) gives exactly the numbers of one
  pass over all instances; for models with few features it lays batches out
  features-first, which gives autograd's gradients, the same numbers whatever the grouping,
  and one pass's numbers to float rounding (training and evaluation).
- Trained on the sparse path, chapter 3's sweep shows the same claims as on the dense path,
  and its losses agree within seed noise.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import toymodels_lib as tm
from toymodels_lib import claims
from toymodels_lib.data import SPARSE_PRODUCTS_BELOW, ActiveFeatures, FeatureSampler
from toymodels_lib.models import importance_weighted_loss, make_model
from toymodels_lib.train import loop

DENSITIES = [1.0, 0.3, 0.04, 0.01, 0.003, 0.001]


def _dense_from_active(active: ActiveFeatures, batch: int, n: int) -> torch.Tensor:
    out = torch.zeros(active.instances.numel() * batch * n)
    out[active.rows // batch * batch * n + active.rows % batch * n + active.cols % n] = active.values
    return out.view(-1, batch, n)


@pytest.mark.parametrize("kind", ["uniform", "signed"])
def test_sparse_draws_have_the_dense_distribution(kind):
    p = [0.04, 0.01, 0.003]
    sampler = FeatureSampler(3, 50, density=torch.tensor(p), seed=4, kind=kind, sparse_below=0.05)
    x = torch.cat([sampler.sample(4096) for _ in range(4)], dim=1)  # 819,200 entries per instance
    for k, pk in enumerate(p):
        active = x[k] != 0
        count, total = int(active.sum()), active.numel()
        sd = math.sqrt(total * pk * (1 - pk))
        assert abs(count - total * pk) < 5 * sd, f"density {pk}: {count} active of {total}"
        values = x[k][active]
        low = -1.0 if kind == "signed" else 0.0
        assert float(values.min()) >= low and float(values.max()) <= 1.0
        # uniform on [low, 1]: mean and variance within 5 standard errors
        mean, var = (low + 1) / 2, (1 - low) ** 2 / 12
        assert abs(float(values.mean()) - mean) < 5 * math.sqrt(var / count)
        assert abs(float(values.var()) - var) < 5 * math.sqrt(var**2 * 0.8 / count)
        # active entries spread over features and rows: every feature gets its share
        per_feature = active.sum(0).double()
        assert per_feature.min() > 0.5 * per_feature.mean()


def test_active_entries_match_the_batch_and_dense_instances_are_unchanged():
    dens = torch.tensor(DENSITIES)
    sparse = FeatureSampler(len(DENSITIES), 40, density=dens, seed=1, sparse_below=0.05)
    dense = FeatureSampler(len(DENSITIES), 40, density=dens, seed=1)
    for _ in range(2):
        x, active = sparse.sample_active(300)
        xd = dense.sample(300)
        assert active is not None
        listed = [k for k, d in enumerate(DENSITIES) if d <= SPARSE_PRODUCTS_BELOW]
        assert active.instances.tolist() == listed
        assert torch.equal(_dense_from_active(active, 300, 40), x[active.instances])
        for k, d in enumerate(DENSITIES):
            if d > 0.05:  # drawn densely: the very numbers of the dense sampler
                assert torch.equal(x[k], xd[k])
            else:
                assert not torch.equal(x[k], xd[k])


def test_an_instance_draws_the_same_numbers_whatever_is_beside_it():
    alone = FeatureSampler(1, 30, density=0.01, seed=2, stream_ids=[(7, 0)], sparse_below=0.05)
    together = FeatureSampler(3, 30, density=torch.tensor([1.0, 0.01, 0.2]), seed=2,
                              stream_ids=[(1, 0), (7, 0), (3, 0)], sparse_below=0.05)
    for _ in range(3):
        assert torch.equal(alone.sample(200)[0], together.sample(200)[1])


def test_groups_of_instances_draw_what_the_whole_batch_draws():
    dens = torch.tensor(DENSITIES)
    whole = FeatureSampler(6, 25, density=dens, seed=3, sparse_below=0.05, kind="signed")
    parts = FeatureSampler(6, 25, density=dens, seed=3, sparse_below=0.05, kind="signed")
    buf = np.empty((2, 64, 25), dtype=np.float32)
    for _ in range(2):
        x, _ = whole.sample_active(64)
        pieces = [parts.sample_instances(64, 0, 3)[0], parts.sample_instances(64, 3, 4)[0],
                  parts.sample_instances(64, 4, 6, out=buf)[0]]
        assert torch.equal(x, torch.cat(pieces))
    assert pieces[2].data_ptr() == buf.ctypes.data  # drawn into the given memory


def test_features_first_batches_hold_the_same_numbers_transposed():
    dens = torch.tensor(DENSITIES)
    usual = FeatureSampler(6, 7, density=dens, seed=3, kind="signed", sparse_below=0.05)
    first = FeatureSampler(6, 7, density=dens, seed=3, kind="signed", sparse_below=0.05)
    assert first.lists_active  # densities 0.003 and 0.001 come with their active entries
    out = torch.empty(4, 7, 64)
    for _ in range(2):
        x, active = usual.sample_instances(64, 2, 6)
        y, active_t = first.sample_instances(64, 2, 6, out=np.empty((4, 64, 7), dtype=np.float32), features_first=out)
        assert y.data_ptr() == out.data_ptr() and torch.equal(y, x.transpose(1, 2))
        assert active is not None and active_t is not None and torch.equal(active.values, active_t.values)
    assert not FeatureSampler(3, 7, density=0.3, sparse_below=0.05).lists_active
    with pytest.raises(ValueError, match=r"features_first must be a contiguous float32 CPU tensor of shape \[4, 7, 64\], "
                       r"got a non-contiguous torch.float32 tensor of shape \[4, 7, 64\]"):
        first.sample_instances(64, 2, 6, features_first=torch.empty(4, 64, 7).transpose(1, 2))
    with pytest.raises(ValueError, match="features_first must be .* got a contiguous torch.float64"):
        first.sample_instances(64, 2, 6, features_first=torch.empty(4, 7, 64, dtype=torch.float64))


@pytest.mark.parametrize("kind", ["uniform", "signed"])
def test_seeds_that_share_samples_draw_them_once(kind):
    """The grouped evaluation draws each (key, sparsity) of a group once and copies it to
    the instances that share both: the batch is the one sample_instances draws."""
    ids = [(5,), (5,), (6,), (5,), (6,), (7,)]
    dens = torch.tensor([0.3, 0.3, 0.3, 0.3, 0.5, 0.3])  # instance 4 shares a key, not a density
    make = lambda: FeatureSampler(6, 7, density=dens, seed=1, kind=kind, stream=tm.data.EVAL_STREAM, stream_ids=ids)  # noqa: E731
    each, shared = make(), make()
    for size in (64, 64, 13):
        x, _ = each.sample_instances(size, 1, 6)
        raw = np.empty((5, size, 7), dtype=np.float32)
        assert torch.equal(shared._sample_shared(size, 1, 6, raw), x)
        x_t = torch.empty(5, 7, size)
        y, _ = make().sample_instances(size, 1, 6)
        assert torch.equal(make()._sample_shared(size, 1, 6, raw, x_t), y.transpose(1, 2))
    assert shared._sources[(1, 6)] == [1, 2, 1, 4, 5]


@pytest.mark.parametrize("kind", ["linear", "relu", "hidden_relu"])
def test_the_features_first_step_gives_autograds_gradients(kind):
    torch.manual_seed(0)
    model = make_model(kind, 9, 4, 3, seed=5).double()
    with torch.no_grad():
        model.b.normal_(0, 0.3)
    x = FeatureSampler(3, 9, density=torch.tensor([1.0, 0.4, 0.1]), seed=6).sample(500).double()
    imp = torch.rand(3, 9, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    first = model.analytic_loss_grad(x.transpose(1, 2).contiguous(), imp, features_first=True)
    loss = importance_weighted_loss(model(x), x, imp)
    loss.sum().backward()
    for a, b in zip(first, (loss.detach(), model.W.grad, model.b.grad), strict=True):
        torch.testing.assert_close(a, b, rtol=1e-10, atol=1e-12)
    with pytest.raises(ValueError, match=r"x of shape \[hi - lo, 9, batch\]"):
        model.analytic_loss_grad(x, imp, features_first=True)
    with pytest.raises(ValueError, match="contiguous"):
        model.analytic_loss_grad(x.transpose(1, 2), imp, features_first=True)


@pytest.mark.parametrize("kind", ["linear", "relu", "hidden_relu"])
@pytest.mark.parametrize("features_first", [False, True])
def test_steps_without_the_loss_give_the_same_gradients_bit_for_bit(kind, features_first):
    """Steps that do not log the loss skip the output ReLU's pass (the mask comes from z);
    their gradients must be exactly those of a step that computes the loss."""
    model = make_model(kind, 12, 4, 5, seed=1)
    with torch.no_grad():
        model.b.normal_(0, 0.3, generator=torch.Generator().manual_seed(3))
    x = FeatureSampler(5, 12, density=torch.tensor([1.0, 0.5, 0.3, 0.1, 0.05]), seed=2).sample(256)
    if features_first:
        x = x.transpose(1, 2).contiguous()
    imp = torch.rand(5, 12, generator=torch.Generator().manual_seed(4))
    with_loss = model.analytic_loss_grad(x, imp, features_first=features_first)
    without = model.analytic_loss_grad(x, imp, features_first=features_first, with_loss=False)
    assert with_loss[0].shape == (5,) and without[0].numel() == 0
    assert torch.equal(with_loss[1], without[1]) and torch.equal(with_loss[2], without[2])


def test_few_features_train_features_first_the_same_whatever_the_grouping(monkeypatch):
    """Grouped runs of 10-feature hidden-ReLU models (features-first) with groups of one,
    three and all instances agree bit for bit; against one pass in the usual layout they
    agree to float rounding: the same final losses to 1e-4."""
    assert loop.FEATURES_FIRST_MAX >= 10
    config = tm.TrainConfig(steps=150, batch_size=128, eval_samples=8192)

    def run():
        return tm.train_models("hidden_relu", 10, 5, density=[1.0, 0.3, 0.1, 0.03], importance=tm.importance_decay(10, 0.75),
                               config=config, n_seeds=3)

    monkeypatch.setattr(loop, "SINGLE_THREAD_WORK", 2**62)
    one_pass = run()
    monkeypatch.setattr(loop, "SINGLE_THREAD_WORK", 0)
    runs = []
    for group_bytes in (16 * 128 * 10, 3 * 16 * 128 * 10, 2**40):
        monkeypatch.setattr(loop, "GROUP_BYTES", group_bytes)
        runs.append(run())
    for other in runs[1:]:
        for field in ("W", "b", "losses", "history"):
            assert torch.equal(getattr(other, field), getattr(runs[0], field)), field
    assert not torch.equal(runs[0].W, one_pass.W)  # another summation order
    torch.testing.assert_close(runs[0].losses, one_pass.losses, rtol=1e-4, atol=0)
    torch.testing.assert_close(runs[0].history[0], one_pass.history[0], rtol=1e-5, atol=0)
    # the grouped evaluation (features-first) against one pass, on the trained models
    model, imp = runs[0].model, runs[0].importance
    assert model is not None
    grouped = loop.evaluate_loss(model, sparsity=runs[0].sparsity, importance=imp, n_samples=3000)
    monkeypatch.setattr(loop, "SINGLE_THREAD_WORK", 2**62)
    whole = loop.evaluate_loss(model, sparsity=runs[0].sparsity, importance=imp, n_samples=3000)
    torch.testing.assert_close(grouped, whole, rtol=1e-5, atol=0)


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="sparse_below"):
        FeatureSampler(2, 5, density=0.1, sparse_below=1.5)
    with pytest.raises(TypeError, match="sparse_below"):
        tm.TrainConfig(sparse_below="auto")
    with pytest.raises(ValueError, match="sparse_below"):
        tm.TrainConfig(sparse_below=-0.1)
    sampler = FeatureSampler(4, 5, density=0.1)
    with pytest.raises(ValueError, match="lo=2, hi=2"):
        sampler.sample_instances(10, 2, 2)
    with pytest.raises(ValueError, match="out must be a C-contiguous float32 array of shape \\[2, 10, 5\\]"):
        sampler.sample_instances(10, 0, 2, out=np.empty((2, 10, 4), dtype=np.float32))
    with pytest.raises(ValueError, match="batch_size"):
        sampler.sample_instances(0, 0, 2)


@pytest.mark.parametrize("kind", ["linear", "relu", "hidden_relu"])
def test_products_with_active_entries_give_the_dense_gradients(kind):
    torch.manual_seed(0)
    model = make_model(kind, 30, 6, len(DENSITIES), seed=5).double()
    with torch.no_grad():
        model.b.normal_(0, 0.1)
    sampler = FeatureSampler(len(DENSITIES), 30, density=torch.tensor(DENSITIES), seed=6, sparse_below=0.05)
    x, active = sampler.sample_active(4096)
    assert active is not None
    x = x.double()
    active = ActiveFeatures(active.instances, active.rows, active.cols, active.values.double())
    imp = torch.rand(len(DENSITIES), 30, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    dense = model.analytic_loss_grad(x, imp)
    sparse = model.analytic_loss_grad(x, imp, active)
    loss = importance_weighted_loss(model(x), x, imp)
    loss.sum().backward()
    auto = (loss.detach(), model.W.grad, model.b.grad)
    for a, b, c in zip(dense, sparse, auto, strict=True):
        torch.testing.assert_close(a, c, rtol=1e-10, atol=1e-12)
        torch.testing.assert_close(b, c, rtol=1e-10, atol=1e-12)


def test_the_grouped_step_gives_the_numbers_of_one_pass(monkeypatch):
    """Groups on two threads (forced, with groups of one to three instances), one pass on
    one thread, and the sparse path's grouped step against its own one pass."""
    config = tm.TrainConfig(steps=60, batch_size=128, eval_samples=4096)

    def run(**changes):
        return tm.train_models("relu", 24, 5, density=DENSITIES, config=config.with_(**changes), n_seeds=2)

    monkeypatch.setattr(loop, "SINGLE_THREAD_WORK", 2**62)
    one_pass = run()
    sparse_one_pass = run(sparse_below=0.05)
    monkeypatch.setattr(loop, "SINGLE_THREAD_WORK", 0)
    for group_bytes in (16 * 128 * 24, 3 * 16 * 128 * 24):
        monkeypatch.setattr(loop, "GROUP_BYTES", group_bytes)
        grouped = run()
        for field in ("W", "b", "losses", "history"):
            assert torch.equal(getattr(grouped, field), getattr(one_pass, field)), field
    grouped_sparse = run(sparse_below=0.05)
    for field in ("W", "b", "losses", "history"):
        assert torch.equal(getattr(grouped_sparse, field), getattr(sparse_one_pass, field)), field
    assert not torch.equal(grouped_sparse.W, grouped.W)  # the sparse draws are other numbers


@pytest.fixture(scope="module")
def chapter3_both_ways():
    """Chapter 3's ReLU sweep with the notebook's settings, on the dense and the sparse path."""
    densities = [1.0, 0.3, 0.1, 0.03, 0.01, 0.003, 0.001]
    importance = tm.importance_decay(20, 0.7)
    config = tm.TrainConfig(seed=0, eval_samples=131_072)
    out = {}
    for name, below in (("dense", 0.0), ("sparse", 0.05)):
        relu_all = tm.train_models("relu", 20, 5, sparsity=[1 - d for d in densities], importance=importance,
                                   config=config.with_(sparse_below=below), n_seeds=4)
        out[name] = {"relu_all": relu_all, "relu": relu_all.best(), "densities": densities}
    linear = tm.train_models("linear", 20, 5, sparsity=[0.0], importance=importance, config=config)
    return out, linear


CHAPTER3_SWEEP_CLAIMS = [
    "ch03.seeds-differ",
    "ch03.dense-relu-represents-m",
    "ch03.sparse-relu-represents-more",
    "ch03.most-important-untouched",
    "ch03.one-dedicated-at-0.1",
    "ch03.all-superposed-from-0.03",
    "ch03.pairs-in-the-middle",
    "ch03.beyond-pairs-when-sparsest",
    "ch03.negative-bias-when-sparse",
]


@pytest.mark.parametrize("path", ["dense", "sparse"])
@pytest.mark.parametrize("claim", CHAPTER3_SWEEP_CLAIMS)
def test_chapter3_claims_hold_on_both_paths(chapter3_both_ways, path, claim):
    runs, linear = chapter3_both_ways
    claims.check(claim, {**runs[path], "linear": linear})


def test_chapter3_losses_agree_across_paths(chapter3_both_ways):
    """The best seed's loss per density: the two paths agree within 10% (measured on
    separate evaluation samples; the seeds' own spread at one density is up to 40%)."""
    runs, _ = chapter3_both_ways
    dense, sparse = runs["dense"]["relu"].losses, runs["sparse"]["relu"].losses
    ratio = sparse / dense
    print("best-seed loss, sparse path / dense path, by density:", [f"{float(r):.3f}" for r in ratio])
    assert (ratio - 1).abs().max() < 0.10, ratio.tolist()
    # the densest settings are drawn densely on both paths: identical models
    assert torch.equal(runs["dense"]["relu_all"].W[:8], runs["sparse"]["relu_all"].W[:8])


def test_the_analytic_step_names_a_bad_instance_range():
    model = make_model("relu", 8, 3, 4)
    x = torch.rand(2, 16, 8)
    with pytest.raises(ValueError, match="instances=\\(3, 1\\)"):
        model.analytic_loss_grad(x, torch.ones(2, 8), instances=(3, 1))
    with pytest.raises(ValueError, match="x of shape \\[hi - lo, batch, 8\\]"):
        model.analytic_loss_grad(x, torch.ones(2, 8), instances=(0, 3))
    loss, dW, db = model.analytic_loss_grad(x, torch.ones(2, 8), instances=(1, 3))
    assert loss.shape == (2,) and dW.shape == (2, 3, 8) and db.shape == (2, 8)


def test_which_kinds_have_the_analytic_step():
    x = torch.rand(2, 16, 8)
    for kind, has in [("linear", True), ("relu", True), ("hidden_relu", True), ("hidden_relu_bias", False), ("untied", False)]:
        model = make_model(kind, 8, 3, 2)
        assert model.has_analytic_step is has, kind
        assert (model.analytic_loss_grad(x, torch.ones(2, 8)) is None) is (not has), kind
