"""Shared by the theory tests: the keyword convention for probabilities, asserted once."""

import pytest


def _exactly_one_keyword(call):
    """``call(**kw)`` must refuse neither and both of ``sparsity=`` / ``density=``."""
    with pytest.raises(TypeError, match="exactly one of sparsity= .* or density=.*got neither"):
        call()
    with pytest.raises(TypeError, match="got both"):
        call(sparsity=0.5, density=0.5)


@pytest.fixture
def exactly_one_keyword():
    return _exactly_one_keyword
