"""The first pages, as a browser without JavaScript and as htmx see them."""

from __future__ import annotations

import re
from typing import Any

import pytest
from litestar import Request, get
from litestar.response import Redirect, Template
from litestar.testing import TestClient

from quest.web.flash import flash
from quest.web.pages import page

Client = TestClient[Any]


def test_home_page_says_what_quest_is_and_for_whom(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    body = response.text
    assert "<title>Lean improvement tracker for public services – QUEST</title>" in body
    for audience in (
        "Frontline staff",
        "Division managers",
        "Validators",
        "Force headquarters",
        "National headquarters",
    ):
        assert audience in body
    assert "91%" in body


def test_layout_has_a_skip_link_our_own_header_and_no_govuk_branding(client: Client) -> None:
    body = client.get("/").text
    assert 'href="#main-content"' in body
    assert 'id="main-content"' in body
    assert "govuk-generic-header" in body
    assert "govuk-service-navigation" in body
    assert "govuk-header__logo" not in body
    assert "govuk-logo" not in body
    assert "Crown copyright" not in body
    assert "GDS Transport" not in body


def test_stylesheet_uses_system_fonts_not_the_gds_transport_font(client: Client) -> None:
    stylesheet = re.search(r'href="(/static/css/quest\.css\?v=\w+)"', client.get("/").text)
    assert stylesheet is not None
    css = client.get(stylesheet.group(1))
    assert css.status_code == 200
    assert "govuk-generic-header" in css.text
    assert "GDS Transport" not in css.text
    assert "@font-face" not in css.text
    assert "system-ui" in css.text


def test_vendored_assets_are_served(client: Client) -> None:
    body = client.get("/").text
    for asset in ("vendor/htmx/htmx.min.js", "js/quest.js"):
        match = re.search(rf'src="(/static/{re.escape(asset)}\?v=\w+)"', body)
        assert match is not None, asset
        assert client.get(match.group(1)).status_code == 200
    assert client.get("/static/vendor/govuk-frontend/govuk-frontend.min.js").status_code == 200


def test_forces_page_lists_the_demo_forces_with_their_size(signed_in: Any) -> None:
    client = signed_in("staff")
    response = client.get("/forces")
    assert response.status_code == 200
    assert response.headers["vary"] == "HX-Request"
    body = response.text
    assert "7 forces" in body
    assert "Lancashire Constabulary" in body
    assert "3,561" in body
    assert "1,601,600" in body
    assert 'href="/forces/LAN"' in body


def test_forces_search_works_without_javascript(signed_in: Any) -> None:
    client = signed_in("staff")
    body = client.get("/forces", params={"q": "north west"}).text
    assert "2 forces matching ‘north west’" in body
    assert "Lancashire Constabulary" in body
    assert "Cheshire Constabulary" in body
    assert "Sussex Police" not in body
    assert 'value="north west"' in body


def test_htmx_gets_just_the_table_and_a_boosted_request_gets_the_whole_page(signed_in: Any) -> None:
    client = signed_in("staff")
    fragment = client.get("/forces", params={"q": "lancashire"}, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert fragment.headers["vary"] == "HX-Request"
    assert fragment.text.lstrip().startswith('<div id="forces-table"')
    assert "<html" not in fragment.text
    assert "1 force matching ‘lancashire’" in fragment.text

    boosted = client.get("/forces", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<html" in boosted.text
    assert boosted.headers["vary"] == "HX-Request"


def test_no_match_says_so(signed_in: Any) -> None:
    client = signed_in("staff")
    body = client.get("/forces", params={"q": "Atlantis"}).text
    assert "No force matches ‘Atlantis’" in body


def test_search_text_is_escaped_not_run(signed_in: Any) -> None:
    client = signed_in("staff")
    body = client.get("/forces", params={"q": "<script>alert(1)</script>"}).text
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_an_overlong_search_is_a_clear_400_not_a_500(signed_in: Any) -> None:
    client = signed_in("staff")
    response = client.get("/forces", params={"q": "x" * 101})
    assert response.status_code == 400
    assert "There is a problem with your request" in response.text
    assert "QUEST cannot use its ‘q’" in response.text  # the page names what to check


def test_a_page_number_that_is_no_page_names_the_page_on_its_400(signed_in: Any) -> None:
    client = signed_in("validator")
    for number in ("-5", "0", "nonsense", "99999999999999999999"):
        response = client.get("/savings/double-counts", params={"page": number})
        assert response.status_code == 400, number
        assert "Check the address: QUEST cannot use its ‘page’" in response.text, number


def test_force_page_lists_divisions_with_their_fte(signed_in: Any) -> None:
    client = signed_in("staff")
    response = client.get("/forces/LAN")
    assert response.status_code == 200
    body = response.text
    assert '<h1 class="govuk-heading-l">Lancashire Constabulary</h1>' in body
    assert "Northern (Lancaster and Morecambe)" in body
    assert body.count('<th scope="row" class="govuk-table__header">') == 6
    assert "All divisions" in body
    assert "Police staff (FTE) (estimate)" in body
    assert "Similar forces" in body
    assert 'href="/forces/CHE"' in body


def test_force_codes_are_not_case_sensitive(signed_in: Any) -> None:
    client = signed_in("staff")
    assert client.get("/forces/lan").status_code == 200


def test_missing_pages_get_the_styled_404(signed_in: Any) -> None:
    client = signed_in("staff")
    for path in ("/no-such-page", "/forces/XXX"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("text/html")
        assert "Page not found" in response.text
        assert "govuk-generic-header" in response.text


def test_every_response_has_a_request_id_and_security_headers(client: Client) -> None:
    for path in ("/", "/no-such-page", "/healthz", "/api/v1/forces"):
        headers = client.get(path).headers
        assert re.fullmatch(r"[0-9a-f]{32}", headers["x-request-id"])
        assert "default-src 'self'" in headers["content-security-policy"]
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"
        assert "strict-transport-security" not in headers  # development


def test_a_proxys_request_id_is_kept_and_a_strange_one_replaced(client: Client) -> None:
    assert client.get("/", headers={"X-Request-ID": "proxy-abc-12345"}).headers["x-request-id"] == "proxy-abc-12345"
    assert client.get("/", headers={"X-Request-ID": "bad id\n"}).headers["x-request-id"] != "bad id\n"


@pytest.mark.own_app
def test_an_unexpected_error_is_the_styled_500_with_a_reference_and_no_details(app: Any) -> None:
    @get("/explode", include_in_schema=False, opt={"public": True})
    async def explode() -> None:
        raise RuntimeError("secret internals")

    app.register(explode)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/explode")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.text
    assert response.headers["x-request-id"] in response.text
    assert "secret internals" not in response.text
    assert "Traceback" not in response.text


@pytest.mark.own_app
def test_a_flash_message_survives_the_redirect_and_is_shown_once(app: Any) -> None:
    @get("/test-flash", include_in_schema=False, opt={"public": True})
    async def flash_and_redirect(request: Request[Any, Any, Any]) -> Redirect:
        flash(request, "Idea LAN-000123 submitted")
        return Redirect("/")

    @get("/test-flash-now", include_in_schema=False, opt={"public": True})
    async def flash_and_render(request: Request[Any, Any, Any]) -> Template:
        flash(request, "Saved", "info")
        return page(request, "home/index.html")

    app.register(flash_and_redirect)
    app.register(flash_and_render)
    with TestClient(app) as client:
        landed = client.get("/test-flash")
        assert landed.status_code == 200
        assert "Idea LAN-000123 submitted" in landed.text
        assert "govuk-notification-banner--success" in landed.text
        assert "Idea LAN-000123 submitted" not in client.get("/").text

        now = client.get("/test-flash-now").text
        assert "Saved" in now
        assert "Idea LAN-000123 submitted" not in now
        assert "Saved" not in client.get("/").text


@pytest.mark.own_app
def test_the_flash_cookie_is_http_only_and_same_site(app: Any) -> None:
    @get("/test-flash-cookie", include_in_schema=False, opt={"public": True})
    async def flash_only(request: Request[Any, Any, Any]) -> Redirect:
        flash(request, "Done")
        return Redirect("/")

    app.register(flash_only)
    with TestClient(app) as client:
        response = client.get("/test-flash-cookie", follow_redirects=False)
    cookie = next(value for value in response.headers.get_list("set-cookie") if value.startswith("quest_flash="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_pages_other_than_home_and_sign_in_need_sign_in(client: Client) -> None:
    for path in ("/forces", "/forces/LAN", "/users", "/audit", "/account"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"] == f"/sign-in?next={path.replace('/', '%2F')}"
    assert client.get("/").status_code == 200
    assert client.get("/sign-in").status_code == 200
    assert client.get("/healthz").status_code == 200


def test_htmx_is_sent_to_sign_in_as_a_whole_page_not_a_fragment(client: Client) -> None:
    response = client.get("/forces", headers={"HX-Request": "true"}, follow_redirects=False)
    assert response.status_code == 200
    assert response.headers["hx-redirect"] == "/sign-in?next=%2Fforces"
