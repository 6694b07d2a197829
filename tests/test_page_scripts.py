"""The chat page's pure decisions, unit-tested in JavaScript by Node's built-in test runner
(tests/js/), run from here so that the README's test command runs them too."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.conftest import require

ROOT = Path(__file__).resolve().parents[1]


def test_the_page_modules_pass_their_node_tests():
    node = shutil.which("node")
    require(node is not None, "Node is not installed (the page's JavaScript unit tests need it)")
    assert node is not None
    result = subprocess.run(
        [node, "--test", "tests/js/"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "# fail 0" in result.stdout and "# pass 0" not in result.stdout
