"""The schema is one an integrator can generate a client from: openapi-python-client (a standard
generator) makes a typed Python client of ``/schema/openapi.json`` without a warning, and that client,
used as an integrator would, raises an idea, finds it in a list, sends readings and reads a refusal."""

from __future__ import annotations

import datetime
import importlib
import subprocess
import sys
from pathlib import Path
from typing import Any

from litestar.testing import TestClient

from tests.helpers import DEMO_EMAILS, new_token

GENERATOR = Path(sys.executable).with_name("openapi-python-client")
# No formatting of the generated code afterwards (the generator's default runs ruff on it): only its use
# is tested.
CONFIG = "post_hooks: []\n"
# The generated modules used: one per operation, named after its operationId.
OF_IDEAS = ("create_idea", "list_ideas")
OF_METRICS = ("create_metric", "put_readings")


def test_a_client_generated_from_the_schema_works_against_the_api(
    client: TestClient[Any], demo: Any, database: Any, tmp_path: Path
) -> None:
    schema = tmp_path / "openapi.json"
    schema.write_bytes(client.get("/schema/openapi.json").content)
    config = tmp_path / "config.yaml"
    config.write_text(CONFIG)
    generated = subprocess.run(
        [
            GENERATOR,
            "generate",
            "--path",
            schema,
            "--meta",
            "none",
            "--config",
            config,
            "--output-path",
            tmp_path / "quest_client",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert generated.returncode == 0, generated.stdout + generated.stderr
    assert "Warning" not in generated.stdout + generated.stderr, generated.stdout + generated.stderr

    sys.path.insert(0, str(tmp_path))
    try:
        quest_client = importlib.import_module("quest_client")
        models = importlib.import_module("quest_client.models")
        create_idea, list_ideas = (importlib.import_module(f"quest_client.api.ideas.{name}") for name in OF_IDEAS)
        create_metric, put_readings = (importlib.import_module(f"quest_client.api.metrics.{n}") for n in OF_METRICS)
        token = database(lambda maker: new_token(maker, DEMO_EMAILS["manager"]))
        client.headers["Authorization"] = f"Bearer {token}"
        api = quest_client.AuthenticatedClient(base_url="http://testserver.local", token=token)
        api.set_httpx_client(client)

        raised = create_idea.sync(
            client=api,
            body=models.IdeaIn(
                title="Scan exhibits at the front desk",
                problem="Exhibits wait a day for the property store.",
                proposal="Book them in where they arrive.",
                waste_types=[models.IdeaInWasteTypesItem.WAITING],
            ),
        )
        assert isinstance(raised, models.IdeaOut)
        assert (raised.status, raised.waste_types, raised.ref) == ("submitted", ["waiting"], "LAN-000001")

        listed = list_ideas.sync_detailed(client=api, per_page=1)
        assert isinstance(listed.parsed, models.IdeaListOut)
        assert [item.ref for item in listed.parsed.items] == ["LAN-000001"]
        assert (listed.parsed.per_page, listed.parsed.total) == (1, 1)
        assert listed.headers["X-Total-Count"] == "1"

        measure = create_metric.sync(
            client=api,
            body=models.MetricIn(
                name="Pending open incidents",
                unit="incidents",
                kind=models.MetricInKind.BACKLOG,
                direction=models.MetricInDirection.DOWN,
                frequency=models.MetricInFrequency.DAILY,
            ),
        )
        assert isinstance(measure, models.MetricOut)
        readings = [
            models.ReadingIn(date=datetime.date(2026, 1, 5), value=120),
            models.ReadingIn(date=datetime.date(2026, 1, 6), value=96),
        ]
        written = put_readings.sync(client=api, metric_id=measure.id, body=readings)
        assert isinstance(written, models.ReadingsOut)
        assert written.written == 2

        # A refusal is the error body of DESIGN §6, typed: a negative count on a count measure.
        refused = put_readings.sync(
            client=api, metric_id=measure.id, body=[models.ReadingIn(date=datetime.date(2026, 1, 7), value=-1)]
        )
        assert isinstance(refused, models.ApiError)
        assert (refused.status_code, refused.detail) == (409, "Refused in the record's present state")
    finally:
        sys.path.remove(str(tmp_path))
        for name in [name for name in sys.modules if name == "quest_client" or name.startswith("quest_client.")]:
            del sys.modules[name]
