"""Notification emails (issue 5) against a real SMTP server started here (aiosmtpd), and against mail
servers that are down or hang: the change is saved either way, and never waits for the mail."""

from __future__ import annotations

import socket
import time
from typing import Any

from quest.ideas.status import IdeaStatus
from tests.helpers import DEMO_EMAILS, IMPLEMENTED_PATH, api_headers, move_along, post_form, raise_idea, sign_in_as
from tests.mail import Inbox, free_port, outbox_rows, wait_until

STAFF = DEMO_EMAILS["staff"]


def start_review(client: Any, reference: str, note: str = "We are looking at it.") -> Any:
    return post_form(
        client,
        f"/ideas/{reference}/decision",
        {"to": "under_review", "reason-under_review": note},
        follow_redirects=False,
    )


def test_the_submitter_is_emailed_when_their_idea_moves(
    demo: Any, database: Any, inbox: tuple[Inbox, int], mail_app: Any
) -> None:
    handler, port = inbox
    idea = database(lambda maker: raise_idea(maker, STAFF, "Call-back before visit"))
    with mail_app(f"smtp://127.0.0.1:{port}") as client:
        sign_in_as(client, "manager")
        assert start_review(client, idea.reference).status_code == 303
        assert handler.arrived.wait(timeout=30), "no email arrived"
    [message] = handler.messages
    assert message["To"] == STAFF
    assert message["From"] == "QUEST <quest@lancashire.example>"
    assert message["Subject"] == f"{idea.reference}: Inspector Priya Shah moved it to under review"
    body = message.get_payload(decode=True).decode()  # type: ignore[union-attr]
    assert "“We are looking at it.”" in body
    assert f"https://quest.example/ideas/{idea.reference}" in body


def test_a_change_that_does_not_happen_sends_nothing(
    demo: Any, database: Any, inbox: tuple[Inbox, int], mail_app: Any
) -> None:
    handler, port = inbox
    idea = database(lambda maker: raise_idea(maker, STAFF, "Shorter briefings"))
    with mail_app(f"smtp://127.0.0.1:{port}") as client:
        sign_in_as(client, "manager")
        refused = post_form(client, f"/ideas/{idea.reference}/decision", {"to": "declined"})
        assert refused.status_code == 422
        stale = post_form(client, f"/ideas/{idea.reference}/decision", {"to": "under_review", "version": "7"})
        assert stale.status_code == 409
        # A change that does happen afterwards is the only one mailed.
        assert start_review(client, idea.reference, "Now then.").status_code == 303
        assert handler.arrived.wait(timeout=30)
    assert [message["Subject"] for message in handler.messages] == [
        f"{idea.reference}: Inspector Priya Shah moved it to under review"
    ]


def test_a_mail_server_that_is_down_never_stops_the_change(demo: Any, database: Any, mail_app: Any) -> None:
    idea = database(lambda maker: raise_idea(maker, STAFF, "Kit lockers by the door"))
    with mail_app(f"smtp://127.0.0.1:{free_port()}") as client:  # nothing listens there
        sign_in_as(client, "manager")
        assert start_review(client, idea.reference).status_code == 303
        page = client.get(f"/ideas/{idea.reference}").text
    assert "is now under review" in page
    assert IdeaStatus.UNDER_REVIEW.label in page


def test_a_mail_server_that_hangs_does_not_hold_up_the_response(demo: Any, database: Any, mail_app: Any) -> None:
    """The server accepts the connection and never says hello: the page still comes back, the change made,
    while the email is still waiting in the background."""
    idea = database(lambda maker: raise_idea(maker, STAFF, "Video statements"))
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    try:
        with mail_app(f"smtp://127.0.0.1:{silent.getsockname()[1]}") as client:
            sign_in_as(client, "manager")
            assert start_review(client, idea.reference).status_code == 303
            # The response came back with the email still under way: claimed by the sender, not yet sent.
            wait_until(lambda: [row.attempts for row in outbox_rows(database)] == [1], "the sender to claim it")
            [row] = outbox_rows(database)
            assert (row.status, row.last_error) == ("pending", None)
            assert "is now under review" in client.get(f"/ideas/{idea.reference}").text
            silent.close()  # the server goes away: the send gives up, without troubling anyone
            wait_until(lambda: outbox_rows(database)[0].last_error is not None, "the try to fail")
            [row] = outbox_rows(database)
            assert row.status == "pending"  # to be tried again
    finally:
        silent.close()


def test_the_forces_validators_are_emailed_when_a_saving_is_claimed(
    demo: Any, database: Any, inbox: tuple[Inbox, int], mail_app: Any
) -> None:
    handler, port = inbox
    idea = database(lambda maker: raise_idea(maker, STAFF, "Call-back before visit"))
    database(lambda maker: move_along(maker, DEMO_EMAILS["manager"], idea.id, *IMPLEMENTED_PATH))
    with mail_app(f"smtp://127.0.0.1:{port}") as client:
        sign_in_as(client, "manager")
        claimed = client.post(
            f"/api/v1/ideas/{idea.id}/savings",
            json={
                "kind": "cashable",
                "status": "claimed",
                "mechanism": "Overtime for call-backs",
                "cost_line": "Overtime",
                "amount_gbp_per_year": "5000.00",
                "period_start": "2026-04-01",
                "evidence": "Overtime stopped.",
            },
            headers=api_headers(client),
        )
        assert claimed.status_code == 201, claimed.text
        deadline = time.monotonic() + 30
        while len(handler.messages) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    by_recipient = {message["To"]: message for message in handler.messages}
    assert set(by_recipient) == {STAFF, DEMO_EMAILS["validator"]}
    told = by_recipient[DEMO_EMAILS["validator"]]
    assert told["Subject"] == f"{idea.reference}: Inspector Priya Shah claimed a saving"
    body = told.get_payload(decode=True).decode()  # type: ignore[union-attr]
    assert "You are told because you validate savings in this force." in body
