"""Which characters text input accepts, the same on every door and on both engines (issue 10, items 2-4).

NUL and the C0 control characters other than tab, newline and carriage return are refused where input
comes in, naming the field: 400 in a query string, 422 in a form or a JSON body. Exports stay readable
whatever is already stored. Bodies nested too deeply, and paths no file can have, get a 4xx, never a 500.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import openpyxl
import pytest

from tests.helpers import DEMO_EMAILS, csrf_token, new_token, post_form, raise_idea

STAFF = DEMO_EMAILS["staff"]


@pytest.mark.parametrize(
    ("role", "url", "parameter"),
    [
        ("staff", "/ideas", "q"),
        ("staff", "/ideas", "process"),
        ("manager", "/ideas/export.csv", "q"),
        ("admin", "/forces", "q"),
        ("force_hq", "/users", "q"),
        ("force_hq", "/audit", "actor"),
        ("force_hq", "/audit", "entity"),
    ],
)
@pytest.mark.parametrize("character", ["\x00", "\x0b"])
def test_a_control_character_in_a_query_string_is_refused_naming_the_parameter(
    signed_in: Any, role: str, url: str, parameter: str, character: str
) -> None:
    client = signed_in(role)
    assert client.get(url, params={parameter: "custody"}).status_code == 200
    response = client.get(url, params={parameter: f"custody{character}"})
    assert response.status_code == 400
    assert f"‘{parameter}’" in response.text


@pytest.mark.parametrize("parameter", ["q", "division_id"])
def test_a_nul_in_an_api_query_string_is_refused_as_json(client: Any, demo: Any, database: Any, parameter: str) -> None:
    token = database(lambda maker: new_token(maker, STAFF))
    response = client.get(
        "/api/v1/ideas", params={parameter: "custody\x00"}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 400
    assert list(response.json()["extra"]["errors"]) == [parameter]
    assert "‘" + parameter + "’" in response.json()["extra"]["errors"][parameter]


@pytest.mark.parametrize(
    ("url", "fields", "field"),
    [
        (
            "/ideas/new",
            {"title": "Custody\x00 handover", "problem": "Officers wait.", "proposal": "Change it."},
            "title",
        ),
        ("/ideas/new", {"title": "Custody handover", "problem": "Wait\x1b[2J", "proposal": "Change it."}, "problem"),
        (
            "/waste/new",
            {"waste_type": "waiting", "process": "Custody", "description": "Queue\x00", "observed_on": "2026-01-05"},
            "description",
        ),
    ],
)
def test_a_control_character_in_a_form_is_refused_naming_the_field(
    signed_in: Any, url: str, fields: dict[str, str], field: str
) -> None:
    client = signed_in("staff")
    response = post_form(client, url, fields, follow_redirects=False)
    assert response.status_code == 422
    assert f"‘{field}’" in response.text


def test_tabs_and_new_lines_are_ordinary_text(signed_in: Any) -> None:
    client = signed_in("staff")
    fields = {"title": "Custody\thandover", "problem": "Officers wait.\r\nEvery shift.", "proposal": "Change it."}
    response = post_form(client, "/ideas/new", fields, follow_redirects=False)
    assert response.status_code == 303


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "Custody\x00 handover", "problem": "Officers wait.", "proposal": "Change it."}, "title"),
        ({"title": "Custody", "problem": "Officers wait.", "proposal": "Bell\x07"}, "proposal"),
        (
            {"title": "Custody", "problem": "Wait.", "proposal": "Change.", "waste_types": ["waiting\x00"]},
            "waste_types[0]",
        ),
    ],
)
def test_a_control_character_in_a_json_body_is_refused_naming_the_field(
    client: Any, demo: Any, database: Any, body: dict[str, Any], field: str
) -> None:
    token = database(lambda maker: new_token(maker, STAFF))
    response = client.post("/api/v1/ideas", json=body, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 422
    assert field in response.json()["extra"]["errors"]


@pytest.mark.parametrize(
    ("method", "url"),
    [("POST", "/api/v1/ideas"), ("POST", "/api/v1/waste"), ("PUT", "/api/v1/metrics/{metric}/readings")],
)
@pytest.mark.parametrize("shape", ["[" * 1000 + "]" * 1000, '{"title": ' + "[" * 1000 + "]" * 1000 + "}"])
def test_json_nested_too_deeply_is_refused_not_a_500(
    client: Any, demo: Any, database: Any, method: str, url: str, shape: str
) -> None:
    token = database(lambda maker: new_token(maker, DEMO_EMAILS["manager"]))
    response = client.request(
        method,
        url.format(metric="00000000-0000-0000-0000-000000000000"),
        content=shape.encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert "nested" in response.json()["detail"]


def test_json_nested_a_little_is_still_read(client: Any, demo: Any, database: Any) -> None:
    token = database(lambda maker: new_token(maker, STAFF))
    body = {"title": "Custody handover", "problem": "Officers wait.", "proposal": "Change it.", "waste_types": []}
    response = client.post(
        "/api/v1/ideas",
        content=json.dumps(body),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    assert response.status_code == 201


def test_a_body_that_is_not_utf8_is_a_400_naming_the_problem_not_a_500(signed_in: Any) -> None:
    """Bytes that are not UTF-8, as JSON to the API and to a page, and as a multipart form's text field
    (which Litestar decodes before any QUEST code runs), or in an encoding that does not exist."""
    client = signed_in("staff")
    token = csrf_token(client)
    sent = [
        client.post(
            "/api/v1/ideas",
            content=b'{"title": "\xff\xfe"}',
            headers={"Content-Type": "application/json", "X-CSRFToken": token},
        ),
        client.post(
            "/ideas/new",
            content=b'{"title": "\xff"}',
            headers={"Content-Type": "application/json", "X-CSRFToken": token},
        ),
        client.post(
            "/ideas/new",
            content=b'--b\r\nContent-Disposition: form-data; name="title"\r\n\r\n\xff\xfe\r\n--b--\r\n',
            headers={"Content-Type": "multipart/form-data; boundary=b", "X-CSRFToken": token},
        ),
        client.post(
            "/ideas/new",
            content=(
                b'--b\r\nContent-Disposition: form-data; name="title"\r\nContent-Type: text/plain; charset=bogus\r\n'
                b"\r\nCustody\r\n--b--\r\n"
            ),
            headers={"Content-Type": "multipart/form-data; boundary=b", "X-CSRFToken": token},
        ),
    ]
    assert [response.status_code for response in sent] == [400, 400, 400, 400]
    assert "UTF-8" in sent[0].json()["detail"]
    assert "UTF-8" in sent[2].text


@pytest.mark.parametrize("path", ["/static/%00", "/static/app%00.css", "/static/%0b"])
def test_a_static_path_no_file_can_have_is_not_found(client: Any, path: str) -> None:
    assert client.get(path).status_code == 404


def test_exports_stay_readable_whatever_is_stored(signed_in: Any, database: Any) -> None:
    """Stored before the rule existed (or by a route round it): exports replace what a file cannot hold."""
    client = signed_in("manager")
    database(lambda maker: raise_idea(maker, STAFF, "Vertical tab \u000b in title"))
    workbook = openpyxl.load_workbook(io.BytesIO(client.get("/ideas/export.xlsx").content))
    assert workbook["Ideas"].cell(row=2, column=4).value == "Vertical tab \ufffd in title"
    exported = client.get("/ideas/export.csv")
    assert exported.status_code == 200
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[1][3] == "Vertical tab \ufffd in title"
