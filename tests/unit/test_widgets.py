"""toymodels_lib.widgets: the kernel-free scrubber and the live explorer."""

from __future__ import annotations

import re

import matplotlib.pyplot as plt
import pytest

import toymodels_lib as tm
from toymodels_lib import widgets


def _figs(k: int):
    figs = []
    for i in range(k):
        fig, ax = plt.subplots(figsize=(2, 1.5))
        ax.plot([0, 1], [0, i])
        ax.set_title(f"frame {i}")
        figs.append(fig)
    return figs


def test_exported_from_package():
    assert tm.widgets is widgets
    for name in widgets.__all__:
        assert hasattr(widgets, name)


def test_figure_to_png_is_png_and_closes_figure():
    (fig,) = _figs(1)
    png = widgets.figure_to_png(fig)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 500
    assert not plt.fignum_exists(fig.number)


def test_figure_to_png_bad_input():
    with pytest.raises(TypeError, match="fig must be a matplotlib Figure"):
        widgets.figure_to_png("not a figure")
    (fig,) = _figs(1)
    with pytest.raises(ValueError, match="dpi"):
        widgets.figure_to_png(fig, dpi=-3)
    plt.close(fig)


def test_scrubber_html_structure():
    labels = ["1−S = 1", "1−S = 0.1", "1−S = <0.01>"]
    s = widgets.scrubber(_figs(3), labels, title="A & B", slider_label="density", start=1)
    html = s._repr_html_()
    assert len(s) == 3
    # one <img> per frame, all inline PNGs, only the start frame visible
    imgs = re.findall(r"<img [^>]*>", html)
    assert len(imgs) == 3
    assert all('src="data:image/png;base64,' in i for i in imgs)
    assert [(" hidden " in i) for i in imgs] == [True, False, True]
    # a range slider over the frame indices, a play button, the current label
    assert re.search(r'<input type="range" class="tm-slider" min="0" max="2" step="1" value="1"', html)
    assert 'class="tm-play"' in html
    assert 'class="tm-frame-label"' in html and "1−S = 0.1</span>" in html
    # labels and title are HTML-escaped
    assert "&lt;0.01&gt;" in html and "<0.01>" not in html
    assert "A &amp; B" in html
    # self-contained: no external resources, nothing MathJax would typeset
    assert "http://" not in html and "https://" not in html
    assert "$" not in html
    # the script addresses this scrubber by its own id
    assert f'id="{s.id}"' in html and f'getElementById("{s.id}")' in html


def test_scrubber_id_is_deterministic_and_content_specific():
    pngs = [widgets.figure_to_png(f) for f in _figs(2)]
    a = widgets.scrubber(pngs, ["a", "b"])
    b = widgets.scrubber(pngs, ["a", "b"])
    c = widgets.scrubber(pngs, ["a", "c"])
    assert a.id == b.id and a.html == b.html
    assert a.id != c.id


def test_scrubber_accepts_png_bytes():
    pngs = [widgets.figure_to_png(f) for f in _figs(2)]
    s = widgets.scrubber(pngs, ["x", "y"])
    assert s.frames == pngs


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        (dict(frames=[], labels=[]), ValueError, "at least one frame"),
        (dict(frames="abc", labels=["a"]), TypeError, "frames must be a list"),
        (dict(frames=[b"notpng"], labels=["a"]), ValueError, "not a PNG"),
        (dict(frames=[42], labels=["a"]), TypeError, r"frames\[0\] must be a matplotlib Figure"),
        (dict(frames=[b"\x89PNG\r\n\x1a\n"], labels=["a", "b"]), ValueError, "one entry per frame"),
        (dict(frames=[b"\x89PNG\r\n\x1a\n"], labels="a"), TypeError, "labels must be a list"),
        (dict(frames=[b"\x89PNG\r\n\x1a\n"], labels=[1]), TypeError, "labels must be strings"),
        (dict(frames=[b"\x89PNG\r\n\x1a\n"], labels=["a"], interval_ms=10), ValueError, "interval_ms"),
        (dict(frames=[b"\x89PNG\r\n\x1a\n"], labels=["a"], start=1), ValueError, "start"),
        (dict(frames=[b"\x89PNG\r\n\x1a\n"], labels=["a"], title=3), TypeError, "title"),
    ],
)
def test_scrubber_bad_input(kwargs, exc, match):
    frames = kwargs.pop("frames")
    labels = kwargs.pop("labels")
    with pytest.raises(exc, match=match):
        widgets.scrubber(frames, labels, **kwargs)


def test_sweep_scrubber_calls_plot_per_item():
    seen = []

    def plot(item):
        seen.append(item)
        fig, ax = plt.subplots(figsize=(1, 1))
        ax.set_title(str(item))
        return fig

    s = widgets.sweep_scrubber([1, 2, 3], plot, ["one", "two", "three"], slider_label="k")
    assert seen == [1, 2, 3] and len(s) == 3 and s.labels == ["one", "two", "three"]
    with pytest.raises(TypeError, match="plot must be"):
        widgets.sweep_scrubber([1], "plot", ["a"])
    with pytest.raises(ValueError, match="items must be a non-empty list"):
        widgets.sweep_scrubber([], plot, [])
    with pytest.raises(ValueError, match="one entry per frame"):
        widgets.sweep_scrubber([1, 2], plot, ["a"])


def test_live_explorer_controls_and_fallback():
    ex = widgets.live_explorer(n=12, m=3, density=0.1, decay=0.8, steps=30, title="demo")
    assert (ex.n.value, ex.m.value, ex.decay.value) == (12, 3, 0.8)
    assert ex.density.value == pytest.approx(0.1)
    assert ex.sparsity == pytest.approx(0.9)
    assert ex.button.description == "Retrain"
    assert ex.progress.max == 30 and ex.result is None  # nothing trains before the click
    # m can never exceed n
    ex.n.value = 2
    assert ex.m.max == 2 and ex.m.value <= 2
    bundle = ex._repr_mimebundle_()
    # a kernel frontend renders the widget view; the website renders the launch note instead
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert "tm-live-note" in bundle["text/html"]
    assert "Binder" in bundle["text/html"] and "Colab" in bundle["text/html"]


def test_live_explorer_retrain_updates_progress_and_result():
    ex = widgets.live_explorer(n=6, m=2, density=0.1, steps=20)
    ex.progress.max = 20
    result = ex.retrain()
    assert result is ex.result
    assert tuple(result.W.shape) == (1, 2, 6)
    assert ex.progress.value == 20 and ex.progress.bar_style == "success"
    assert not ex.button.disabled
    assert len(ex.output.outputs) == 1  # the figure
    plt.close("all")


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        (dict(kind="cnn"), ValueError, "kind must be one of"),
        (dict(n=2.5), TypeError, "n must be an integer"),
        (dict(n=100), ValueError, r"n must be in \[2, 40\]"),
        (dict(n=4, m=6), ValueError, r"m must be in \[1, 10\]|m must be <= n"),
        (dict(n=4, m=5), ValueError, "m must be <= n"),
        (dict(density=0.0), ValueError, "density"),
        (dict(density=2), ValueError, "density"),
        (dict(decay=0.2), ValueError, "decay"),
        (dict(steps=0), ValueError, "steps"),
        (dict(seed=-1), ValueError, "seed"),
        (dict(plot=3), TypeError, "plot must be"),
        (dict(n_range=(5, 2)), ValueError, "n_range"),
        (dict(title=5), TypeError, "title"),
    ],
)
def test_live_explorer_bad_input(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        widgets.live_explorer(**kwargs)
