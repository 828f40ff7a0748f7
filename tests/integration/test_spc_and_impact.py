"""Measures on XmR charts and ideas judged by them (issue 6), through the pages and the API: the SPC figures,
the SVG chart itself, linking a measure to an idea, the before and after, and savings resting on it."""

from __future__ import annotations

import datetime
import itertools
import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from quest.charts.xmr import COLOURS
from quest.metrics.spc import PointType
from tests.helpers import DEMO_EMAILS, IMPLEMENTED_PATH, api_headers, move_along, post_form, raise_idea, sign_in_as

STAFF, MANAGER = DEMO_EMAILS["staff"], DEMO_EMAILS["manager"]
SVG = "{http://www.w3.org/2000/svg}"
START = datetime.date(2025, 1, 1)


def make_metric(client: Any, name: str = "Pending open incidents", **fields: Any) -> str:
    body = {"name": name, "unit": "incidents", "kind": "backlog", "direction": "down", "frequency": "daily"} | fields
    response = client.post("/api/v1/metrics", json=body, headers=api_headers(client))
    assert response.status_code == 201, response.text
    metric_id: str = response.json()["id"]
    return metric_id


def put_readings(client: Any, metric_id: str, values: list[float], start: datetime.date = START) -> None:
    rows = [
        {"date": (start + datetime.timedelta(days=index)).isoformat(), "value": value}
        for index, value in enumerate(values)
    ]
    for first in range(0, len(rows), 5000):
        response = client.put(
            f"/api/v1/metrics/{metric_id}/readings", json=rows[first : first + 5000], headers=api_headers(client)
        )
        assert response.status_code == 200, response.text


def alternating(low: float, high: float, count: int) -> list[float]:
    return [low if index % 2 == 0 else high for index in range(count)]


def chart_of(html: str) -> ET.Element:
    match = re.search(r'<svg class="quest-chart__svg"[^>]*data-chart="xmr".*?</svg>', html, re.DOTALL)
    assert match is not None, "no XmR chart on the page"
    return ET.fromstring(match.group(0))


def test_the_spc_api_gives_each_point_its_limits_and_type(signed_in: Any) -> None:
    manager = signed_in("manager")
    metric = make_metric(manager, target=5)
    values = alternating(10, 12, 40)
    values[20] = 30
    put_readings(manager, metric, values)
    spc = manager.get(f"/api/v1/metrics/{metric}/spc", headers={"Accept": "application/json"}).json()
    assert len(spc["points"]) == 40
    assert spc["points"][0] == {
        "date": "2025-01-01",
        "value": 10.0,
        "mean": 11.5,
        "upl": pytest.approx(16.82),
        "lpl": pytest.approx(6.18),
        "point_type": "common_cause",
    }
    assert spc["points"][20]["point_type"] == "special_cause_concern"  # higher is worse for a backlog
    assert spc["variation"] == "common_cause"
    assert spc["assurance"] == "consistent_fail"  # the target of 5 is below the lower limit
    assert spc["warnings"] == []

    rebased = manager.get(
        f"/api/v1/metrics/{metric}/spc", params=[("rebase", "2025-01-21"), ("rebase", "2025-01-31")]
    ).json()
    assert {point["mean"] for point in rebased["points"][:20]} == {11.0}
    assert len(rebased["warnings"]) == 2  # two segments of 10 points
    fixed = manager.get(f"/api/v1/metrics/{metric}/spc", params={"baseline": 20}).json()
    assert fixed["points"][0]["mean"] == 11.0


@pytest.mark.parametrize(
    ("params", "field"),
    [({"rebase": "next tuesday"}, "rebase"), ({"baseline": 1}, "baseline")],
)
def test_bad_spc_questions_are_refused_by_name(signed_in: Any, params: dict[str, Any], field: str) -> None:
    manager = signed_in("manager")
    metric = make_metric(manager)
    response = manager.get(f"/api/v1/metrics/{metric}/spc", params=params, headers={"Accept": "application/json"})
    assert response.status_code == 400  # a query parameter: 400, as quest.errors.InvalidQuery says
    assert field in response.json()["extra"]["errors"]


def test_the_chart_draws_every_point_in_its_colour_with_the_limits_and_the_target(signed_in: Any) -> None:
    manager = signed_in("manager")
    metric = make_metric(manager, target=5)
    values = alternating(10, 12, 40)
    values[20] = 30
    put_readings(manager, metric, values)
    page = manager.get(f"/metrics/{metric}").text
    svg = chart_of(page)
    dots = svg.findall(f".//{SVG}circle")
    assert len(dots) == 40
    types = [dot.get("data-type") for dot in dots]
    assert types.count("special_cause_concern") == 1
    for dot in dots:
        assert dot.get("fill") == COLOURS[PointType(dot.get("data-type"))]
    limits = [line for line in svg.findall(f".//{SVG}line") if line.get("class") == "quest-xmr__limit"]
    assert len(limits) == 2
    assert all(line.get("stroke-dasharray") for line in limits)
    assert len([line for line in svg.findall(f".//{SVG}line") if line.get("class") == "quest-xmr__mean"]) == 1
    assert len([line for line in svg.findall(f".//{SVG}line") if line.get("class") == "quest-xmr__target"]) == 1
    # The icons say in words what the chart shows.
    assert "Variation: Common cause variation." in page
    assert "Assurance: Consistently misses the target." in page


def test_the_chart_stays_whole_at_two_thousand_points(signed_in: Any) -> None:
    manager = signed_in("manager")
    metric = make_metric(manager)
    put_readings(manager, metric, [100 + (index * 37) % 23 for index in range(2000)], start=datetime.date(2020, 1, 1))
    page = manager.get(f"/metrics/{metric}").text
    svg = chart_of(page)
    dots = svg.findall(f".//{SVG}circle")
    assert len(dots) == 2000
    assert {dot.get("r") for dot in dots} == {"1.2"}  # shrunk to fit
    assert len(page) < 600_000
    assert "The latest 30 readings, newest first" in page


def test_a_short_series_is_warned_of(signed_in: Any) -> None:
    manager = signed_in("manager")
    metric = make_metric(manager)
    put_readings(manager, metric, alternating(10, 12, 8))
    assert "at least 12 are needed to trust them" in manager.get(f"/metrics/{metric}").text


def implemented_idea(database: Any, title: str = "Call back before visiting") -> Any:
    idea = database(lambda maker: raise_idea(maker, STAFF, title))
    database(lambda maker: move_along(maker, MANAGER, idea.id, *IMPLEMENTED_PATH))
    return idea


def test_a_manager_links_a_measure_and_everyone_sees_the_before_and_after(
    signed_in: Any, database: Any, client: Any
) -> None:
    idea = implemented_idea(database)  # implemented on 2026-06-01 (tests.helpers)
    manager = signed_in("manager")
    metric = make_metric(manager)
    put_readings(
        manager, metric, [*alternating(100, 104, 60), *alternating(8, 10, 30)], start=datetime.date(2026, 4, 2)
    )

    missing = post_form(manager, f"/ideas/{idea.reference}/metrics", {"link_metric_id": ""})
    assert missing.status_code == 422
    assert 'href="#link_metric_id">' in missing.text
    future = post_form(
        manager, f"/ideas/{idea.reference}/metrics", {"link_metric_id": metric, "metric_change_date": "2099-01-01"}
    )
    assert 'href="#metric_change_date">The date of the change must be today or in the past' in future.text

    linked = post_form(manager, f"/ideas/{idea.reference}/metrics", {"link_metric_id": metric}, follow_redirects=False)
    assert linked.status_code == 303
    page = manager.get(f"/ideas/{idea.reference}").text
    assert "Pending open incidents fell by 91% (an improvement): from 102.0 to 9.0 incidents on average." in page
    assert "Yes: since the change, readings break the limits set by the readings before it (an improvement)." in page
    rebase = [line for line in chart_of(page).findall(f".//{SVG}line") if line.get("class") == "quest-xmr__rebase"]
    assert len(rebase) == 1
    again = post_form(manager, f"/ideas/{idea.reference}/metrics", {"link_metric_id": metric})
    assert again.status_code == 422  # already linked

    impact = manager.get(f"/api/v1/ideas/{idea.id}/impact", headers={"Accept": "application/json"}).json()
    [measure] = impact["metrics"]
    assert measure["change_date"] == "2026-06-01"  # the implementation date
    assert (measure["points_before"], measure["points_after"]) == (60, 30)
    assert (measure["before_mean"], measure["after_mean"]) == (102.0, 9.0)
    assert measure["change_pct"] == pytest.approx(-91.18, abs=0.01)
    assert measure["improved"] is True
    assert measure["special_cause"] is True
    assert measure["special_cause_type"] == "special_cause_improvement"

    # The measure's own chart rebases at the change, labelled with the idea.
    assert f">{idea.reference}</text>" in manager.get(f"/metrics/{metric}").text

    sign_in_as(client, "staff")  # the person who raised it sees the same
    assert "fell by 91% (an improvement)" in client.get(f"/ideas/{idea.reference}").text
    assert "Measure linked" in client.get(f"/ideas/{idea.reference}").text


def test_linking_through_the_api_and_who_may(signed_in: Any, database: Any, client: Any) -> None:
    idea = implemented_idea(database)
    manager = signed_in("manager")
    metric = make_metric(manager)
    put_readings(manager, metric, alternating(10, 12, 20), start=datetime.date(2026, 5, 20))
    bad = manager.post(f"/api/v1/ideas/{idea.id}/metrics", json={"metric_id": "nope"}, headers=api_headers(manager))
    assert bad.status_code == 409  # names no measure within reach
    assert set(bad.json()["extra"]["errors"]) == {"metric_id"}
    made = manager.post(
        f"/api/v1/ideas/{idea.id}/metrics",
        json={"metric_id": metric, "change_date": "2026-05-30"},
        headers=api_headers(manager),
    )
    assert made.status_code == 201, made.text
    assert made.json()["summary"] == "Pending open incidents did not change"
    assert (made.json()["points_before"], made.json()["points_after"]) == (10, 10)

    sign_in_as(client, "staff")
    refused = client.post(f"/api/v1/ideas/{idea.id}/metrics", json={"metric_id": metric}, headers=api_headers(client))
    assert refused.status_code == 403  # staff see the idea but never link its measures


def test_an_idea_not_yet_implemented_needs_a_change_date(signed_in: Any, database: Any) -> None:
    idea = database(lambda maker: raise_idea(maker, STAFF, "Approved, under way"))
    database(lambda maker: move_along(maker, MANAGER, idea.id, "under_review", "approved"))
    manager = signed_in("manager")
    metric = make_metric(manager)
    response = manager.post(
        f"/api/v1/ideas/{idea.id}/metrics", json={"metric_id": metric}, headers=api_headers(manager)
    )
    assert response.json()["extra"]["errors"] == {
        "change_date": "Enter the date of the change: the idea has not been implemented yet"
    }


def test_a_saving_can_rest_on_a_linked_measure(signed_in: Any, database: Any) -> None:
    idea = implemented_idea(database)
    manager = signed_in("manager")
    metric = make_metric(manager)
    other = make_metric(manager, "Crime allocation backlog")
    put_readings(
        manager, metric, [*alternating(100, 104, 60), *alternating(8, 10, 30)], start=datetime.date(2026, 4, 2)
    )
    manager.post(f"/api/v1/ideas/{idea.id}/metrics", json={"metric_id": metric}, headers=api_headers(manager))
    claim = {
        "kind": "non_cashable",
        "status": "claimed",
        "mechanism": "Fewer incidents visited",
        "hours_per_year": 11500,
        "grade": "constable_sergeant",
        "redeployed_to": "Neighbourhood patrol",
        "period_start": "2026-06-01",
        "evidence": "The before and after of pending open incidents",
    }
    unlinked = manager.post(
        f"/api/v1/ideas/{idea.id}/savings", json=claim | {"metric_id": other}, headers=api_headers(manager)
    )
    assert unlinked.json()["extra"]["errors"] == {
        "metric_id": "Choose one of the measures linked to this idea, or none"
    }
    made = manager.post(
        f"/api/v1/ideas/{idea.id}/savings", json=claim | {"metric_id": metric}, headers=api_headers(manager)
    )
    assert made.status_code == 201, made.text
    assert made.json()["metric_id"] == metric
    page = manager.get(f"/ideas/{idea.reference}").text
    resting = page.split("Savings resting on this measure:")[1].split("</ul>")[0]
    assert "Fewer incidents visited" in resting
    assert "419,865.00" in resting


def test_a_measure_of_another_division_cannot_be_linked(signed_in: Any, database: Any, client: Any) -> None:
    idea = implemented_idea(database)
    from tests.helpers import add_colleague, sign_in

    database(
        lambda maker: add_colleague(maker, "west@lancashire.example", "LAN", "WEST", role="manager", signs_in=True)
    )
    sign_in(client, "west@lancashire.example")
    west_metric = make_metric(client, "West backlog")
    sign_in_as(client, "manager")
    response = client.post(
        f"/api/v1/ideas/{idea.id}/metrics", json={"metric_id": west_metric}, headers=api_headers(client)
    )
    assert response.status_code == 409  # a measure out of the idea's division: none it may be judged by
    assert set(response.json()["extra"]["errors"]) == {"metric_id"}


# The largest size the stylesheet gives chart labels, and a sans-serif face's average glyph at that size.
LABEL_FONT = 15
CHARACTER_WIDTH, LABEL_ASCENT, LABEL_DESCENT = 0.62 * LABEL_FONT, 0.8 * LABEL_FONT, 0.25 * LABEL_FONT


def label_boxes(svg: ET.Element) -> list[tuple[str, float, float, float, float]]:
    """Each label above the plot (a rebase's or a note's) with the room its text takes: its width estimated
    from its length at the largest size the stylesheet gives chart labels."""
    boxes = []
    for text in svg.findall(f".//{SVG}text"):
        y = float(text.get("y") or 0)
        if y >= float(svg.get("viewBox", "0 0 0 0").split()[3]) - 40 or "quest-xmr__label" not in (
            text.get("class") or ""
        ):
            continue
        content = text.text or ""
        if not re.match(r"LAN-|No limits|Rebased", content):
            continue
        x, width = float(text.get("x") or 0), len(content) * CHARACTER_WIDTH
        left = {"start": x, "middle": x - width / 2, "end": x - width}[text.get("text-anchor") or "start"]
        boxes.append((content, left, y - LABEL_ASCENT, left + width, y + LABEL_DESCENT))
    return boxes


def test_change_labels_days_apart_on_a_two_year_chart_do_not_overlap(signed_in: Any, database: Any) -> None:
    manager = signed_in("manager")
    metric = make_metric(manager)
    put_readings(manager, metric, [100 + (index * 37) % 23 for index in range(730)], start=datetime.date(2024, 6, 1))
    references = []
    for offset in (0, 3, 6):
        idea = implemented_idea(database, f"Change number {offset}")
        change = (datetime.date(2025, 10, 1) + datetime.timedelta(days=offset)).isoformat()
        made = manager.post(
            f"/api/v1/ideas/{idea.id}/metrics",
            json={"metric_id": metric, "change_date": change},
            headers=api_headers(manager),
        )
        assert made.status_code == 201, made.text
        references.append(idea.reference)
    svg = chart_of(manager.get(f"/metrics/{metric}").text)
    boxes = label_boxes(svg)
    assert sorted(box[0] for box in boxes) == sorted(references)
    width, height = (float(number) for number in (svg.get("viewBox") or "").split()[2:])
    for one, other in itertools.combinations(boxes, 2):
        assert not (one[1] < other[3] and other[1] < one[3] and one[2] < other[4] and other[2] < one[4]), (one, other)
    for _text, left, top, right, bottom in boxes:
        assert 0 <= left < right <= width
        assert 0 <= top < bottom <= height


def test_a_change_between_weekly_readings_labels_the_next_reading(signed_in: Any, database: Any) -> None:
    idea = implemented_idea(database)
    manager = signed_in("manager")
    metric = make_metric(manager, frequency="weekly")
    weeks = [datetime.date(2026, 1, 5) + datetime.timedelta(weeks=index) for index in range(30)]
    for week, value in zip(weeks, alternating(10, 12, 30), strict=True):
        put_readings(manager, metric, [value], start=week)
    midweek = weeks[15] + datetime.timedelta(days=3)
    made = manager.post(
        f"/api/v1/ideas/{idea.id}/metrics",
        json={"metric_id": metric, "change_date": midweek.isoformat()},
        headers=api_headers(manager),
    )
    assert made.status_code == 201, made.text
    page = manager.get(f"/metrics/{metric}").text
    assert f">{idea.reference}</text>" in page
    assert "A change dated between two readings" in page


def test_a_measure_that_never_varies_has_no_limits_and_says_why(signed_in: Any) -> None:
    manager = signed_in("manager")
    metric = make_metric(manager, target=5)
    put_readings(manager, metric, [7] * 20)
    spc = manager.get(f"/api/v1/metrics/{metric}/spc", headers={"Accept": "application/json"}).json()
    assert {(point["mean"], point["upl"], point["lpl"]) for point in spc["points"]} == {(7.0, None, None)}
    assert {point["point_type"] for point in spc["points"]} == {"common_cause"}
    assert spc["assurance"] == "inconsistent"  # there are no limits to judge the target by
    assert spc["warnings"] == [
        "There are no limits from 01 January 2025: its readings are all the same, so there is no variation to "
        "set them from"
    ]
    page = manager.get(f"/metrics/{metric}").text
    svg = chart_of(page)
    assert [box[0] for box in label_boxes(svg)] == ["No limits: no variation"]
    assert not [line for line in svg.findall(f".//{SVG}line") if line.get("class") == "quest-xmr__limit"]
    assert "its readings are all the same, so there is no variation to set them from." in page
    assert "Assurance: " in page
