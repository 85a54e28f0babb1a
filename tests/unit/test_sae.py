"""sae: the sparse autoencoder, its hand-written gradients, the trainer with resampling,
evaluation, the table and the sweep summary (chapter 11)."""

import math

import pytest
import torch

import toymodels_lib as tm


def _pentagon(scale: float = 1.0) -> torch.Tensor:
    a = torch.arange(5) * 2 * math.pi / 5
    return scale * torch.stack([torch.cos(a), torch.sin(a)])


def test_init_unit_decoder_tied_encoder_and_seeded():
    a = tm.SparseAutoencoder(3, 7, 4, seed=1)
    assert a.W_dec.shape == (4, 3, 7) and a.W_enc.shape == (4, 7, 3)
    assert a.b_enc.shape == (4, 7) and a.b_dec.shape == (4, 3)
    torch.testing.assert_close(a.W_dec.norm(dim=1), torch.ones(4, 7))
    torch.testing.assert_close(a.W_enc, a.W_dec.transpose(1, 2))
    b = tm.SparseAutoencoder(3, 7, 4, seed=1)
    torch.testing.assert_close(a.W_dec, b.W_dec)
    c = tm.SparseAutoencoder(3, 7, 4, seed=2)
    assert not torch.allclose(a.W_dec, c.W_dec)
    # an instance's start depends on its key only, not on how many instances there are
    d = tm.SparseAutoencoder(3, 7, 2, seed=1, stream_keys=[3, 0])
    torch.testing.assert_close(d.W_dec[0], a.W_dec[3])
    torch.testing.assert_close(d.W_dec[1], a.W_dec[0])


def test_forward_matches_the_formula():
    torch.manual_seed(0)
    sae = tm.SparseAutoencoder(2, 5, 3, seed=0)
    with torch.no_grad():
        sae.b_enc.normal_()
        sae.b_dec.normal_()
    h = torch.randn(3, 11, 2)
    h_hat, a = sae(h)
    for k in range(3):
        a_k = torch.relu((h[k] - sae.b_dec[k]) @ sae.W_enc[k].T + sae.b_enc[k])
        torch.testing.assert_close(a[k], a_k)
        torch.testing.assert_close(h_hat[k], a_k @ sae.W_dec[k].T + sae.b_dec[k])
    assert (a >= 0).all()


def test_hand_gradients_match_autograd():
    torch.manual_seed(0)
    sae = tm.SparseAutoencoder(3, 7, 4, seed=1)
    with torch.no_grad():
        sae.b_enc.normal_()
        sae.b_dec.normal_()
    h = torch.randn(4, 33, 3)
    l1 = torch.tensor([0.0, 0.1, 0.3, 1.0])
    loss, a, grads = sae.loss_and_grads(h, l1)
    h_hat, a2 = sae(h)
    ref = tm.sae_loss(h, h_hat, a2, l1)
    ref.sum().backward()
    torch.testing.assert_close(loss, ref.detach())
    for p, g in zip([sae.W_enc, sae.b_enc, sae.W_dec, sae.b_dec], grads, strict=True):
        torch.testing.assert_close(g, p.grad, atol=1e-5, rtol=1e-4)


def test_sae_loss_value_and_errors():
    h = torch.ones(1, 2, 2)
    h_hat = torch.zeros(1, 2, 2)
    a = torch.full((1, 2, 3), 0.5)
    # per input: squared error 2, L1 sum 1.5
    assert float(tm.sae_loss(h, h_hat, a, 0.2)[0]) == pytest.approx(2 + 0.2 * 1.5)
    with pytest.raises(ValueError, match="h must be a tensor"):
        tm.sae_loss(torch.ones(2, 2), h_hat, a, 0.1)
    with pytest.raises(ValueError, match="h_hat must have h's shape"):
        tm.sae_loss(h, torch.zeros(1, 2, 3), a, 0.1)
    with pytest.raises(ValueError, match="l1 must be >= 0"):
        tm.sae_loss(h, h_hat, a, -1.0)
    with pytest.raises(ValueError, match="one value per instance"):
        tm.sae_loss(h, h_hat, a, [0.1, 0.2])


def test_constructor_and_input_errors():
    with pytest.raises(ValueError, match="n_latents"):
        tm.SparseAutoencoder(2, 0)
    with pytest.raises(TypeError, match="n_inputs"):
        tm.SparseAutoencoder(2.5, 3)
    with pytest.raises(ValueError, match="stream_keys"):
        tm.SparseAutoencoder(2, 3, 2, stream_keys=[0])
    sae = tm.SparseAutoencoder(2, 3, 2)
    with pytest.raises(ValueError, match=r"\[2, batch, 2\]"):
        sae(torch.zeros(2, 4, 3))
    with pytest.raises(TypeError, match="torch.Tensor"):
        sae([[0.0, 0.0]])


def test_train_sae_recovers_the_regular_pentagon_and_is_seeded():
    # calibration (regular pentagon of unit spokes, these settings, seed 0): recovered
    # [5, 5, 5, 5], mean max cosine 0.998-0.999
    W = _pentagon(1.0)
    kw = dict(n_latents=5, l1=0.3, density=0.05, n_seeds=4, steps=1000, batch_size=256, lr=0.03)
    r = tm.train_sae(W, **kw)
    m = tm.evaluate_sae(r)
    assert r.n_instances == 4 and r.W_dec.shape == (4, 2, 5)
    torch.testing.assert_close(r.W_dec.norm(dim=1), torch.ones(4, 5))  # kept at unit norm
    assert int((m["recovered"] == 5).sum()) >= 3 and float(m["mmcs"].max()) > 0.99
    assert m["max_cos"].shape == (4, 5)
    assert r.history.shape == (len(r.history_steps), 4) and r.history[-1].max() < r.history[0].min()
    again = tm.train_sae(W, **kw)
    torch.testing.assert_close(r.W_dec, again.W_dec)
    r20 = tm.train_sae(W, **{**kw, "steps": 20})
    other = tm.train_sae(W, **{**kw, "seed": 1, "steps": 20})
    assert not torch.allclose(r20.W_dec, other.W_dec)


def test_l1_sweep_shares_initialisations_and_l1_lowers_l0():
    W = _pentagon(1.1)
    r = tm.train_sae(W, n_latents=5, l1=[0.01, 1.0], density=0.05, n_seeds=2, steps=300, batch_size=128)
    assert r.l1.tolist() == pytest.approx([0.01, 0.01, 1.0, 1.0])
    # seed j of each l1 started from the same dictionary
    start = tm.SparseAutoencoder(2, 5, 4, stream_keys=[0, 1, 0, 1])
    torch.testing.assert_close(start.W_dec[0], start.W_dec[2])
    m = tm.evaluate_sae(r)
    assert m["l0"][2:].mean() < m["l0"][:2].mean()
    pts = tm.sae.sweep_points(r)
    assert pts["l1"] == pytest.approx([0.01, 1.0]) and len(pts["l0"]) == 2 and len(pts["full"]) == 2
    assert all(0 <= f <= 1 for f in pts["full"])


def test_resampling_revives_dead_latents():
    W = _pentagon(1.1)
    kw = dict(n_latents=5, l1=1.0, density=0.05, n_seeds=4, steps=800, batch_size=256, lr=0.1)
    plain = tm.train_sae(W, **kw)
    res = tm.train_sae(W, resample_every=100, **kw)
    dp, dr = tm.evaluate_sae(plain)["dead"], tm.evaluate_sae(res)["dead"]
    assert int(plain.n_resampled.sum()) == 0 and int(res.n_resampled.sum()) > 0
    assert int(dp.sum()) > 0 and int(dr.sum()) < int(dp.sum())


def test_dead_latent_is_counted():
    W = _pentagon()
    r = tm.train_sae(W, n_latents=3, l1=0.1, density=0.05, steps=2, batch_size=8)
    with torch.no_grad():
        r.sae.b_enc[0, 1] = -100.0  # never fires
    m = tm.evaluate_sae(r, n_samples=512)
    assert bool(m["dead_mask"][0, 1]) and int(m["dead"][0]) >= 1


def test_train_sae_errors():
    W = _pentagon()
    ok = dict(n_latents=5, l1=0.1, density=0.05)
    with pytest.raises(ValueError, match="resample_every"):
        tm.train_sae(W, resample_every=100, steps=100, **ok)
    with pytest.raises(ValueError, match="l1 must be >= 0"):
        tm.train_sae(W, n_latents=5, l1=[-0.1], density=0.05)
    with pytest.raises(ValueError, match="l1 must hold at least one value"):
        tm.train_sae(W, n_latents=5, l1=[], density=0.05)
    with pytest.raises(TypeError, match="exactly one"):
        tm.train_sae(W, n_latents=5, l1=0.1)
    with pytest.raises(ValueError, match=r"transpose|\.T"):
        tm.train_sae(W.T, **ok)
    with pytest.raises(TypeError, match="n_latents"):
        tm.train_sae(W, n_latents=2.5, l1=0.1, density=0.05)
    with pytest.raises(ValueError, match="lr"):
        tm.train_sae(W, lr=0.0, **ok)
    with pytest.raises(TypeError, match="SAEResult"):
        tm.evaluate_sae("not a result")
    with pytest.raises(TypeError, match="SAEResult"):
        tm.SAETable(None)
    with pytest.raises(TypeError, match="SAEResult"):
        tm.sae.sweep_points(3)


def test_table_text_and_html():
    r = tm.train_sae(_pentagon(), n_latents=5, l1=[0.1, 0.3], density=0.05, n_seeds=2, steps=5, batch_size=16)
    with pytest.raises(ValueError, match="evaluate_sae"):
        tm.SAETable(r)
    tm.evaluate_sae(r, n_samples=256)
    t = tm.SAETable(r)
    text = repr(t)
    assert text.splitlines()[0].startswith("L1 | seed | features recovered")
    assert len(text.splitlines()) == 5
    html = t._repr_html_()
    assert html.count("<tr>") == 5 and "<th>mean max cosine</th>" in html


def test_max_cosine_similarity():
    W = _pentagon()
    D = torch.stack([W[:, 0], -W[:, 1], W[:, 2] * 3 + 0.01], dim=1)
    cos = tm.max_cosine_similarity(W, D)
    assert cos.shape == (5,)
    assert float(cos[0]) == pytest.approx(1.0) and float(cos[2]) == pytest.approx(1.0, abs=1e-3)
    assert float(cos[1]) < 0.5  # pointing away does not count
    batched = tm.max_cosine_similarity(W, torch.stack([D, D]))
    assert batched.shape == (2, 5)
    with pytest.raises(ValueError, match="as many rows"):
        tm.max_cosine_similarity(W, torch.ones(3, 4))
    with pytest.raises(ValueError, match="one model"):
        tm.max_cosine_similarity(torch.ones(2, 2, 5), D)
    with pytest.raises(ValueError, match="finite"):
        tm.max_cosine_similarity(W, torch.full((2, 3), float("nan")))
