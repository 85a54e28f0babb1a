"""Interactive figures: precomputed frames for the static site, live explorers for a kernel,
and the in-browser trainer (``frames``, ``live``, ``browser``).

Two kinds of interactivity, so that the book works both as a static website and in a
running kernel:

* :func:`scrubber` (and :func:`sweep_scrubber`) turn a list of precomputed frames (matplotlib
  figures or PNG bytes) into a self-contained HTML/JavaScript snippet: an image, a slider
  (``<input type=range>``) and a play button that step through the frames. It needs no
  kernel and no internet (the frames are inlined as base64 PNGs), so it works on the
  website, in JupyterLab, on Binder and on Colab alike.
* :func:`live_explorer` builds ipywidgets controls (sliders for ``n``, ``m``, the sparsity
  and the importance decay, a *Retrain* button and a progress bar) that retrain a toy
  model when a kernel runs. Its output also carries a ``text/html`` fallback: the website
  (which shows no widget views, see ``_config.yml``) prints a line saying how to launch the
  live version instead of dead controls.
"""

from .browser import BROWSER_ASSETS, BrowserExplorer, browser_asset, browser_explorer
from .frames import Scrubber, figure_to_png, scrubber, sweep_scrubber
from .live import LIVE_NOTE, LiveExplorer, live_explorer
from .table import Table, table

__all__ = [
    "BROWSER_ASSETS",
    "BrowserExplorer",
    "LIVE_NOTE",
    "LiveExplorer",
    "Scrubber",
    "Table",
    "browser_asset",
    "browser_explorer",
    "figure_to_png",
    "live_explorer",
    "scrubber",
    "sweep_scrubber",
    "table",
]
