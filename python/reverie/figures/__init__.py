"""The project's figures, drawn with matplotlib from runs made through
`reverie.run` and from the experiment tables in results/*.csv.

    python -m reverie.figures --out results            # everything (about a minute with a release build)
    python -m reverie.figures --out /tmp/f --only results,hopfield

Each figure is a function that writes ``<out>/<name>.png`` and returns the paths.
"""
from .hopfield import (basins_figure, overlap_time_figure, overlap_trajectories, stabilities, stability_figure,
                       weight_matrices)
from .results import all_results
from .spiking import benchmark4_figures, isi_cvs, run_benchmark4, stdp_figure
from .style import ALPHA_C, mean_sem

__all__ = ["basins_figure", "overlap_time_figure", "overlap_trajectories", "stabilities", "stability_figure",
           "weight_matrices", "all_results", "benchmark4_figures", "isi_cvs", "run_benchmark4", "stdp_figure",
           "ALPHA_C", "mean_sem", "GROUPS"]

#: Figure groups of the command line, in drawing order.
GROUPS = ("results", "hopfield", "spiking", "stdp")
