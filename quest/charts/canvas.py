"""What every chart shares: its size and the box its data is plotted in, in the SVG's own units (the
templates in templates/charts draw the axes along that box)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Canvas:
    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int
