"""pytest plugin: the fixture ``posenc_check``, one test to run the conformance suite.

Installing posenc-ref registers this module with pytest (the ``pytest11`` entry point), so a
project needs no configuration, only a test:

.. code-block:: python

    def test_position_encoding(posenc_check):
        posenc_check(my_positional_encoding)            # fn(positions, d_model) -> table

    def test_rope(posenc_check):
        posenc_check(my_apply_rope, rope=True, base=10000.0)

``posenc_check(fn, rope=False, **options)`` runs :func:`posenc_ref.conformance.check_table`
(or :func:`~posenc_ref.conformance.check_rope` with ``rope=True``) with the options given,
fails the test with the list of failed claims and the whole report, and returns the
:class:`~posenc_ref.conformance.Report` otherwise (warnings included, for further asserts).

The suite is imported when the fixture is first used: at pytest's start-up this module loads
only ``posenc_ref``'s light core (no SymPy, mpmath or framework catalogue).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

__all__ = ["posenc_check"]


def _run(fn: Any, rope: bool = False, **options: Any) -> Any:
    __tracebackhide__ = True  # a failing test shows the report, not this frame
    from posenc_ref import conformance

    check = conformance.check_rope if rope else conformance.check_table
    report = check(fn, **options)
    report.assert_ok()
    return report


@pytest.fixture
def posenc_check() -> Callable[..., Any]:
    """``posenc_check(fn, rope=False, **options)``: check ``fn`` and fail on a failed claim.

    Examples
    --------
    >>> import posenc_ref as pe
    >>> report = _run(lambda positions, d: pe.sinusoidal(positions, d), d_models=[16])
    >>> report.ok
    True
    """
    return _run
