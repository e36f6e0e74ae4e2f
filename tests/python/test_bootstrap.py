"""scripts/bootstrap.sh on a stock Debian machine: when the interpreter lacks the
venv module (Debian ships ensurepip in python3-venv) or python3 is missing, it asks
apt for the package instead of installing anything with pip into the system Python.
apt-get and python3 are stand-ins on PATH that log their calls."""
import os
import shutil
import stat
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def fake(path, body):
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


def bootstrap(tmp_path, python_body):
    repo, bin_dir, log = tmp_path / "repo", tmp_path / "bin", tmp_path / "calls.log"
    (repo / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts" / "bootstrap.sh", repo / "scripts" / "bootstrap.sh")
    bin_dir.mkdir()
    fake(bin_dir / "apt-get", f'echo "apt-get $*" >> {log}\n[ "$1" = update ] || exit 1\n')
    if python_body is not None:
        fake(bin_dir / "python3", f'echo "python3 $*" >> {log}\n' + python_body)
    # Only the stand-ins and the basic tools (no python3 of the machine on PATH).
    for tool in ("bash", "sh", "cat", "find", "sort", "xargs", "sha256sum", "cut", "id", "rm", "mktemp", "pkg-config",
                 "dirname"):
        found = shutil.which(tool)
        if found and not (bin_dir / tool).exists():
            os.symlink(found, bin_dir / tool)
    p = subprocess.run(["/bin/bash", str(repo / "scripts" / "bootstrap.sh")], capture_output=True, text=True,
                       env={"PATH": str(bin_dir), "HOME": str(tmp_path)}, timeout=60)
    return p, (log.read_text() if log.exists() else "")


def installed(calls):
    """The packages the stand-in apt-get was asked to install (other missing system
    libraries, e.g. Open MPI on this PATH without mpirun, may come along)."""
    lines = [line.split()[4:] for line in calls.splitlines() if line.startswith("apt-get install -y -qq ")]
    return {package for line in lines for package in line}


def test_missing_venv_module_is_installed_with_apt(tmp_path):
    p, calls = bootstrap(tmp_path, 'case "$*" in *ensurepip*) exit 1;; esac\nexit 0\n')
    assert p.returncode != 0  # the stand-in apt-get refuses to install
    assert "python3-venv" in installed(calls), calls + p.stderr
    assert " -m pip" not in calls, "nothing may be pip-installed into the system python"


def test_missing_python3_is_installed_with_apt(tmp_path):
    p, calls = bootstrap(tmp_path, None)
    assert {"python3", "python3-venv"} <= installed(calls), calls + p.stderr
