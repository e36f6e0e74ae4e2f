"""reverie.figures.dam: its signal-to-noise prediction, computed from the equations
in Python, is the one dam-test reports, and its half points interpolate correctly."""
import math
from pathlib import Path

import pytest

import reverie
from reverie.figures import dam

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("interaction,degree", [("polynomial", 2), ("polynomial", 3), ("rectified-polynomial", 3)])
def test_prediction_matches_what_dam_test_reports(interaction, degree):
    r = reverie.run(ROOT / "models" / "dam-capacity.yaml", record=False, set={
        "patterns.memories.count": 40, "populations.visible.degree": degree,
        "populations.visible.interaction": interaction, "protocol[0].sample": 2, "protocol[1].sample": 1})
    summary = r.phases["exact"]
    kind = "polynomial" if interaction == "polynomial" else "rectified"
    fixed, half = dam.snr(kind, degree, 100, [40])
    assert half == pytest.approx(summary["predicted_half_memories"], rel=1e-9)
    assert fixed[0] == pytest.approx(summary["predicted_fraction_fixed_points"], rel=1e-9)
    assert summary["capacity_scale"] == pytest.approx(dam.scale(degree, 100))


def test_rectified_prediction_stores_about_twice_the_polynomial():
    for n in (2, 3, 4):
        ratio = dam.snr("rectified", n, 100, [2])[1] / dam.snr("polynomial", n, 100, [2])[1]
        assert 1.9 < ratio < 2.1


def test_half_point_interpolates_in_log_k():
    assert dam.half_point([10, 20, 40], [1.0, 0.75, 0.25]) == pytest.approx(math.sqrt(20 * 40))
    assert math.isnan(dam.half_point([10, 20], [1.0, 0.9]))
