"""Host names compared as names: without the port, without case (pure rules)."""

from __future__ import annotations

import pytest

from quest.web.allowed_hosts import host_name, is_allowed, is_well_formed


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("quest.example", "quest.example"),
        ("QUEST.Example:8103", "quest.example"),
        ("quest.example.", "quest.example"),
        ("[::1]:8000", "[::1]"),
        ("[::1]", "[::1]"),
        ("[2001:DB8::1]:443", "[2001:db8::1]"),
        ("127.0.0.1:8000", "127.0.0.1"),
        ("", ""),
    ],
)
def test_the_name_in_a_host_header(header: str, name: str) -> None:
    assert host_name(header) == name


@pytest.mark.parametrize("header", ["quest.example", "QUEST.EXAMPLE", "quest.example:8103", "Quest.Example:443"])
def test_the_configured_name_is_allowed_whatever_the_port_and_case(header: str) -> None:
    assert is_allowed(header, ("quest.example",))


@pytest.mark.parametrize("header", ["evil.example", "quest.example.evil.example", "evilquest.example", "", ":8103"])
def test_other_names_are_not(header: str) -> None:
    assert not is_allowed(header, ("quest.example",))


def test_ipv6_literals_and_wildcards() -> None:
    assert is_allowed("[::1]:8000", ("[::1]",))
    assert not is_allowed("[::2]:8000", ("[::1]",))
    assert is_allowed("Forces.Quest.Example:8103", ("*.quest.example",))
    assert not is_allowed("quest.example", ("*.quest.example",))
    assert is_allowed("anything:1", ("*",))


@pytest.mark.parametrize(
    "header", ["quest.example:abc", "quest.example:99999", "quest.example:1:2", "[::1", "a b", "a/b"]
)
def test_a_host_header_that_is_no_host_is_refused_even_where_any_host_is_allowed(header: str) -> None:
    assert not is_well_formed(header)
    assert not is_allowed(header, ("*",))
    assert not is_allowed(header, ("quest.example",))


@pytest.mark.parametrize(
    "header", ["quest.example", "quest.example:", "QUEST.example:65535", "10.0.0.1:80", "[::1]:8000"]
)
def test_names_and_addresses_with_a_port_are_well_formed(header: str) -> None:
    assert is_well_formed(header)
