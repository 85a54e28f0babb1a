"""Chapter 3's exercise checks pass the right answer and fail plausible wrong answers.

Each wrong answer below is a mistake a learner is likely to make (a missing bias, a
transposed matrix, the wrong reduction, ...). A check that passed one of them would let a
wrong solution through, so each must raise an ``AssertionError`` that names the failing
case and says what was expected and what came back.
"""

import numpy as np
import pytest
import torch

from toymodels_lib import checks

# --------------------------------------------------------------------------- right answers


def sparse_batch(batch_size, n_features, sparsity):
    values = torch.rand(batch_size, n_features)
    return values * (torch.rand(batch_size, n_features) >= sparsity)


def relu_forward(W, b, x):
    return torch.relu(x @ W.T @ W + b)


def importance_weighted_loss(x, x_hat, importance):
    return (importance * (x - x_hat) ** 2).sum(-1).mean()


def superposition(W):
    unit = W / W.norm(dim=0, keepdim=True)
    sq = (unit.T @ W) ** 2
    return sq.sum(1) - torch.diagonal(sq)


RIGHT = [
    (checks.check_sparse_batch, sparse_batch),
    (checks.check_relu_forward, relu_forward),
    (checks.check_importance_weighted_loss, importance_weighted_loss),
    (checks.check_superposition, superposition),
]


@pytest.mark.parametrize("check, fn", RIGHT, ids=lambda v: getattr(v, "__name__", ""))
def test_right_answer_passes_with_one_line(check, fn, capsys):
    check(fn)
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and check.__name__ in out[0] and "pass" in out[0]


# --------------------------------------------------------------------------- wrong answers

# check_sparse_batch
def sb_probability_swapped(batch_size, n_features, sparsity):  # active with probability S
    return torch.rand(batch_size, n_features) * (torch.rand(batch_size, n_features) < sparsity)


def sb_sparsity_ignored(batch_size, n_features, sparsity):
    return torch.rand(batch_size, n_features)


def sb_constant_values(batch_size, n_features, sparsity):  # active features all equal to 1
    return 1.0 * (torch.rand(batch_size, n_features) >= sparsity)


def sb_gaussian_values(batch_size, n_features, sparsity):
    return torch.randn(batch_size, n_features).abs().clamp(max=1) * (torch.rand(batch_size, n_features) >= sparsity)


def sb_one_mask_per_row(batch_size, n_features, sparsity):  # features not independent
    active = torch.rand(batch_size, 1) >= sparsity
    return torch.rand(batch_size, n_features) * active


def sb_transposed(batch_size, n_features, sparsity):
    return sparse_batch(n_features, batch_size, sparsity)


def sb_numpy(batch_size, n_features, sparsity):
    return sparse_batch(batch_size, n_features, sparsity).numpy()


# check_relu_forward
def rf_no_bias(W, b, x):
    return torch.relu(x @ W.T @ W)


def rf_no_relu(W, b, x):
    return x @ W.T @ W + b


def rf_relu_before_bias(W, b, x):
    return torch.relu(x @ W.T @ W) + b


def rf_transposed(W, b, x):  # W W^T instead of W^T W (W read as [n, m])
    return torch.relu(x @ W @ W.T + b)


def rf_bias_subtracted(W, b, x):
    return torch.relu(x @ W.T @ W - b)


def rf_only_encoder(W, b, x):
    return torch.relu(x @ W.T)


# check_importance_weighted_loss
def loss_mean_over_features(x, x_hat, importance):
    return (importance * (x - x_hat) ** 2).mean()


def loss_no_importance(x, x_hat, importance):
    return ((x - x_hat) ** 2).sum(-1).mean()


def loss_sum_over_batch(x, x_hat, importance):
    return (importance * (x - x_hat) ** 2).sum()


def loss_importance_inside_square(x, x_hat, importance):
    return (importance * (x - x_hat)).pow(2).sum(-1).mean()


def loss_per_example(x, x_hat, importance):  # forgot the batch mean
    return (importance * (x - x_hat) ** 2).sum(-1)


def loss_absolute_error(x, x_hat, importance):
    return (importance * (x - x_hat).abs()).sum(-1).mean()


def loss_importance_reversed(x, x_hat, importance):
    return (importance.flip(0) * (x - x_hat) ** 2).sum(-1).mean()


# check_superposition
def sp_includes_self(W):
    unit = W / W.norm(dim=0, keepdim=True)
    return ((unit.T @ W) ** 2).sum(1)


def sp_cosines(W):
    unit = W / W.norm(dim=0, keepdim=True)
    return ((unit.T @ unit) ** 2).sum(1) - 1


def sp_wrong_axis(W):
    unit = W / W.norm(dim=0, keepdim=True)
    sq = (unit.T @ W) ** 2
    return sq.sum(0) - torch.diagonal(sq)


def sp_not_normalised(W):
    sq = (W.T @ W) ** 2
    return sq.sum(1) - torch.diagonal(sq)


def sp_not_squared(W):
    unit = W / W.norm(dim=0, keepdim=True)
    dots = unit.T @ W
    return dots.sum(1) - torch.diagonal(dots)


def sp_rows_as_features(W):  # normalises rows: W read as [n, m]
    unit = W / W.norm(dim=1, keepdim=True)
    sq = (unit @ W.T) ** 2
    return sq.sum(1) - torch.diagonal(sq)


def sp_total(W):  # one number instead of one per feature
    return superposition(W).sum()


WRONG = [
    (checks.check_sparse_batch, sb_probability_swapped),
    (checks.check_sparse_batch, sb_sparsity_ignored),
    (checks.check_sparse_batch, sb_constant_values),
    (checks.check_sparse_batch, sb_gaussian_values),
    (checks.check_sparse_batch, sb_one_mask_per_row),
    (checks.check_sparse_batch, sb_transposed),
    (checks.check_sparse_batch, sb_numpy),
    (checks.check_relu_forward, rf_no_bias),
    (checks.check_relu_forward, rf_no_relu),
    (checks.check_relu_forward, rf_relu_before_bias),
    (checks.check_relu_forward, rf_transposed),
    (checks.check_relu_forward, rf_bias_subtracted),
    (checks.check_relu_forward, rf_only_encoder),
    (checks.check_importance_weighted_loss, loss_mean_over_features),
    (checks.check_importance_weighted_loss, loss_no_importance),
    (checks.check_importance_weighted_loss, loss_sum_over_batch),
    (checks.check_importance_weighted_loss, loss_importance_inside_square),
    (checks.check_importance_weighted_loss, loss_per_example),
    (checks.check_importance_weighted_loss, loss_absolute_error),
    (checks.check_importance_weighted_loss, loss_importance_reversed),
    (checks.check_superposition, sp_includes_self),
    (checks.check_superposition, sp_cosines),
    (checks.check_superposition, sp_wrong_axis),
    (checks.check_superposition, sp_not_normalised),
    (checks.check_superposition, sp_not_squared),
    (checks.check_superposition, sp_rows_as_features),
    (checks.check_superposition, sp_total),
]


@pytest.mark.parametrize("check, wrong", WRONG, ids=lambda v: getattr(v, "__name__", ""))
def test_wrong_answer_fails_with_the_case(check, wrong, capsys):
    with pytest.raises(AssertionError) as info:
        check(wrong)
    msg = str(info.value)
    assert msg.startswith("case "), msg  # says which case failed
    # ... and what was expected against what came back (or the error the function raised)
    assert any(w in msg for w in ("expected", "should", "raised")), msg
    assert "✔" not in capsys.readouterr().out  # no success line after a failure


@pytest.mark.parametrize(
    "check, wrong, hint",
    [
        (checks.check_relu_forward, rf_no_bias, "without the bias"),
        (checks.check_relu_forward, rf_no_relu, "without the ReLU"),
        (checks.check_importance_weighted_loss, loss_mean_over_features, "mean over features"),
        (checks.check_importance_weighted_loss, loss_no_importance, "without the importance"),
        (checks.check_superposition, sp_includes_self, "includes j = i"),
        (checks.check_sparse_batch, sb_probability_swapped, "not 1 − S"),
        (checks.check_sparse_batch, sb_one_mask_per_row, "independent"),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_common_mistakes_are_named(check, wrong, hint):
    with pytest.raises(AssertionError, match=hint):
        check(wrong)


def test_expected_and_actual_values_are_in_the_message():
    with pytest.raises(AssertionError) as info:
        checks.check_relu_forward(rf_no_bias)
    msg = str(info.value)
    assert msg.startswith("case 1 (n=6, m=2, batch=8)")
    assert "largest difference" in msg


@pytest.mark.parametrize("check", [c for c, _ in RIGHT], ids=lambda c: c.__name__)
def test_an_unsolved_exercise_raises_not_implemented(check):
    # a student copy's function raises NotImplementedError(hint): the check lets it through
    def unsolved(*args):
        raise NotImplementedError("Exercise 3.x: the hint")

    with pytest.raises(NotImplementedError, match="the hint"):
        check(unsolved)


@pytest.mark.parametrize("check", [c for c, _ in RIGHT], ids=lambda c: c.__name__)
def test_an_error_in_the_learner_function_names_the_case(check):
    def broken(*args):
        raise IndexError("boom")

    with pytest.raises(AssertionError, match=r"case 1 .*raised IndexError: boom"):
        check(broken)


@pytest.mark.parametrize("check", [c for c, _ in RIGHT], ids=lambda c: c.__name__)
def test_passing_a_result_instead_of_the_function_is_a_type_error(check):
    with pytest.raises(TypeError, match="pass your function"):
        check(torch.zeros(3))


def test_numpy_result_is_reported():
    with pytest.raises(AssertionError, match="expected a torch.Tensor, got ndarray"):
        checks.check_sparse_batch(sb_numpy)
    assert isinstance(sb_numpy(2, 2, 0.5), np.ndarray)


def _loop(relu=True, train=True, transpose=False):
    def train_toy_model(n_features, n_hidden, sparsity, importance, steps, seed):
        torch.manual_seed(seed)
        W = torch.nn.init.xavier_normal_(torch.empty(n_hidden, n_features)).requires_grad_()
        b = torch.zeros(n_features, requires_grad=True)
        opt = torch.optim.Adam([W, b], lr=1e-2)
        for _ in range(steps if train else 0):
            x = torch.rand(1024, n_features) * (torch.rand(1024, n_features) >= sparsity)
            h = x @ W.T @ W + b
            out = torch.relu(h) if relu else h
            loss = (importance * (x - out) ** 2).sum(-1).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
        return (W.detach().T if transpose else W.detach()), b.detach()

    return train_toy_model


def test_train_toy_model_accepts_a_correct_loop(capsys):
    checks.check_train_toy_model(_loop())
    assert "all 2 cases pass" in capsys.readouterr().out


@pytest.mark.parametrize(
    "wrong, message",
    [
        (_loop(train=False), "at most"),  # never steps the optimiser
        (_loop(relu=False), "no better than a linear one"),  # forgets the ReLU
        (_loop(transpose=True), "transpose"),  # the paper notebook's [features, hidden] layout
    ],
)
def test_train_toy_model_rejects_wrong_loops(wrong, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_train_toy_model(wrong)


def test_uniform_prediction(capsys):
    checks.check_uniform_prediction(lambda: "more")
    checks.check_uniform_prediction(lambda: " More ")
    assert "pass" in capsys.readouterr().out
    for wrong, message in [("fewer", "too small to pay"), ("same", "too small to pay"), ("lots", "'more', 'fewer'")]:
        with pytest.raises(AssertionError, match=message):
            checks.check_uniform_prediction(lambda w=wrong: w)
    with pytest.raises(AssertionError, match="expected a str"):
        checks.check_uniform_prediction(lambda: 18)
