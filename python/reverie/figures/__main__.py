"""python -m reverie.figures --out DIR [--csv DIR] [--models DIR] [--only GROUPS]: draws the figures."""
import argparse
import sys
import tempfile
from pathlib import Path

from . import GROUPS, all_results, basins_figure, benchmark4_figures, overlap_time_figure, run_benchmark4, \
    stability_figure, stdp_figure
from ..runner import ReverieError


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m reverie.figures", description=__doc__)
    ap.add_argument("--out", required=True, help="directory for the PNG files (must exist)")
    ap.add_argument("--csv", help="directory of the experiment CSVs (default: --out)")
    ap.add_argument("--models", default="models", help="directory of the model files (default: models)")
    ap.add_argument("--only", default=",".join(GROUPS), help=f"comma-separated groups of {', '.join(GROUPS)}")
    ap.add_argument("--binary", help="the reverie executable (default: REVERIE_BIN, PATH, the repository's build)")
    ap.add_argument("--duration", type=float, default=10000, help="benchmark-4 duration in ms (default 10000)")
    args = ap.parse_args(argv)
    out = Path(args.out)
    if not out.is_dir():
        ap.error(f"--out {out}: no such directory")
    groups = [g.strip() for g in args.only.split(",") if g.strip()]
    unknown = sorted(set(groups) - set(GROUPS))
    if unknown:
        ap.error(f"--only: unknown groups {', '.join(unknown)} (known: {', '.join(GROUPS)})")
    models = Path(args.models)
    written = []
    try:
        with tempfile.TemporaryDirectory(prefix="reverie-figures-") as work:
            if "results" in groups:
                written += all_results(args.csv or out, out)
            if "hopfield" in groups:
                written += basins_figure(out, work, binary=args.binary)
                written += stability_figure(out, work, binary=args.binary)
                written += overlap_time_figure(out, work, binary=args.binary)
            if "spiking" in groups:
                r = run_benchmark4(models / "brette-benchmark4.yaml", Path(work) / "b4", duration=args.duration,
                                   binary=args.binary)
                written += benchmark4_figures(r, out)
            if "stdp" in groups:
                written += stdp_figure(models / "stdp-poisson.yaml", out, work, binary=args.binary)
    except (ReverieError, FileNotFoundError) as e:
        print(f"reverie.figures: {e}", file=sys.stderr)
        return 1
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
