"""The marks' colours, one table for both renderers.

Each mark is drawn with a dark halo, so it reads on every band of viridis and on both themes'
backgrounds (3:1 or more, tested). Standard library only.
"""

from __future__ import annotations

__all__ = ["CAP", "DECISION", "HALO", "LOSS_CURVE", "MINIMUM", "PATH", "PROBE", "SLOPE_CURVE"]

DECISION = "#ff94e0"
MINIMUM = "#ffa31a"
CAP = "#e8e8e8"
PROBE = "#4dd8ff"
PATH = "#ffffff"
HALO = "#111111"
#: The slice's two curves (Okabe-Ito blue and vermillion): 3.4:1 or more on both themes.
LOSS_CURVE = "#0072b2"
SLOPE_CURVE = "#d55e00"
