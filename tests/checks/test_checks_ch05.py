"""Each chapter-5 check passes the right answer and fails plausible wrong ones."""

import pytest
import torch

from toymodels_lib import checks


def _losses(r, p):
    var = p / 3 - p**2 / 4
    return torch.tensor([r * var, var, (1 + r) * p**2 / 6])


def test_candidate_losses_check():
    checks.check_candidate_losses(_losses)
    with pytest.raises(AssertionError, match="without the bias"):
        checks.check_candidate_losses(lambda r, p: torch.tensor([r * p / 3, p / 3, (1 + r) * p**2 / 6]))
    with pytest.raises(AssertionError, match=r"\(1 \+ r\)"):
        checks.check_candidate_losses(lambda r, p: _losses(r, p) * torch.tensor([1, 1, 1 / (1 + r)]))
    with pytest.raises(AssertionError, match="BOTH"):
        checks.check_candidate_losses(lambda r, p: torch.cat([_losses(r, p)[:2], torch.tensor([(1 + r) * p / 6])]))
    with pytest.raises(AssertionError, match="shape"):
        checks.check_candidate_losses(lambda r, p: _losses(r, p)[:2])
    with pytest.raises(AssertionError, match="raised"):
        checks.check_candidate_losses(lambda r, p: 1 / 0)


def _classify(W):
    extra = W[:, -1]
    norm = extra.norm()
    if norm < 0.5:
        return torch.tensor(0)
    sup = ((extra / norm) @ W[:, :-1]).pow(2).sum()
    return torch.tensor(1 if sup > 0.25 else 2)


def test_classify_check():
    checks.check_classify_extra_feature(_classify)
    with pytest.raises(AssertionError, match="FIRST feature"):
        checks.check_classify_extra_feature(lambda W: _classify(W.flip(-1)))
    # forgetting to normalise the extra feature's direction
    def unnormalised(W):
        extra = W[:, -1]
        if extra.norm() < 0.5:
            return torch.tensor(0)
        return torch.tensor(1 if (extra @ W[:, :-1]).pow(2).sum() > 0.25 else 2)

    with pytest.raises(AssertionError, match="expected phase"):
        checks.check_classify_extra_feature(unnormalised)
    with pytest.raises(AssertionError, match="one phase code"):
        checks.check_classify_extra_feature(lambda W: torch.zeros(3))


def test_boundary_check():
    checks.check_antipodal_boundary(lambda r: 4 * r / (2 + 5 * r) if r <= 1 else 4 / (5 + 2 * r))
    with pytest.raises(AssertionError, match="r < 1 branch"):
        checks.check_antipodal_boundary(lambda r: 4 * r / (2 + 5 * r))
    with pytest.raises(AssertionError, match="r > 1 branch"):
        checks.check_antipodal_boundary(lambda r: 4 / (5 + 2 * r))
    with pytest.raises(TypeError):
        checks.check_antipodal_boundary(0.5)


def test_phase_predictions_check():
    checks.check_phase_predictions(lambda: [0, 1, 1, 2])
    checks.check_phase_predictions(lambda: torch.tensor([0, 1, 1, 2]))
    # the unit-norm closed forms put (r = 0.5, p = 0.46) just above their boundary 0.444
    with pytest.raises(AssertionError, match="unit-norm closed forms"):
        checks.check_phase_predictions(lambda: [0, 1, 0, 2])
    with pytest.raises(AssertionError, match="point 4"):
        checks.check_phase_predictions(lambda: [0, 1, 1, 1])
    with pytest.raises(AssertionError, match="4 phase codes"):
        checks.check_phase_predictions(lambda: [0, 1, 1])
    with pytest.raises(AssertionError, match="4 phase codes"):
        checks.check_phase_predictions(lambda: [0.0, 1.0, 1.5, 2.0])
    with pytest.raises(AssertionError, match="raised"):
        checks.check_phase_predictions(lambda: 1 / 0)
