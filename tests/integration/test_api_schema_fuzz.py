"""Schemathesis, every check and every phase, against the live OpenAPI schema, as a manager with a token.

The schema is the one the app serves, loaded in-process through Schemathesis's ASGI transport (no server,
no network), and run by Schemathesis's own engine, as its command line runs it: the schema's examples,
its coverage of each parameter's edges, generated requests (schema-valid ones, which must be accepted,
and schema-breaking ones, which must be refused), and stateful sequences that follow one operation's
answer into the next (an idea raised, then moved, linked, claimed against). Every check is on: no 5xx;
every status, content type, header and body as documented; valid data accepted and invalid refused;
missing authentication answered 401; unsupported methods 405 with ``Allow``; a created record found, a
deleted one gone. A run is the same every time: a fixed seed, derandomized, no example database.

What JSON Schema cannot say, the generator is told here, and the schema says in words:
- a date is no later than today (or the end of the next financial year) and no earlier than 2000: the
  generator draws ``format: date`` from those days;
- an end date is on or after its start: bodies and queries (an export's ``from`` and ``to``) that break it
  are not sent as valid ones.

The manager's own division (by its id and by its code), the manager themselves, a measure of a kind that
takes any number, and an idea are pinned into the paths that name them, so those operations reach real
records and not only a 404. ``revokeMyToken`` is left out: a generated id could one day be the test's
own token.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import strategies as st
from litestar import Litestar
from schemathesis.engine import Status, events, from_schema
from schemathesis.python import asgi
from schemathesis.specs.openapi.formats import STRING_FORMATS, unregister_string_format

from quest.clock import EARLIEST_DATE, LONDON
from quest.web.state import CLOCK
from tests.helpers import DEMO_EMAILS, new_token

SCHEMA_PATH = "/schema/openapi.json"
# About 40 s for the module on each engine, on a quiet 2-core machine; the suite's budget is minutes.
EXAMPLES_PER_OPERATION = 10
EXCLUDED_OPERATION = "revokeMyToken"
# Schemathesis's own list, with 413: a body over a limit the schema states (maxItems) is refused by it.
REFUSALS_OF_INVALID_DATA = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429", "5xx"]
PHASES = {"examples", "coverage", "fuzzing", "stateful"}
# Every check Schemathesis 4 has: each ran on some request (so none was left off by a default).
EVERY_CHECK = {
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "positive_data_acceptance",
    "missing_required_header",
    "unsupported_method",
    "allow_header_conformance",
    "use_after_free",
    "ensure_resource_availability",
    "ignored_auth",
    "object_level_authorization",
}


def ends_on_or_after_start(context: Any, body: Any) -> bool:
    """A period's end on or after its start (claims' ``period_end``, costs' ``ends``, an export's ``to``):
    JSON Schema cannot compare two fields."""
    if isinstance(body, dict):
        for start, end in (("period_start", "period_end"), ("starts", "ends"), ("from", "to")):
            begins, finishes = body.get(start), body.get(end)
            if isinstance(begins, str) and isinstance(finishes, str) and finishes and finishes < begins:
                return False
    return True


@pytest.fixture
def fuzzing(app: Litestar, demo: Any, database: Any) -> Iterator[Any]:
    """The live schema, configured: the manager's token, every check, the records to pin."""
    token = database(lambda session_maker: new_token(session_maker, DEMO_EMAILS["manager"]))
    # Schemathesis's own client: the app then runs on one event loop throughout (on PostgreSQL its
    # connection pool belongs to the loop that opened it).
    with asgi.get_client(app) as client:
        client.headers["Authorization"] = f"Bearer {token}"
        me = client.get("/api/v1/me").json()
        division_id = me["division"]["id"]
        idea = client.post(
            "/api/v1/ideas",
            json={
                "title": "Scan exhibits at the front desk",
                "problem": "Exhibits wait a day for the property store.",
                "proposal": "Book them in where they arrive.",
            },
        )
        metric = client.post(
            "/api/v1/metrics",
            json={
                "name": "Days to allocate",
                "unit": "days",
                "kind": "time",
                "direction": "down",
                "frequency": "daily",
            },
        )
        assert (idea.status_code, metric.status_code) == (201, 201), (idea.text, metric.text)
    config = schemathesis.Config.from_dict(
        {
            "headers": {"Authorization": f"Bearer {token}"},
            "seed": 1,
            "continue-on-failure": True,
            # What is checked is each answer, not its speed: on a busy 2-core machine a 10,000-reading PUT
            # has taken more than Schemathesis's 10 s default, and generation more than Hypothesis allows.
            "request-timeout": 120,
            "suppress-health-check": ["too_slow"],
            "generation": {"max-examples": EXAMPLES_PER_OPERATION, "deterministic": True, "no-shrink": True},
            "checks": {"enabled": True, "negative_data_rejection": {"expected-statuses": REFUSALS_OF_INVALID_DATA}},
            # An import's file is any bytes to JSON Schema: what makes a CSV or a workbook of readings,
            # ideas or users valid cannot be said there, so a schema-valid file is mostly, rightly, refused
            # (422, every problem listed; tests/integration/test_imports.py). Every other check still runs.
            "operations": [
                {"include-operation-id": "importFile", "checks": {"positive_data_acceptance": {"enabled": False}}}
            ],
            "parameters": {
                "path.force_code": "LAN",
                "path.division_id": division_id,
                "path.division_code": me["division"]["code"],
                "path.user_id": me["id"],
                "path.idea_id": idea.json()["id"],
                "path.metric_id": metric.json()["id"],
            },
        }
    )
    today = app.state[CLOCK].now().astimezone(LONDON).date()
    dates = st.dates(EARLIEST_DATE, today).map(datetime.date.isoformat)
    kept = STRING_FORMATS.get("date")
    schemathesis.openapi.format("date", dates)
    schema = schemathesis.openapi.from_asgi(SCHEMA_PATH, app, config=config).exclude(operation_id=EXCLUDED_OPERATION)
    schema.hook("filter_body")(ends_on_or_after_start)
    schema.hook("filter_query")(ends_on_or_after_start)
    try:
        yield schema
    finally:
        if kept is None:
            unregister_string_format("date")
        else:
            STRING_FORMATS["date"] = kept
        # The app's lifespan runs on Schemathesis's own event loop; end it, so its connections are closed.
        asgi.shutdown_lifespans()


# Every operation of the schema, one after another in one test: minutes on a busy machine.
@pytest.mark.long
@pytest.mark.timeout(1200)
def test_every_api_operation_answers_as_its_schema_says_under_every_check(fuzzing: Any) -> None:
    failures: list[str] = []
    phases_run: set[str] = set()
    tested: set[str] = set()
    checked: set[str] = set()
    errors: list[str] = []
    for event in from_schema(fuzzing).execute():
        if isinstance(event, events.ScenarioFinished):
            if event.status is not Status.SKIP:
                phases_run.add(event.phase.value)
                if event.label:
                    tested.add(event.label)
            for case_id, checks in event.recorder.checks.items():
                for check in checks:
                    checked.add(check.name)
                    if check.status is Status.FAILURE and check.failure_info is not None:
                        failures.append(_described(event, case_id, check))
        elif isinstance(event, events.NonFatalError | events.FatalError):
            errors.append(str(getattr(event, "info", event)))
    assert not errors, errors
    assert not failures, "\n\n".join(failures)
    assert phases_run >= PHASES, phases_run
    assert "POST /api/v1/ideas" in tested
    assert "PUT /api/v1/metrics/{metric_id}/readings" in tested
    assert not any(label.startswith("DELETE /api/v1/me/tokens") for label in tested)
    assert checked == EVERY_CHECK, checked ^ EVERY_CHECK


def _described(event: events.ScenarioFinished, case_id: str, check: Any) -> str:
    failure = check.failure_info.failure
    interaction = event.recorder.interactions.get(case_id)
    sent = ""
    if interaction is not None:
        body = interaction.request.body
        sent = f"\n  {interaction.request.method} {interaction.request.uri} {body[:500] if body else ''!r}"
        if interaction.response is not None:
            sent += f"\n  -> {interaction.response.status_code} {interaction.response.content[:500]!r}"
    return f"[{event.phase.value}] {event.label} :: {check.name}: {failure.title}\n  {failure.message[:500]}{sent}"
