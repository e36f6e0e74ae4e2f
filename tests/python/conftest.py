"""Shared set-up of the Python tests: they import the reverie package from the
working tree (python/), not a possibly older copy installed in .venv, and drive
the executable that `swift build` made (REVERIE_BIN overrides it)."""
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "python"))
os.environ.setdefault("REVERIE_BIN", str(ROOT / ".build" / "debug" / "reverie"))


def pytest_configure(config):
    # elephant 1.2 passes copy= to quantities 0.16, which warns once per spike train.
    config.addinivalue_line("filterwarnings", "ignore:The 'copy' argument in Quantity is deprecated")
