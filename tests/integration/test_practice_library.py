"""The practice library (issue 13, items 4 and 6): implemented ideas from every force, each with its
validated saving, its impact on its first measure and where it has spread, on the page, in the API and in
its CSV and XLSX downloads alike; filtered, paged, with no one's name, and adopted from the page."""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select, update

from quest.accounts.models import User
from quest.ideas.models import Idea
from tests.helpers import (
    DEMO_EMAILS,
    IMPLEMENTED_PATH,
    add_colleague,
    api_headers,
    move_along,
    post_form,
    raise_idea,
    sign_in,
    sign_in_as,
)
from tests.integration.test_spc_and_impact import alternating, make_metric, put_readings

STAFF, MANAGER = DEMO_EMAILS["staff"], DEMO_EMAILS["manager"]
CHESHIRE_MANAGER = "manager.east@cheshire.example"
JSON = {"Accept": "application/json"}
FORMULA_TITLE = '=HYPERLINK("http://evil.example","click")'


@dataclass(frozen=True)
class World:
    """Lancashire's Northern division: a measured idea with validated and unvalidated claims, and a plain
    one; Cheshire East: one of its own. One idea still under way, which the library never shows."""

    measured: Any  # "Call back before visiting", implemented 1 June 2026
    plain: Any  # "Briefing notes by email", implemented 15 July 2026
    cheshire: Any  # "Custody handover in one form", implemented 1 May 2026
    under_way: Any
    metric: str = ""  # Pending open incidents, which the measured idea is judged by


async def implemented_on(session_maker: Any, reference: str, day: datetime.date) -> None:
    async with session_maker() as session:
        await session.execute(update(Idea).where(Idea.reference == reference).values(implemented_on=day))
        await session.commit()


def claim(client: Any, idea: Any, body: dict[str, Any]) -> str:
    response = client.post(f"/api/v1/ideas/{idea.id}/savings", json=body, headers=api_headers(client))
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def build_world(client: Any, database: Any) -> World:
    measured = database(
        lambda maker: raise_idea(
            maker, STAFF, "Call back before visiting", process="Incident closure", waste_types=["waiting", "motion"]
        )
    )
    plain = database(lambda maker: raise_idea(maker, STAFF, "Briefing notes by email", process="Briefing"))
    under_way = database(lambda maker: raise_idea(maker, STAFF, "Custody queue at night", waste_types=["waiting"]))
    database(lambda maker: add_colleague(maker, CHESHIRE_MANAGER, "CHE", "EAST", "manager", signs_in=True))
    cheshire = database(
        lambda maker: raise_idea(
            maker, CHESHIRE_MANAGER, "Custody handover in one form", process="Custody", waste_types=["defects"]
        )
    )
    for idea, manager in ((measured, MANAGER), (plain, MANAGER), (cheshire, CHESHIRE_MANAGER)):
        database(lambda maker, idea=idea, manager=manager: move_along(maker, manager, idea.id, *IMPLEMENTED_PATH))
    database(lambda maker: move_along(maker, MANAGER, under_way.id, "under_review"))
    database(lambda maker: implemented_on(maker, plain.reference, datetime.date(2026, 7, 15)))
    database(lambda maker: implemented_on(maker, cheshire.reference, datetime.date(2026, 5, 1)))

    sign_in_as(client, "manager")
    metric = make_metric(client)
    # About 102 a day from 2 April, about 9 from 1 June: −91%, as in Lancashire's Northern division.
    put_readings(client, metric, [*alternating(100, 104, 60), *alternating(8, 10, 30)], start=datetime.date(2026, 4, 2))
    link = {"metric_id": metric}
    linked = client.post(f"/api/v1/ideas/{measured.id}/metrics", json=link, headers=api_headers(client))
    assert linked.status_code == 201, linked.text
    cash = claim(
        client,
        measured,
        {
            "kind": "cashable",
            "status": "claimed",
            "mechanism": "Overtime",
            "cost_line": "Overtime",
            "amount_gbp_per_year": "1000.00",
            "period_start": "2026-06-01",
            "evidence": "The overtime budget",
        },
    )
    time = claim(
        client,
        measured,
        {
            "kind": "non_cashable",
            "status": "claimed",
            "mechanism": "Fewer incidents visited",
            "hours_per_year": 1000,
            "grade": "constable_sergeant",
            "redeployed_to": "Neighbourhood patrol",
            "period_start": "2026-06-01",
            "evidence": "The before and after of pending open incidents",
        },
    )
    claim(  # claimed, never validated: in no figure of the library
        client,
        measured,
        {
            "kind": "cashable",
            "status": "claimed",
            "mechanism": "Vehicle hire",
            "cost_line": "Vehicle hire",
            "amount_gbp_per_year": "5000.00",
            "period_start": "2026-06-01",
            "evidence": "Fewer hire cars",
        },
    )
    sign_in_as(client, "validator")
    for claim_id in (cash, time):
        decided = client.post(
            f"/api/v1/savings/{claim_id}/decision",
            json={"decision": "validated", "note": "Checked against the ledger"},
            headers=api_headers(client),
        )
        assert decided.status_code == 200, decided.text
    return World(measured, plain, cheshire, under_way, metric)


def adopt_as_cheshire(client: Any, world: World) -> str:
    """Cheshire East's manager adopts the measured idea from the library's page; the new idea's reference."""
    assert sign_in(client, CHESHIRE_MANAGER).status_code == 303
    page = client.get("/practice").text
    assert f'action="/ideas/{world.measured.reference}/adopt"' in page
    assert f'action="/ideas/{world.cheshire.reference}/adopt"' not in page  # their own division's
    response = post_form(client, f"/ideas/{world.measured.reference}/adopt", follow_redirects=False)
    assert response.status_code == 303, response.text
    adopted = str(response.headers["location"]).rsplit("/", 1)[1]
    assert adopted.startswith("CHE-")
    return adopted


def block_of(page: str, reference: str) -> str:
    """What the page shows of one idea."""
    return page.split(f'id="practice-{reference}"')[1].split('class="quest-practice__idea')[0]


def items_by_reference(client: Any, **params: Any) -> dict[str, dict[str, Any]]:
    response = client.get("/api/v1/practice", params=params, headers=JSON)
    assert response.status_code == 200, response.text
    return {item["ref"]: item for item in response.json()["items"]}


def test_every_figure_on_the_page_and_in_the_api(demo: Any, client: Any, database: Any) -> None:
    world = build_world(client, database)
    adopted = adopt_as_cheshire(client, world)

    # The manager can adopt from the page: the new idea exists in their division, linked to the original.
    new_idea = client.get(f"/ideas/{adopted}").text
    assert "Call back before visiting" in new_idea
    assert f'href="/ideas/{world.measured.reference}">{world.measured.reference}</a>' in new_idea
    page = client.get("/practice").text
    assert f'Your division adopted this as <a class="govuk-link" href="/ideas/{adopted}">{adopted}</a>' in page
    assert f'action="/ideas/{world.measured.reference}/adopt"' not in page

    sign_in_as(client, "staff")  # Lancashire's Northern division, the measured idea's own
    page = client.get("/practice").text
    assert "3 implemented ideas" in page
    # Newest implementation first; the idea still under way is not in the library.
    order = [world.plain.reference, world.measured.reference, world.cheshire.reference]
    assert [page.index(f'id="practice-{reference}"') for reference in order] == sorted(
        page.index(f'id="practice-{reference}"') for reference in order
    )
    assert world.under_way.reference not in page
    measured = block_of(page, world.measured.reference)
    assert f'href="/ideas/{world.measured.reference}">Call back before visiting</a>' in measured
    assert "Northern (Lancaster and Morecambe), Lancashire Constabulary · implemented 1 June 2026" in measured
    assert "Waiting, Motion" in measured
    assert "Incident closure" in measured
    assert "£37,510.00 a year (£1,000.00 cash, £36,510.00 time released); 1,000 hours a year released" in measured
    assert "Pending open incidents −91%, improved: from 102.0 to 9.0 incidents on average" in measured
    assert "Adopted 1 time:" in measured
    assert "<li>Cheshire East, Cheshire Constabulary (submitted)</li></ul>" in measured
    assert "/adopt" not in measured  # their own division's idea
    plain = block_of(page, world.plain.reference)
    assert "None validated yet" in plain
    assert "No measure linked" in plain
    assert "Not adopted yet" in plain
    cheshire = block_of(page, world.cheshire.reference)
    assert "Cheshire East, Cheshire Constabulary · implemented 1 May 2026" in cheshire
    assert f'action="/ideas/{world.cheshire.reference}/adopt"' in cheshire  # another division's: theirs to adopt

    api = client.get("/api/v1/practice", headers=JSON).json()
    assert (api["total"], api["page"], api["pages"], api["counted_all"], api["has_next"]) == (3, 1, 1, True, False)
    assert [item["ref"] for item in api["items"]] == order
    item = api["items"][1]
    assert item["title"] == "Call back before visiting"
    assert (item["force_code"], item["force_name"]) == ("LAN", "Lancashire Constabulary")
    assert item["division_name"] == "Northern (Lancaster and Morecambe)"
    assert item["implemented_on"] == "2026-06-01"
    assert item["waste_types"] == ["waiting", "motion"]
    assert item["process"] == "Incident closure"
    assert item["validated_savings"] == {
        "cashable_gbp": "1000.00",
        "non_cashable_gbp": "36510.00",
        "total_gbp": "37510.00",
        "hours": 1000.0,
    }
    impact = item["impact"]
    assert impact["name"] == "Pending open incidents"
    assert (impact["before_mean"], impact["after_mean"]) == (102.0, 9.0)
    assert impact["change_pct"] == pytest.approx(-91.1765, abs=1e-4)
    assert impact["improved"] is True
    assert impact["summary"] == "Pending open incidents −91%, improved"
    assert impact["change_date"] == "2026-06-01"
    assert item["adoptions"] == 1
    assert item["adopted_in"] == [
        {
            "force_code": "CHE",
            "force_name": "Cheshire Constabulary",
            "division_name": "Cheshire East",
            "status": "submitted",
        }
    ]
    assert api["items"][0]["validated_savings"]["total_gbp"] == "0.00"
    assert api["items"][0]["impact"] is None
    assert api["items"][0]["adoptions"] == 0

    # The same validated saving and impact as the idea's own page gives one who sees it in the library.
    assert sign_in(client, CHESHIRE_MANAGER).status_code == 303
    own_impact = client.get(f"/api/v1/ideas/{world.measured.id}/impact", headers=JSON).json()
    assert own_impact["savings"]["validated"]["total_gbp"] == "37510.00"
    assert own_impact["metrics"][0]["summary"] == "Pending open incidents fell by 91% (an improvement)"
    assert items_by_reference(client)[world.measured.reference]["validated_savings"]["total_gbp"] == "37510.00"


def test_the_impact_is_the_idea_pages_own_when_other_ideas_changed_the_measure(
    demo: Any, client: Any, database: Any
) -> None:
    """The library's before and after is read from the same segments as the idea page's: a later change
    to the measure by another idea ends the measured idea's after-period, and begins the other's."""
    world = build_world(client, database)
    sign_in_as(client, "manager")
    link = {"metric_id": world.metric, "change_date": "2026-06-16"}
    linked = client.post(f"/api/v1/ideas/{world.plain.id}/metrics", json=link, headers=api_headers(client))
    assert linked.status_code == 201, linked.text
    listed = items_by_reference(client)
    for idea in (world.measured, world.plain):
        [own] = client.get(f"/api/v1/ideas/{idea.id}/impact", headers=JSON).json()["metrics"]
        shown = listed[idea.reference]["impact"]
        assert (shown["before_mean"], shown["after_mean"], shown["change_pct"]) == (
            own["before_mean"],
            own["after_mean"],
            own["change_pct"],
        )
        assert shown["special_cause"] == own["special_cause"]
    # Measured: 60 readings about 102 before 1 June, then 15 (8, 10, ..., 8) until the change of 16 June.
    assert listed[world.measured.reference]["impact"]["after_mean"] == pytest.approx(8.9333, abs=1e-4)
    assert listed[world.plain.reference]["impact"]["before_mean"] == pytest.approx(8.9333, abs=1e-4)
    assert listed[world.plain.reference]["impact"]["summary"].startswith("Pending open incidents +")
    # Listed alone, each idea's measure is read only where its before and after lie (from the change before
    # it, to the one after it): the same figures.
    for idea, words in ((world.measured, "visit"), (world.plain, "email")):
        [alone] = items_by_reference(client, q=words).values()
        assert alone["ref"] == idea.reference
        assert alone["impact"] == listed[idea.reference]["impact"]


def test_filters_by_words_waste_process_and_force(demo: Any, client: Any, database: Any) -> None:
    world = build_world(client, database)
    sign_in_as(client, "national")
    assert set(items_by_reference(client, q="custody")) == {world.cheshire.reference}  # not the one under way
    assert set(items_by_reference(client, q="visit")) == {world.measured.reference}  # a word's beginning
    assert set(items_by_reference(client, waste_type="waiting")) == {world.measured.reference}
    assert set(items_by_reference(client, process="briefing")) == {world.plain.reference}
    assert set(items_by_reference(client, force="che")) == {world.cheshire.reference}
    assert set(items_by_reference(client, force="LAN")) == {world.measured.reference, world.plain.reference}
    assert items_by_reference(client, force="LAN", waste_type="defects") == {}

    page = client.get("/practice", params={"force": "LAN", "q": "email"}).text
    assert "1 implemented idea<" in page
    assert "Briefing notes by email" in page
    assert "Call back before visiting" not in page
    assert '<option value="LAN" selected>' in page
    assert "No implemented ideas match." in client.get("/practice", params={"q": "nothing like this"}).text
    # htmx asks for the results alone, and caches keep the two apart.
    fragment = client.get("/practice", params={"q": "email"}, headers={"HX-Request": "true"})
    assert fragment.text.lstrip().startswith('<div id="practice-results"')
    assert "HX-Request" in fragment.headers["vary"]


def test_pages_of_the_library(demo: Any, client: Any, database: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from quest.ideas import practice

    world = build_world(client, database)
    monkeypatch.setattr(practice, "PRACTICE_PER_PAGE", 2)
    sign_in_as(client, "staff")
    first = client.get("/practice", params={"force": "LAN"})
    assert "Page 1 of 1" not in first.text
    second_page = client.get("/practice", params={"page": 2}).text
    assert "Page 2 of 2" in second_page
    assert world.cheshire.reference in second_page
    assert world.plain.reference not in second_page
    first_page = client.get("/practice").text
    assert 'href="/practice?page=2"' in first_page
    filtered = client.get("/practice", params={"waste_type": "waiting"}).text
    assert "Page" not in filtered.split('id="practice-results"')[1]  # one page: no pagination
    api = client.get("/api/v1/practice", params={"page": 2}, headers=JSON).json()
    assert (api["page"], api["pages"], api["has_next"]) == (2, 2, False)
    assert [item["ref"] for item in api["items"]] == [world.cheshire.reference]
    assert client.get("/api/v1/practice", params={"page": 3}, headers=JSON).json()["items"] == []


def test_no_one_is_named(demo: Any, client: Any, database: Any) -> None:
    world = build_world(client, database)
    adopt_as_cheshire(client, world)

    async def people(session_maker: Any) -> list[tuple[str, str]]:
        async with session_maker() as session:
            return [tuple(row) for row in await session.execute(select(User.display_name, User.email))]

    everyone = database(people)
    for role in ("staff", "manager", "national", "force_hq"):
        sign_in_as(client, role)
        results = client.get("/practice", headers={"HX-Request": "true"}).text
        api = client.get("/api/v1/practice", headers=JSON).text
        download = client.get("/practice", params={"format": "csv"}).content.decode("utf-8-sig")
        assert world.measured.reference in download
        for name, email in everyone:
            for shown in (results, api, download):
                assert name not in shown, (role, name)
                assert email not in shown, (role, email)


@pytest.mark.parametrize(
    ("params", "field", "api_status"),
    [
        ({"waste_type": "sloth"}, "waste_type", 400),
        ({"force": "XXX"}, "force", 404),  # well formed, and names no force
        ({"process": "p" * 81}, "process", 400),
        ({"q": "w" * 201}, "q", 400),
    ],
)
def test_bad_filters_are_refused_naming_the_field(
    signed_in: Any, params: dict[str, str], field: str, api_status: int
) -> None:
    client = signed_in("staff")
    api = client.get("/api/v1/practice", params=params, headers=JSON)
    assert api.status_code == api_status
    assert field in api.json()["extra"]["errors"]
    page = client.get("/practice", params=params)
    assert page.status_code == 422
    assert "There is a problem" in page.text
    assert f'href="#{field}"' in page.text
    # A download with the same filters is refused with the page's own message, never a file or a 500.
    message = api.json()["extra"]["errors"][field]
    assert message in page.text
    for file_format in ("csv", "xlsx"):
        download = client.get("/practice", params={**params, "format": file_format})
        assert download.status_code == 400, download.text
        assert "attachment" not in download.headers.get("content-disposition", "")
        assert message in download.text
        asked_by_a_program = client.get("/practice", params={**params, "format": file_format}, headers=JSON)
        assert asked_by_a_program.status_code == api_status  # a program is answered as the API answers it
        assert asked_by_a_program.json()["extra"]["errors"] == {field: message}


def test_a_download_in_a_format_that_is_not_offered_is_refused_naming_it(signed_in: Any) -> None:
    refused = signed_in("staff").get("/practice", params={"format": "pdf"})
    assert refused.status_code == 400
    assert "‘format’" in refused.text


@pytest.mark.parametrize("page_number", ["0", "-1", "two"])
def test_a_page_that_is_not_one_is_refused(signed_in: Any, page_number: str) -> None:
    client = signed_in("staff")
    api = client.get("/api/v1/practice", params={"page": page_number}, headers=JSON)
    assert api.status_code == 400
    assert "page" in api.text
    assert client.get("/practice", params={"page": page_number}).status_code == 400


def test_the_old_library_address_moves_to_the_practice_library(signed_in: Any) -> None:
    client = signed_in("staff")
    moved = client.get("/ideas", params={"view": "library", "q": "custody", "waste": "waiting"}, follow_redirects=False)
    assert moved.status_code == 301
    assert moved.headers["location"] == "/practice?q=custody&waste_type=waiting"
    assert client.get("/ideas", params={"view": "library"}, follow_redirects=False).headers["location"] == "/practice"
    navigation = client.get("/ideas").text
    assert 'href="/practice"' in navigation


def test_the_api_is_in_the_openapi_schema(client: Any) -> None:
    schema = client.get("/schema/openapi.json").json()
    operation = schema["paths"]["/api/v1/practice"]["get"]
    assert operation["operationId"] == "listPractice"
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert names >= {"q", "waste_type", "process", "force", "page"}


def test_signed_out_people_are_sent_to_sign_in(client: Any) -> None:
    response = client.get("/practice", follow_redirects=False)
    assert response.status_code in (302, 303)
    assert client.get("/api/v1/practice", headers=JSON).status_code == 401


def csv_rows(client: Any, **params: Any) -> list[list[str]]:
    response = client.get("/practice", params={**params, "format": "csv"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == 'attachment; filename="practice-library.csv"'
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_rows(client: Any, **params: Any) -> tuple[Any, list[tuple[Any, ...]]]:
    response = client.get("/practice", params={**params, "format": "xlsx"})
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"] == 'attachment; filename="practice-library.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["Practice library"]
    return sheet, list(sheet.iter_rows(values_only=True))


def listed_on_every_page(client: Any, **params: Any) -> list[str]:
    """The references the library's pages list, page after page, in their order."""
    references: list[str] = []
    number = 1
    while True:
        found = client.get("/api/v1/practice", params={**params, "page": number}, headers=JSON).json()
        references += [item["ref"] for item in found["items"]]
        if not found["has_next"]:
            return references
        number += 1


def test_a_download_holds_every_idea_the_pages_list_with_their_figures(
    demo: Any, client: Any, database: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from quest.ideas import practice

    world = build_world(client, database)
    adopt_as_cheshire(client, world)
    formula = database(lambda maker: raise_idea(maker, STAFF, FORMULA_TITLE, process="Briefing"))
    database(lambda maker: move_along(maker, MANAGER, formula.id, *IMPLEMENTED_PATH))
    monkeypatch.setattr(practice, "PRACTICE_PER_PAGE", 2)  # the library fills two pages: the download, one file
    sign_in_as(client, "staff")

    rows = csv_rows(client)
    assert rows[0] == [
        "Reference",
        "Title",
        "Force",
        "Division",
        "Waste types",
        "Process",
        "Implemented on",
        "Validated saving (£ a year)",
        "Of which cash (£ a year)",
        "Of which time released (£ a year)",
        "Hours released a year",
        "Impact measure",
        "Unit",
        "Mean before",
        "Mean after",
        "Change (%)",
        "Impact",
        "Adoptions",
        "Adopted in",
    ]
    every_page = listed_on_every_page(client)
    assert len(every_page) == 4
    assert [row[0] for row in rows[1:]] == every_page
    by_reference = {row[0]: row for row in rows[1:]}
    assert by_reference[world.measured.reference][1:] == [
        "Call back before visiting",
        "Lancashire Constabulary",
        "Northern (Lancaster and Morecambe)",
        "Waiting, Motion",
        "Incident closure",
        "2026-06-01",
        "37510.00",
        "1000.00",
        "36510.00",
        "1000.00",
        "Pending open incidents",
        "incidents",
        "102.0",
        "9.0",
        "-91.1765",
        "Pending open incidents −91%, improved",
        "1",
        "Cheshire East, Cheshire Constabulary (submitted)",
    ]
    assert by_reference[world.plain.reference][7:] == [
        "0.00",
        "0.00",
        "0.00",
        "0.00",
        "",
        "",
        "",
        "",
        "",
        "No measure linked",
        "0",
        "",
    ]
    # The figures are the API's (and so the page's) for every idea.
    for number in (1, 2):
        for item in client.get("/api/v1/practice", params={"page": number}, headers=JSON).json()["items"]:
            row = by_reference[item["ref"]]
            title = "'" + item["title"] if item["title"] == FORMULA_TITLE else item["title"]
            assert row[1:4] == [title, item["force_name"], item["division_name"]]
            assert row[6] == item["implemented_on"]
            assert row[7] == item["validated_savings"]["total_gbp"]
            assert row[17] == str(item["adoptions"])
    # A title a spreadsheet would run is shown, never run.
    assert by_reference[formula.reference][1] == "'" + FORMULA_TITLE

    sheet, cells = xlsx_rows(client)
    assert list(cells[0]) == rows[0]
    assert [row[0] for row in cells[1:]] == every_page
    measured = next(row for row in cells if row[0] == world.measured.reference)
    assert measured[6] == datetime.datetime(2026, 6, 1)  # a date, not text
    assert measured[7:11] == (37510.0, 1000.0, 36510.0, 1000.0)
    assert measured[13:16] == (102.0, 9.0, -91.1765)
    assert measured[17] == 1
    title = sheet.cell(row=every_page.index(formula.reference) + 2, column=2)
    assert title.value == FORMULA_TITLE
    assert title.data_type == "s"  # text, never a formula

    # Filtered: the ideas the filtered pages list, and no other.
    for params in ({"force": "LAN"}, {"waste_type": "waiting"}, {"q": "custody"}, {"force": "CHE", "q": "visit"}):
        assert [row[0] for row in csv_rows(client, **params)[1:]] == listed_on_every_page(client, **params), params
    assert csv_rows(client, force="LAN", waste_type="defects") == [rows[0]]


def test_the_page_offers_the_download_with_its_filters(demo: Any, client: Any, database: Any) -> None:
    build_world(client, database)
    sign_in_as(client, "staff")
    page = client.get("/practice", params={"force": "LAN", "q": "email"}).text
    assert 'href="/practice?q=email&amp;force=LAN&amp;format=csv" download>CSV</a>' in page
    assert 'href="/practice?q=email&amp;force=LAN&amp;format=xlsx" download>Excel (XLSX)</a>' in page
    unfiltered = client.get("/practice", headers={"HX-Request": "true"}).text  # the results htmx swaps in
    assert 'href="/practice?format=csv"' in unfiltered
    assert "A download holds" not in unfiltered
    assert 'id="practice-downloads"' not in client.get("/practice", params={"q": "nothing like this"}).text


def test_a_download_is_capped_and_the_page_says_so(
    demo: Any, client: Any, database: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from quest.ideas import practice

    world = build_world(client, database)
    monkeypatch.setattr(practice, "DOWNLOAD_LIMIT", 2)
    sign_in_as(client, "staff")
    page = client.get("/practice").text
    assert "A download holds the 2 most recently implemented" in page
    rows = csv_rows(client)
    assert [row[0] for row in rows[1:]] == [world.plain.reference, world.measured.reference]
    # Two of Lancashire's: all of them, so no word of a cap.
    assert "A download holds" not in client.get("/practice", params={"force": "LAN"}).text
    assert len(csv_rows(client, force="LAN")) == 3
