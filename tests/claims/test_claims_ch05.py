"""Claims of chapter 5 (superposition as a phase change), on small seeded runs and on the
shipped artifacts.

Reduced configuration (retrained here): relative importance r in {0.2, 0.6, 1.6, 5},
density in {1, 0.15, 0.02}, 5 seeds per point (the worst dropped), 1,000 steps of 512.
Calibrated on seeds 0, 1, 2 (values in the comments).
"""


import numpy as np
import pytest

import toymodels_lib as tm
from toymodels_lib import sweeps as phase_sweeps
from toymodels_lib.sweeps import phase

R = [0.2, 0.6, 1.6, 5.0]
P = [1.0, 0.15, 0.02]
DATA = phase_sweeps.SHIPPED


def _reduced(n_features, seed):
    cfg = tm.TrainConfig(steps=1000, batch_size=512, seed=seed, eval_samples=8192)
    return phase.train_phase_diagram(n_features, relative_importance=R, density=P, n_seeds=5, config=cfg)


# Calibrated on seeds 0, 1, 2; the test runs seed 0 (deterministic: same numbers every run).
@pytest.mark.parametrize("seed", [0])
def test_two_in_one_regions_and_agreement(seed):
    d = _reduced(2, seed)
    theory = d.theory()
    r = np.asarray(R)
    majority = d.phase("majority")  # most common phase among the 4 kept seeds
    best = d.phase("best")
    # dense features: no superposition; the extra feature is dropped (r < 1) or dedicated (r > 1)
    # (majority row = closed form on seeds 0, 1, 2; single kept seeds can sit in a local
    # minimum, e.g. seed 1 has one dense r = 0.6 model that dedicates the dimension)
    assert (majority[0] == theory[0]).all() and (majority[0] != 1).all()
    # a dedicated dimension only when the extra feature matters more (r > 1)
    assert (majority[:, r < 1] != 2).all() and (best[:, r < 1] != 2).all()
    # sparse and comparable importance (r = 0.6, 1.6 at 1-S = 0.15, 0.02): superposition
    # (lowest-loss model: 4/4 cells on seeds 0, 1, 2)
    assert (best[1:, 1:3] == 1).all()
    # agreement with the closed-form diagram on this grid: best model 12/12 on seeds 0, 1, 2;
    # majority of the 4 kept 11/12, 11/12, 12/12
    assert d.agreement("best") >= 11 / 12
    assert d.agreement("majority") >= 10 / 12


@pytest.mark.parametrize("seed", [0])
def test_three_in_two_regions_and_agreement(seed):
    d = _reduced(3, seed)
    theory = d.theory()
    r = np.asarray(R)
    majority = d.phase("majority")
    # dense: exactly the closed form (extra dropped for r < 1, dedicated for r > 1); seeds 0, 1, 2
    assert (majority[0] == theory[0]).all()
    # r < 1 down to 1-S = 0.15: the 2-in-1 picture (dropped when dense, antipodal with
    # feature 2 when sparser); at 1-S = 0.02 single runs are too noisy to assert cell by cell
    assert (majority[:2, r < 1] == theory[:2, r < 1]).all()
    # an important extra feature (r > 1) is learned (dedicated or shared), never dropped
    assert (majority[:, r > 1] != 0).all()
    # overall agreement (seen: best 10/12, 9/12, 10/12; majority 9/12 on seeds 0, 1, 2)
    assert d.agreement("best") >= 8 / 12
    assert d.agreement("majority") >= 8 / 12


def _artifact(name):
    path = DATA / f"phase_{name}_v{phase.PHASE_ARTIFACT_VERSION}.npz"
    if not path.exists():
        pytest.skip(f"{path} missing: run `make artifacts`")
    return phase.PhaseDiagram.load(path)


def test_shipped_two_in_one_artifact():
    d = _artifact("2in1")
    assert d.W.shape == (10, 10, 10, 1, 2) and d.config["seed"] == 0
    theory = d.theory()
    maj, best = d.phase("majority"), d.phase("best")
    assert (maj[0] != 1).all() and (best[0] == theory[0]).all()  # dense: no superposition
    assert (maj[:, d.relative_importance < 1] != 2).all()  # dedicated only for r > 1
    assert (best[theory == 1] == 1).all()  # superposition wherever the closed form has it
    # measured on the shipped v1 artifact: majority of 9 kept 0.83, lowest-loss model 0.99
    assert d.agreement("majority") >= 0.80
    assert d.agreement("best") >= 0.97


def test_shipped_three_in_two_artifact():
    d = _artifact("3in2")
    assert d.W.shape == (10, 10, 10, 2, 3)
    maj, theory = d.phase("majority"), d.theory()
    assert (maj[0] == theory[0]).all()
    assert (maj[:, d.relative_importance > 1] != 0).all()  # an important extra feature is kept
    # measured on the shipped v1 artifact: majority of 9 kept 0.78, lowest-loss model 0.90
    assert d.agreement("majority") >= 0.75
    assert d.agreement("best") >= 0.87
