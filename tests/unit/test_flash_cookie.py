"""Flash messages travel in a signed cookie that cannot be forged or tampered with."""

from __future__ import annotations

from quest.web.flash import FlashMessage, decode, encode

SECRET = b"s" * 40


def test_messages_survive_the_round_trip() -> None:
    messages = [FlashMessage("Idea submitted"), FlashMessage("Check your email", "info")]
    assert decode(SECRET, encode(SECRET, messages)) == messages


def test_a_cookie_signed_with_another_key_is_ignored() -> None:
    assert decode(SECRET, encode(b"x" * 40, [FlashMessage("forged")])) == []


def test_a_tampered_or_malformed_cookie_is_ignored() -> None:
    value = encode(SECRET, [FlashMessage("Idea submitted")])
    payload, signature = value.split(".")
    assert decode(SECRET, payload[:-2] + "AA." + signature) == []
    for junk in ("", ".", "abc", "!!!.???", "e30.", value + "x"):
        assert decode(SECRET, junk) == []
