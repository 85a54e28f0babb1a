"""FlatAdam must follow torch.optim.Adam / AdamW exactly."""

import pytest
import torch

from toymodels_lib.optim import FlatAdam


@pytest.mark.parametrize("decoupled, wd", [(False, 0.0), (False, 0.05), (True, 0.01)])
def test_matches_torch(decoupled, wd):
    torch.manual_seed(0)
    w0, b0 = torch.randn(3, 4), torch.randn(5)
    ours = [torch.nn.Parameter(w0.clone()), torch.nn.Parameter(b0.clone())]
    ref = [torch.nn.Parameter(w0.clone()), torch.nn.Parameter(b0.clone())]
    opt = FlatAdam(ours, lr=1e-2, weight_decay=wd, decoupled=decoupled)
    cls = torch.optim.AdamW if decoupled else torch.optim.Adam
    ref_opt = cls(ref, lr=1e-2, weight_decay=wd)
    for _ in range(50):
        grads = [torch.randn(3, 4), torch.randn(5)]
        for p, g in zip(ours, grads, strict=True):
            p.grad = g.clone()
        opt.gather_grads()
        opt.step()
        for p, g in zip(ref, grads, strict=True):
            p.grad = g.clone()
        ref_opt.step()
    for a, b in zip(ours, ref, strict=True):
        assert torch.allclose(a, b, atol=1e-6)


@pytest.mark.parametrize("decoupled, wd", [(False, 0.0), (False, 0.05), (True, 0.01)])
def test_an_update_in_slices_is_the_whole_update_bit_for_bit(decoupled, wd):
    """begin_step's update(lo, hi), applied to slices that cover the buffer (as the trainer's
    groups do, in any order), gives exactly step()'s numbers, tails of vector lanes included."""
    torch.manual_seed(1)
    w0, b0 = torch.randn(37, 41), torch.randn(1001)
    whole = FlatAdam([torch.nn.Parameter(w0.clone()), torch.nn.Parameter(b0.clone())], lr=1e-2, weight_decay=wd,
                     decoupled=decoupled)
    parts = FlatAdam([torch.nn.Parameter(w0.clone()), torch.nn.Parameter(b0.clone())], lr=1e-2, weight_decay=wd,
                     decoupled=decoupled)
    cuts = [0, 1, 7, 300, 1517, 1518, 2002, whole.flat.numel()]
    for step in range(20):
        g = torch.randn(whole.flat.numel())
        whole.grad.copy_(g)
        parts.grad.copy_(g)
        whole.step(1e-2 * (1 - step / 40))
        update = parts.begin_step(1e-2 * (1 - step / 40))
        for lo, hi in reversed(list(zip(cuts[:-1], cuts[1:], strict=True))):
            update(lo, hi)
    for name in ("flat", "exp_avg", "exp_avg_sq"):
        assert torch.equal(getattr(whole, name), getattr(parts, name)), name
    assert whole.t == parts.t == 20


def test_parameters_are_views_of_flat_buffer():
    p = torch.nn.Parameter(torch.ones(2, 2))
    opt = FlatAdam([p], lr=0.1)
    opt.grad_views[0].fill_(1.0)
    opt.step()
    assert torch.allclose(p.data, torch.full((2, 2), 0.9))


def test_bad_arguments():
    with pytest.raises(ValueError, match="at least one"):
        FlatAdam([])
    p = [torch.nn.Parameter(torch.zeros(2))]
    with pytest.raises(ValueError, match="lr"):
        FlatAdam(p, lr=0.0)
    with pytest.raises(ValueError, match=r"betas\[1\]"):
        FlatAdam(p, betas=(0.9, 1.0))
