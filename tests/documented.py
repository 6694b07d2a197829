"""The code blocks of the README and the docs/ pages that tests run word for word: each
follows a marker `<!-- tested: name ... -->`, so that a snippet cannot drift from what
the tests run."""

from __future__ import annotations

import re
import textwrap

from tests.servers import ROOT


def block(name: str, page: str = "README.md", language: str = r"\w*") -> str:
    """The fenced block after the page's `<!-- tested: name ... -->` marker, dedented."""
    text = (ROOT / page).read_text()
    marker = re.search(rf"<!-- tested: {re.escape(name)}\b[^>]*-->", text)
    assert marker, f"{page} lost its {name!r} block"
    found = re.search(rf"```{language}\n(.*?)```", text[marker.end() :], re.S)
    assert found, f"no block after the {name!r} marker in {page}"
    return textwrap.dedent(found[1])
