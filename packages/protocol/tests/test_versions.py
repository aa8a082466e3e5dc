from __future__ import annotations

import aioweb.parser
from aioweb.protocol import versions


def test_same_objects_as_the_parser() -> None:
    assert versions.HttpVersion is aioweb.parser.HttpVersion
    assert versions.HttpVersion10 is aioweb.parser.HttpVersion10
    assert versions.HttpVersion11 is aioweb.parser.HttpVersion11


def test_values() -> None:
    assert versions.HttpVersion10 == (1, 0)
    assert versions.HttpVersion11 == versions.HttpVersion(major=1, minor=1)
    assert versions.HttpVersion11 > versions.HttpVersion10
    assert (versions.HttpVersion11.major, versions.HttpVersion11.minor) == (1, 1)
