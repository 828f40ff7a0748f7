"""The rules of form drafts: what is kept of a form, and how it goes back into a page's form."""

from __future__ import annotations

from quest.accounts import drafts


def test_only_typed_text_is_kept_never_the_csrf_token_a_password_or_a_file() -> None:
    sent = [
        ("_csrf_token", "abc"),
        ("title", "Book custody slots"),
        ("current_password", "secret"),
        ("NewPassword", "secret"),
        ("file", object()),
        ("waste_types", "waiting"),
        ("waste_types", "motion"),
    ]
    assert drafts.fields_to_keep(sent) == [
        ("title", "Book custody slots"),
        ("waste_types", "waiting"),
        ("waste_types", "motion"),
    ]


def test_nothing_is_kept_when_nothing_was_typed_or_too_much() -> None:
    assert drafts.fields_to_keep([("_csrf_token", "abc"), ("password", "x")]) is None
    assert drafts.fields_to_keep([("rows", "x" * drafts.MAX_TEXT_CHARACTERS)]) is None
    assert drafts.fields_to_keep([(f"f{number}", "") for number in range(drafts.MAX_FIELDS + 1)]) is None


def test_what_was_typed_goes_back_into_the_form_lists_as_lists() -> None:
    page_values = {"waste_types": [], "title": "", "from_waste": "w1"}
    typed = [("title", "Book slots"), ("waste_types", "waiting"), ("waste_types", "motion"), ("to", "declined")]
    assert drafts.restore(typed, page_values) == {
        "waste_types": ["waiting", "motion"],
        "title": "Book slots",
        "from_waste": "w1",
        "to": "declined",
    }


def test_the_message_names_what_was_not_saved() -> None:
    assert drafts.Draft(None, (), "Your comment").message == (  # type: ignore[arg-type]
        "Your comment was not saved yet: check it and send it again."
    )
    assert drafts.Draft(None, (), None).message.startswith("What you typed was not saved yet")  # type: ignore[arg-type]
