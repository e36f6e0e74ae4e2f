"""data/digits is what scripts/export-digits.py makes from scikit-learn's digits."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_committed_digits_match_a_fresh_export():
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "export-digits.py"), "--check"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr + r.stdout


def test_split_is_stratified_and_one_hot():
    counts = {}
    for name in ("digits-train.txt", "digits-test.txt"):
        rows = [l.split() for l in (ROOT / "data" / "digits" / name).read_text().splitlines() if not l.startswith("#")]
        assert all(len(r) == 74 and set(r) <= {"0", "1"} for r in rows)
        labels = [r[64:].index("1") for r in rows]
        assert all(r[64:].count("1") == 1 for r in rows)
        counts[name] = [labels.count(k) for k in range(10)]
    assert sum(counts["digits-train.txt"]) == 1347 and sum(counts["digits-test.txt"]) == 450
    for k in range(10):  # every class split about 3:1
        total = counts["digits-train.txt"][k] + counts["digits-test.txt"][k]
        assert abs(counts["digits-test.txt"][k] - total / 4) <= 1
