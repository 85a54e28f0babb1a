"""The plot tests draw off screen: the Agg backend, chosen once before any figure is made."""

import matplotlib

matplotlib.use("Agg")
