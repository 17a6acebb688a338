"""Run the code examples of the Markdown pages under pytest (sybil).

Collected: fenced ```pycon blocks (doctests: ``>>>`` prompts and their expected output) and
```python blocks (a block that starts with ``>>>`` is a doctest, any other block is executed).
Blocks of one page share a namespace, in page order. Any other fence language is not run.
``<!-- skip: start if(...) -->`` … ``<!-- skip: end -->`` skips the blocks between them when the
condition holds (used for the PyTorch and JAX snippets, which need a framework the tests may lack).
"""

from __future__ import annotations

from doctest import ELLIPSIS, NORMALIZE_WHITESPACE

import numpy as np
import pytest
from sybil import Sybil
from sybil.parsers.abstract.codeblock import PythonDocTestOrCodeBlockParser
from sybil.parsers.markdown import CodeBlockParser, PythonCodeBlockParser, SkipParser

# Build-time code (MkDocs hooks) is not a test module; never import it during the test run.
# This file itself is skipped by --doctest-modules: tests/conftest.py has the same module name.
collect_ignore = ["_hooks", "conftest.py"]

OPTIONFLAGS = ELLIPSIS | NORMALIZE_WHITESPACE
_NUMPY_PRINT_DEFAULTS = np.get_printoptions()


class PyconCodeBlockParser(PythonDocTestOrCodeBlockParser):
    """Like sybil's Markdown ``PythonCodeBlockParser``, for fences marked ``pycon``."""

    @staticmethod
    def codeblock_parser_class(language, evaluator):
        # The base class asks for a "python" parser; the evaluator is the one we want.
        return CodeBlockParser("pycon", evaluator)


def _setup(namespace):
    # Every page starts from NumPy's default print options, whatever an earlier page set.
    np.set_printoptions(**_NUMPY_PRINT_DEFAULTS)


def _teardown(namespace):
    np.set_printoptions(**_NUMPY_PRINT_DEFAULTS)


pytest_collect_file = Sybil(
    parsers=[
        PythonCodeBlockParser(doctest_optionflags=OPTIONFLAGS),
        PyconCodeBlockParser(doctest_optionflags=OPTIONFLAGS),
        SkipParser(),
    ],
    patterns=["*.md"],
    path=".",
    setup=_setup,
    teardown=_teardown,
).pytest()


# pytest-xdist (the README's test command runs with -n auto): by default each test is a unit
# of work of its own, which would scatter a page's blocks over the workers. This scheduler keeps
# a page's blocks together, in page order, and hands out every other test on its own. (xdist's
# --dist loadgroup would do the same with marks, but stops grouping under pytest 9.2:
# https://github.com/pytest-dev/pytest-xdist/issues/1386.)
try:
    from xdist.scheduler import LoadScopeScheduling
except ImportError:  # without pytest-xdist the tests run in one process, in order
    LoadScopeScheduling = None

if LoadScopeScheduling is not None:

    class _PageScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return path if path.endswith(".md") else nodeid

    @pytest.hookimpl(optionalhook=True)  # also valid with -p no:xdist
    def pytest_xdist_make_scheduler(config, log):
        # Only the default mode; an explicit --dist (loadfile, worksteal, …) is left alone.
        return _PageScheduling(config, log) if config.getvalue("dist") == "load" else None
