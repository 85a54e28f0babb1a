"""The claim registry and claims.check: one line, a raise on failure, a log for the claims page."""

import json

import pytest
import torch

from toymodels_lib import claims


def test_every_claim_is_complete_and_named_for_its_chapter():
    assert claims.REGISTRY, "no claims registered"
    for cid, c in claims.REGISTRY.items():
        assert cid == c.id and cid.startswith(f"ch{c.chapter:02d}.")
        assert c.statement and c.paper and c.section and c.criterion.text


def test_check_prints_one_line_and_returns_the_measurement(capsys, monkeypatch):
    monkeypatch.delenv(claims.LOG_ENV, raising=False)
    lin = type("R", (), {})()
    lin.W = torch.eye(5, 20)[None]
    lin.n_hidden = 5
    out = claims.check("ch03.linear-frobenius", {"linear": lin})
    line = capsys.readouterr().out.strip()
    assert line.startswith("✔ claim ch03.linear-frobenius: ") and "claimed ≤ 0.05" in line
    assert out.ok and out.value == pytest.approx(0.0)


def test_a_claim_that_does_not_hold_raises_and_says_what_the_page_says(monkeypatch, tmp_path):
    log = tmp_path / "log.jsonl"
    monkeypatch.setenv(claims.LOG_ENV, str(log))
    lin = type("R", (), {})()
    lin.W = 2 * torch.eye(5, 20)[None]  # ||W||_F^2 = 20, not m = 5
    lin.n_hidden = 5
    with pytest.raises(claims.ClaimFailed, match="does not hold") as err:
        claims.check("ch03.linear-frobenius", {"linear": lin})
    assert "The page says" in str(err.value)
    row = json.loads(log.read_text().splitlines()[-1])
    assert row["id"] == "ch03.linear-frobenius" and row["ok"] is False and row["value"] == pytest.approx(15.0)


def test_unknown_claim_lists_the_chapters_claims():
    with pytest.raises(KeyError, match="claims of ch03"):
        claims.check("ch03.no-such-claim", {})
    with pytest.raises(TypeError):
        claims.get(3)


@pytest.mark.parametrize(
    "criterion, good, bad",
    [
        (claims.at_least(10), 10, 9.5),
        (claims.at_most(0.1), 0.1, 0.2),
        (claims.between(0.3, 0.5), 0.4, 0.6),
        (claims.equals(5), 5, 4),
        (claims.equals(True), True, False),
    ],
)
def test_criteria(criterion, good, bad):
    assert criterion.holds(good) and not criterion.holds(bad)


def test_registering_twice_or_under_the_wrong_chapter_is_refused():
    kwargs = dict(chapter=3, statement="s", paper="p", section="x", criterion=claims.at_least(0))
    with pytest.raises(ValueError, match="registered twice"):
        claims.claim("ch03.linear-frobenius", **kwargs)(lambda r: 0)
    with pytest.raises(ValueError, match="must start with"):
        claims.claim("ch04.wrong-chapter", **kwargs)(lambda r: 0)
