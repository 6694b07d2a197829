"""The history benchmark runs (on a small scale): it must not rot between the runs that
give docs/benchmarks.md its figures. It times nothing here."""

import subprocess
import sys

from tests.servers import ROOT


def test_the_history_benchmark_runs_on_a_few_chats():
    run = subprocess.run(
        [sys.executable, "-m", "tests.bench.history", "--chats", "40", "--databases", "sqlite"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    for figure in ["first page", "every page of 100, to the end (1 pages)", "search: a word in one", "older"]:
        assert figure in run.stdout, run.stdout
