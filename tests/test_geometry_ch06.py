"""Unit tests of chapter 6's additions to theory (polytopes). The geometry figures are tested in
tests/unit/plots/test_plots_geometry.py, feature groups in tests/unit/metrics/."""

import pytest
import torch

from toymodels_lib import metrics, theory


@pytest.mark.parametrize("name", [n for n in theory.POLYTOPES if n != "square antiprism"])
def test_polytope_vertices_have_dimensionality_d_over_k(name):
    V = theory.polytope_vertices(name)
    k, d = theory.POLYTOPES[name]
    assert V.shape == (d, k)
    assert torch.allclose(V.norm(dim=0), torch.ones(k, dtype=V.dtype))
    dims = metrics.feature_dimensionality(V)
    assert torch.allclose(dims, torch.full((k,), theory.polytope_dimensionality(k, d), dtype=dims.dtype), atol=1e-6)
    assert abs(float(dims.sum()) - d) < 1e-6  # sum_i D_i = m for a tight frame


def test_polytope_fractions():
    values = [v for _, v in theory.polytope_fractions()]
    assert values == pytest.approx([1, 3 / 4, 2 / 3, 1 / 2, 2 / 5, 3 / 8])
    assert [label.split()[0] for label, _ in theory.polytope_fractions()] == ["1", "3/4", "2/3", "1/2", "2/5", "3/8"]


@pytest.mark.parametrize("args, err", [((0, 1), ValueError), ((3, 4), ValueError), ((2.0, 1), TypeError), ((3, "2"), TypeError)])
def test_polytope_dimensionality_bad_input(args, err):
    with pytest.raises(err):
        theory.polytope_dimensionality(*args)


@pytest.mark.parametrize("name", ["square antiprism", "heptagon", 3])
def test_polytope_vertices_bad_input(name):
    with pytest.raises(ValueError):
        theory.polytope_vertices(name)
