"""Adam and AdamW over one flat buffer.

The same update as ``torch.optim.Adam`` / ``torch.optim.AdamW`` (no amsgrad), but every
parameter of the model lives in one contiguous buffer, so a step is seven tensor
operations however many parameters there are. For the toy models, whose parameters are a
few hundred numbers, the per-operation overhead is what costs: this is several times
faster than the stock optimiser there. The tests check the trajectories agree.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import torch
from torch import nn

from ._validate import check_real

__all__ = ["FlatAdam"]


class FlatAdam:
    """Adam (``decoupled=False``, L2 weight decay) or AdamW (``decoupled=True``).

    On construction the parameters' data are moved into one flat buffer and each
    parameter becomes a view of it. Write gradients into ``grad_views`` (or let autograd
    fill ``p.grad`` and call :meth:`gather_grads`), then call :meth:`step`.
    """

    def __init__(
        self,
        params: Sequence[nn.Parameter],
        *,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        decoupled: bool = False,
    ) -> None:
        params = list(params)
        if not params:
            raise ValueError("params must hold at least one parameter, got none")
        self.lr = check_real("lr", lr, low=0.0, low_open=True)
        self.beta1 = check_real("betas[0]", betas[0], low=0.0, high=1.0, high_open=True)
        self.beta2 = check_real("betas[1]", betas[1], low=0.0, high=1.0, high_open=True)
        self.eps = check_real("eps", eps, low=0.0, low_open=True)
        self.weight_decay = check_real("weight_decay", weight_decay, low=0.0)
        self.decoupled = bool(decoupled)
        device, dtype = params[0].device, params[0].dtype
        total = sum(p.numel() for p in params)
        self.flat = torch.empty(total, device=device, dtype=dtype)
        self.grad = torch.zeros(total, device=device, dtype=dtype)
        self.params = params
        self.grad_views: list[torch.Tensor] = []
        offset = 0
        for p in params:
            size = p.numel()
            self.flat[offset : offset + size].copy_(p.detach().reshape(-1))
            p.data = self.flat[offset : offset + size].view_as(p)
            self.grad_views.append(self.grad[offset : offset + size].view_as(p))
            offset += size
        self.exp_avg = torch.zeros_like(self.flat)
        self.exp_avg_sq = torch.zeros_like(self.flat)
        self.t = 0

    def gather_grads(self) -> None:
        """Copy each parameter's ``.grad`` (from autograd) into the flat gradient."""
        for p, g in zip(self.params, self.grad_views, strict=True):
            if p.grad is None:
                g.zero_()
            else:
                g.copy_(p.grad)
                p.grad = None

    @torch.no_grad()
    def step(self, lr: float | None = None) -> None:
        """One update with learning rate ``lr`` (default: the constructor's)."""
        self.begin_step(lr)(0, self.flat.numel())

    def begin_step(self, lr: float | None = None) -> Callable[[int, int], None]:
        """Start one update and return ``update(lo, hi)``, which applies it to the flat
        entries ``lo .. hi-1``: the caller must cover every entry exactly once before the
        next step (the trainer updates each group of instances as soon as its gradients
        are in, on the thread that computed them). The update is elementwise, so slices
        give the numbers of :meth:`step` bit for bit (tested)."""
        lr = self.lr if lr is None else lr
        self.t += 1
        bias1 = 1.0 - self.beta1**self.t
        bias2_sqrt = math.sqrt(1.0 - self.beta2**self.t)

        @torch.no_grad()
        def update(lo: int, hi: int) -> None:
            whole = lo == 0 and hi == self.flat.numel()  # step(): no views to make
            flat, grad = (self.flat, self.grad) if whole else (self.flat[lo:hi], self.grad[lo:hi])
            exp_avg, exp_avg_sq = (self.exp_avg, self.exp_avg_sq) if whole else (self.exp_avg[lo:hi], self.exp_avg_sq[lo:hi])
            if self.weight_decay and not self.decoupled:
                grad = grad.add(flat, alpha=self.weight_decay)
            exp_avg.lerp_(grad, 1.0 - self.beta1)
            exp_avg_sq.mul_(self.beta2).addcmul_(grad, grad, value=1.0 - self.beta2)
            denom = exp_avg_sq.sqrt().div_(bias2_sqrt).add_(self.eps)
            if self.weight_decay and self.decoupled:
                flat.mul_(1.0 - lr * self.weight_decay)
            flat.addcdiv_(exp_avg, denom, value=-lr / bias1)

        return update
