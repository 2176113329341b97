"""Packaging promises: the README's commands, CI, a light and side-effect-free import."""

import re
import subprocess
import sys
from pathlib import Path

import benchmark

ROOT = Path(__file__).resolve().parents[1]


def _readme_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```(?:bash|sh|console)\n(.*?)```", text, re.S)
    assert block, "README.md has no shell code block with the set-up commands"
    return [line.strip() for line in block.group(1).splitlines()
            if line.strip() and not line.strip().startswith("#")]


def test_readme_gives_exactly_two_setup_commands():
    commands = _readme_commands()
    assert len(commands) == 2, commands
    assert "python -m benchmark" in commands[0]
    assert "pytest" in commands[1] and "[test]" in commands[1]


def test_ci_runs_the_readme_test_command_verbatim():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "set -euo pipefail" in ci
    test_command = _readme_commands()[1]
    ci_lines = [line.strip() for line in ci.splitlines()]
    assert test_command in ci_lines


def test_import_is_light_and_quiet():
    code = (
        "import sys, benchmark\n"
        "heavy = [m for m in ('scipy', 'sklearn', 'matplotlib', 'highspy', 'joblib', 'tqdm') "
        "if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"import benchmark loaded {out.stdout.strip()}"
    assert out.stderr == ""


def test_public_api_is_exported():
    for name in benchmark.__all__:
        assert hasattr(benchmark, name), name
    assert (ROOT / "benchmark" / "py.typed").exists()


def test_readme_tour_runs():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## A short tour\s+```python\n(.*?)```", text, re.S)
    assert block, "README.md has no tour code block"
    out = subprocess.run([sys.executable, "-c", block.group(1)], capture_output=True, text=True,
                         cwd=ROOT.parent, env={**__import__("os").environ, "MPLBACKEND": "Agg"})
    assert out.returncode == 0, out.stderr[-2000:]
    assert "completion_rate" in out.stdout and "gap_median_pct" in out.stdout
