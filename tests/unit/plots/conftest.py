"""Every figure a plot test makes is checked for legibility on the website.

Figures are recorded as they are created (whether or not the test closes them) and, after
the test, each must fit the content column and have no text below ``MIN_FONT_PT``
(:func:`toymodels_lib.plots.legibility_problems`). A plot added later is covered as soon as
it has a test in this folder.
"""

import matplotlib.figure
import pytest

from toymodels_lib.plots import legibility_problems


@pytest.fixture(autouse=True)
def legible_figures(monkeypatch):
    made: list[matplotlib.figure.Figure] = []
    init = matplotlib.figure.Figure.__init__

    def recording_init(self, *args, **kwargs):
        init(self, *args, **kwargs)
        made.append(self)

    monkeypatch.setattr(matplotlib.figure.Figure, "__init__", recording_init)
    yield made
    problems = [f"figure {k} ({fig.get_suptitle() or 'no title'}): {p}"
                for k, fig in enumerate(made) for p in legibility_problems(fig)]
    assert not problems, "figures that would be hard to read on the website:\n" + "\n".join(problems)
