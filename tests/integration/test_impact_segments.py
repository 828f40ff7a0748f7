"""An idea's impact is read from the measure's own segments (issue 9, item 1): a later idea never takes
credit for an earlier idea's improvement, and two ideas that changed a measure on the same day share its
impact, with the savings resting on it flagged to the validator as a possible double count."""

from __future__ import annotations

import datetime
from typing import Any

from tests.helpers import (
    DEMO_EMAILS,
    IMPLEMENTED_PATH,
    add_colleague,
    api_headers,
    move_along,
    raise_idea,
    sign_in,
    sign_in_as,
)
from tests.integration.test_spc_and_impact import SVG, alternating, chart_of, make_metric, put_readings

STAFF, MANAGER = DEMO_EMAILS["staff"], DEMO_EMAILS["manager"]
CLAIM = {
    "kind": "non_cashable",
    "status": "claimed",
    "hours_per_year": 1000,
    "grade": "constable_sergeant",
    "redeployed_to": "Neighbourhood patrol",
    "period_start": "2026-06-01",
    "evidence": "The before and after of pending open incidents",
}


def implemented(database: Any, title: str) -> Any:
    idea = database(lambda maker: raise_idea(maker, STAFF, title))
    database(lambda maker: move_along(maker, MANAGER, idea.id, *IMPLEMENTED_PATH))  # on 2026-06-01
    return idea


def link(client: Any, idea: Any, metric: str, change_date: str | None = None) -> dict[str, Any]:
    body = {"metric_id": metric} | ({"change_date": change_date} if change_date else {})
    response = client.post(f"/api/v1/ideas/{idea.id}/metrics", json=body, headers=api_headers(client))
    assert response.status_code == 201, response.text
    return dict(response.json())


def impact_of(client: Any, idea: Any) -> dict[str, Any]:
    response = client.get(f"/api/v1/ideas/{idea.id}/impact", headers={"Accept": "application/json"})
    assert response.status_code == 200, response.text
    [measure] = response.json()["metrics"]
    return dict(measure)


def test_a_later_change_is_judged_against_the_segment_since_the_earlier_one(signed_in: Any, database: Any) -> None:
    first = implemented(database, "Call back before visiting")
    later = implemented(database, "Close duplicates at the desk")
    manager = signed_in("manager")
    metric = make_metric(manager)
    # About 102 from 2 April, about 9 from 1 June (the first idea's change), still about 9 from 1 July.
    put_readings(
        manager,
        metric,
        [*alternating(100, 104, 60), *alternating(8, 10, 30), *alternating(8, 10, 30)],
        start=datetime.date(2026, 4, 2),
    )
    link(manager, first, metric)
    made = link(manager, later, metric, "2026-07-01")

    # The later idea's before-period starts at the earlier change: nothing changed at its own.
    assert made["summary"] == "Pending open incidents did not change"
    assert made["special_cause"] is False
    assert (made["points_before"], made["points_after"]) == (30, 30)
    assert (made["before_mean"], made["after_mean"]) == (9.0, 9.0)
    assert made["previous_change_date"] == "2026-06-01"
    page = manager.get(f"/ideas/{later.reference}").text
    assert "fell by" not in page
    assert f"since the change of {first.reference} on 1 June 2026" in page

    # The earlier idea's after-period stops at the later change, so neither takes the other's credit.
    earlier = impact_of(manager, first)
    assert earlier["next_change_date"] == "2026-07-01"
    assert (earlier["points_before"], earlier["points_after"]) == (60, 30)
    assert earlier["summary"] == "Pending open incidents fell by 91% (an improvement)"
    assert earlier["shared_with"] == []

    # The idea's chart is cut where the measure's own chart is: at both changes, each labelled.
    for page in (manager.get(f"/ideas/{first.reference}").text, manager.get(f"/metrics/{metric}").text):
        lines = [line for line in chart_of(page).findall(f".//{SVG}line") if line.get("class") == "quest-xmr__rebase"]
        assert len(lines) == 2
        assert f">{first.reference}</text>" in page
        assert f">{later.reference}</text>" in page


def test_two_ideas_that_share_a_change_date_share_the_impact_and_their_claims_are_flagged(
    demo: Any, client: Any, database: Any
) -> None:
    first = implemented(database, "Call back before visiting")
    second = implemented(database, "A second desk for call-backs")
    sign_in_as(client, "manager")
    metric = make_metric(client)
    put_readings(client, metric, [*alternating(100, 104, 60), *alternating(8, 10, 30)], start=datetime.date(2026, 4, 2))
    link(client, first, metric)
    link(client, second, metric)  # both implemented on 1 June

    assert "Shared impact." in client.get(f"/ideas/{first.reference}").text
    assert impact_of(client, first)["shared_with"] == [second.reference]
    assert impact_of(client, second)["shared_with"] == [first.reference]

    # Their claims rest on the same measure with different words for the mechanism: a possible double count.
    made = [
        client.post(
            f"/api/v1/ideas/{idea.id}/savings",
            json=CLAIM | {"mechanism": mechanism, "metric_id": metric},
            headers=api_headers(client),
        )
        for idea, mechanism in ((first, "Fewer incidents visited"), (second, "Call-back desk hours"))
    ]
    assert [response.status_code for response in made] == [201, 201]
    ids = [response.json()["id"] for response in made]
    assert made[1].json()["flagged_double_count"] is True
    assert made[1].json()["double_count_with"] == [ids[0]]

    # The page says which claim it clashes with, and links to it.
    page = client.get(f"/ideas/{second.reference}").text
    assert f'href="/ideas/{first.reference}#claim-{ids[0]}">{first.reference}: Fewer incidents visited' in page
    assert f'id="claim-{ids[0]}"' in client.get(f"/ideas/{first.reference}").text
    sign_in_as(client, "validator")
    ledger = client.get("/savings?fy=2026").text
    assert ledger.count("Possible double count</strong>") == 2
    assert f'href="/ideas/{second.reference}#claim-{ids[1]}"' in ledger


def test_claims_on_one_measure_changed_on_different_days_are_not_a_double_count(signed_in: Any, database: Any) -> None:
    first = implemented(database, "Call back before visiting")
    later = implemented(database, "Close duplicates at the desk")
    manager = signed_in("manager")
    metric = make_metric(manager)
    put_readings(manager, metric, alternating(100, 104, 120), start=datetime.date(2026, 4, 2))
    link(manager, first, metric)
    link(manager, later, metric, "2026-07-01")
    made = [
        manager.post(
            f"/api/v1/ideas/{idea.id}/savings",
            json=CLAIM | {"mechanism": mechanism, "metric_id": metric},
            headers=api_headers(manager),
        ).json()
        for idea, mechanism in ((first, "Fewer incidents visited"), (later, "Fewer duplicates"))
    ]
    assert [claim["flagged_double_count"] for claim in made] == [False, False]


def test_another_force_sees_the_impact_but_not_the_claims_or_the_ideas_it_cannot_see(
    signed_in: Any, database: Any, client: Any
) -> None:
    """The practice library (issue 10, item 9): another force sees an implemented idea's before and after,
    its chart and the readings beside it; not the way to the measure's page, the claims resting on it,
    nor the references of ideas still under way that changed the measure."""
    early, alongside = (database(lambda maker, title=title: raise_idea(maker, STAFF, title)) for title in ("A", "B"))
    for idea in (early, alongside):
        database(
            lambda maker, idea=idea: move_along(maker, MANAGER, idea.id, "under_review", "approved", "in_progress")
        )
    done = implemented(database, "Call back before visiting")
    manager = signed_in("manager")
    metric = make_metric(manager)
    # About 102 from 2 April, about 52 from 1 June (the early idea's change), about 9 from 1 July.
    put_readings(
        manager,
        metric,
        [*alternating(100, 104, 60), *alternating(50, 54, 30), *alternating(8, 10, 30)],
        start=datetime.date(2026, 4, 2),
    )
    link(manager, early, metric, "2026-06-01")
    link(manager, alongside, metric, "2026-07-01")
    link(manager, done, metric, "2026-07-01")
    claim = CLAIM | {"mechanism": "Fewer incidents visited", "metric_id": metric}
    made = manager.post(f"/api/v1/ideas/{done.id}/savings", json=claim, headers=api_headers(manager))
    assert made.status_code == 201, made.text
    whole = manager.get(f"/ideas/{done.reference}").text
    assert f'href="/metrics/{metric}"' in whole
    assert f"since the change of {early.reference} on 1 June 2026" in whole
    assert "Fewer incidents visited</a>: £36,510.00 a year" in whole
    assert (impact_of(manager, done)["shared_with"], impact_of(manager, done)["shared_with_unnamed"]) == (
        [alongside.reference],
        0,
    )

    database(lambda maker: add_colleague(maker, "east@cheshire.example", "CHE", "EAST", signs_in=True))
    assert sign_in(client, "east@cheshire.example").status_code == 303
    page = client.get(f"/ideas/{done.reference}").text
    assert 'id="library-view"' in page
    assert "Pending open incidents fell by 83% (an improvement): from 52.0 to 9.0 incidents on average." in page
    assert "since the change of another idea on 1 June 2026" in page
    assert "<strong>Shared impact.</strong> Another idea" in page
    # The chart's lines: the early change unnamed, this idea's change named beside the one it shares.
    assert ">another idea</text>" in page
    assert f">{done.reference}, another idea</text>" in page
    assert early.reference not in page
    assert alongside.reference not in page
    assert f'href="/metrics/{metric}"' not in page
    assert "Fewer incidents visited" not in page
    assert client.get(f"/metrics/{metric}").status_code == 404
    # The figures beside the chart: the last 12 readings before the change (from 19 June), the first 12 since.
    caption = "The last 12 readings before the change and the first 12 since, newest first"
    table = page.partition(caption)[2].partition("</table>")[0]
    assert [day in table for day in ("18 June 2026", "19 June 2026", "12 July 2026", "13 July 2026")] == [
        False,
        True,
        True,
        False,
    ]

    seen = impact_of(client, done)
    assert (seen["before_mean"], seen["after_mean"], seen["previous_change_date"]) == (52.0, 9.0, "2026-06-01")
    assert (seen["shared_with"], seen["shared_with_unnamed"]) == ([], 1)
