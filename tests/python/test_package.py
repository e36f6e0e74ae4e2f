"""The reverie package installs with pip (`pip install ./python`) and the installed
copy has every module: built here from a copy of python/ into a scratch directory,
without network (the venv's setuptools, no build isolation)."""
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_pip_installs_the_package_with_all_modules(tmp_path):
    source = tmp_path / "src"
    shutil.copytree(ROOT / "python", source, ignore=shutil.ignore_patterns("__pycache__", "build", "*.egg-info"))
    target = tmp_path / "site"
    p = subprocess.run([sys.executable, "-m", "pip", "install", "--disable-pip-version-check", "-q", "--no-deps",
                        "--no-build-isolation", "--no-index", "--target", str(target), str(source)],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    installed = sorted(str(f.relative_to(target)) for f in (target / "reverie").rglob("*.py"))
    expected = sorted(str(f.relative_to(ROOT / "python")) for f in (ROOT / "python" / "reverie").rglob("*.py"))
    assert installed == expected
    check = ("import sys; sys.path.insert(0, sys.argv[1]); import reverie, reverie.figures, reverie.figures.__main__; "
             "assert reverie.__file__.startswith(sys.argv[1]), reverie.__file__; print(reverie.__version__)")
    p = subprocess.run([sys.executable, "-c", check, str(target)], capture_output=True, text=True, cwd=tmp_path)
    assert p.returncode == 0 and p.stdout.strip() == "0.1.0", p.stderr
