"""Settings every aioweb test run shares, wherever the tests live.

Hypothesis' per-example deadline measures wall-clock time, which a loaded CI
machine stretches at random; the examples' correctness is what the tests
assert, and pytest-timeout bounds a run that truly hangs.
"""

from __future__ import annotations

from hypothesis import settings

settings.register_profile("aioweb", deadline=None)
settings.load_profile("aioweb")
