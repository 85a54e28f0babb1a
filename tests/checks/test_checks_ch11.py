"""The chapter-11 exercise checks pass the right answers and fail plausible wrong ones."""

import math

import pytest
import torch

import toymodels_lib as tm
from toymodels_lib import checks


# --- the SAE loss -------------------------------------------------------------------------
def loss_right(h, W_enc, b_enc, W_dec, b_dec, l1):
    a = torch.relu((h - b_dec) @ W_enc.T + b_enc)
    return (((h - (a @ W_dec.T + b_dec)) ** 2).sum(-1) + l1 * a.sum(-1)).mean()


def loss_no_centring(h, W_enc, b_enc, W_dec, b_dec, l1):
    a = torch.relu(h @ W_enc.T + b_enc)
    return (((h - (a @ W_dec.T + b_dec)) ** 2).sum(-1) + l1 * a.sum(-1)).mean()


def loss_no_relu(h, W_enc, b_enc, W_dec, b_dec, l1):
    a = (h - b_dec) @ W_enc.T + b_enc
    return (((h - (a @ W_dec.T + b_dec)) ** 2).sum(-1) + l1 * a.abs().sum(-1)).mean()


def loss_batch_sum(h, W_enc, b_enc, W_dec, b_dec, l1):
    return loss_right(h, W_enc, b_enc, W_dec, b_dec, l1) * h.shape[0]


def loss_no_l1(h, W_enc, b_enc, W_dec, b_dec, l1):
    return loss_right(h, W_enc, b_enc, W_dec, b_dec, 0.0)


def loss_mean_everything(h, W_enc, b_enc, W_dec, b_dec, l1):
    a = torch.relu((h - b_dec) @ W_enc.T + b_enc)
    return ((h - (a @ W_dec.T + b_dec)) ** 2).mean() + l1 * a.mean()


def test_sae_loss():
    checks.check_sae_loss(loss_right)
    with pytest.raises(AssertionError, match="subtracting b_dec"):
        checks.check_sae_loss(loss_no_centring)
    with pytest.raises(AssertionError, match="without the ReLU"):
        checks.check_sae_loss(loss_no_relu)
    with pytest.raises(AssertionError, match="sum over the batch"):
        checks.check_sae_loss(loss_batch_sum)
    with pytest.raises(AssertionError, match="no L1 term"):
        checks.check_sae_loss(loss_no_l1)
    with pytest.raises(AssertionError, match="values differ"):
        checks.check_sae_loss(loss_mean_everything)


# --- feature recovery ---------------------------------------------------------------------
def recovery_right(W, D):
    return ((D / D.norm(dim=0)).T @ (W / W.norm(dim=0))).max(0).values


def recovery_abs(W, D):
    return ((D / D.norm(dim=0)).T @ (W / W.norm(dim=0))).abs().max(0).values


def recovery_unnormalised(W, D):
    return (D.T @ W).max(0).values


def recovery_per_latent(W, D):
    return ((D / D.norm(dim=0)).T @ (W / W.norm(dim=0))).max(1).values


def recovery_only_w_normalised(W, D):
    return (D.T @ (W / W.norm(dim=0))).max(0).values


def test_feature_recovery():
    checks.check_feature_recovery(recovery_right)
    with pytest.raises(AssertionError, match="absolute cosine"):
        checks.check_feature_recovery(recovery_abs)
    with pytest.raises(AssertionError, match="without normalising"):
        checks.check_feature_recovery(recovery_unnormalised)
    with pytest.raises(AssertionError, match="one per latent"):
        checks.check_feature_recovery(recovery_per_latent)
    with pytest.raises(AssertionError, match="normalising W but not D"):
        checks.check_feature_recovery(recovery_only_w_normalised)


# --- predictions about dictionary size ------------------------------------------------------
@pytest.fixture(scope="module")
def pentagon():
    cfg = tm.TrainConfig(steps=1500, seed=0, eval_samples=131_072)
    return tm.train_models("relu", 5, 2, density=0.05, importance=1.0, config=cfg, n_seeds=6).best().W[0]


def test_dictionary_predictions(pentagon):
    checks.check_dictionary_predictions(lambda: (2, False, True), pentagon)
    with pytest.raises(AssertionError, match=r"\(a\)"):
        checks.check_dictionary_predictions(lambda: (3, False, True), pentagon)
    with pytest.raises(AssertionError, match=r"\(b\)"):
        checks.check_dictionary_predictions(lambda: (2, True, True), pentagon)
    with pytest.raises(AssertionError, match=r"\(c\)"):
        checks.check_dictionary_predictions(lambda: (2, False, False), pentagon)
    with pytest.raises(AssertionError, match="three predictions"):
        checks.check_dictionary_predictions(lambda: (2, False), pentagon)
    with pytest.raises(AssertionError, match="True or False"):
        checks.check_dictionary_predictions(lambda: (2, 1, True), pentagon)
    with pytest.raises(AssertionError, match="int from 0 to 3"):
        checks.check_dictionary_predictions(lambda: (5, True, True), pentagon)


def test_regular_pentagon_predictions_are_checked_by_training():
    # the check trains on whatever W it is given; on the ideal pentagon the answers come
    # from that training too (so a wrong (a) still fails)
    a = torch.arange(5) * 2 * math.pi / 5
    W = 1.1 * torch.stack([torch.cos(a), torch.sin(a)])
    with pytest.raises(AssertionError):
        checks.check_dictionary_predictions(lambda: (0, False, False), W)
