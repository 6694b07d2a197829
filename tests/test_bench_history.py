"""The history and LLM benchmarks run (on a small scale): they must not rot between the
runs that give docs/benchmarks.md its figures. They time nothing here."""

import subprocess
import sys

from tests.servers import ROOT


def run_bench(*arguments: str) -> str:
    """What `python -m tests.bench.<arguments>` prints, once it has run to its end."""
    run = subprocess.run(
        [sys.executable, "-m", *arguments], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_the_history_benchmark_runs_on_a_few_chats():
    printed = run_bench("tests.bench.history", "--chats", "40", "--databases", "sqlite")
    for figure in ["first page", "every page of 100, to the end (1 pages)", "search: a word in one", "older"]:
        assert figure in printed, printed


def test_the_llm_benchmark_runs_on_a_few_calls():
    printed = run_bench("tests.bench.llm", "--calls", "3", "--streams", "1")
    for figure in ["streamed tokens/s (best)", "ms per small call", "the instrumentation per call (ms)"]:
        assert figure in printed, printed
