"""HTML pages for ideas: raise one (with similar ideas shown as you type), read one and its timeline,
comment, support, follow, change or withdraw one's own, the division's list with exports, and My ideas."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar
from urllib.parse import urlencode

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Stream, Template

from quest import fields
from quest.accounts import access
from quest.accounts.access import Permission
from quest.errors import NotFound
from quest.exports import tables
from quest.exports.downloads import export_download
from quest.exports.files import FileFormat
from quest.exports.tables import ExportScope
from quest.ideas import decisions, impact, services
from quest.ideas.filters import SORTS, IdeaFilters
from quest.ideas.page import idea_page
from quest.ideas.record import IdeaInput
from quest.ideas.status import IdeaStatus
from quest.ideas.workflow import MoveRequest
from quest.org.services import list_divisions
from quest.savings import idea_costs
from quest.savings import services as savings
from quest.waste.services import get_waste
from quest.waste.types import WasteType
from quest.web.dependencies import DatabaseSession, Now, Today, Viewer, provide_now, provide_today
from quest.web.flash import flash
from quest.web.forms import answer_button, answer_form, form_lists, form_values, see_other
from quest.web.pages import PageNumber, page, page_sent

AnyRequest = Request[Any, Any, Any]
Outcome = TypeVar("Outcome")
_TOGGLE_MESSAGES = {
    ("support", True): "You support this idea",
    ("support", False): "You no longer support this idea",
    ("follow", True): "You will be told when this idea moves",
    ("follow", False): "You no longer follow this idea",
}


@dataclass(frozen=True, slots=True)
class IdeaReference:
    """The idea named in the path (``/ideas/LAN-000123/...``), found among those the viewer may see."""

    id: uuid.UUID
    reference: str  # as it is written: LAN-000123


async def find_idea(db_session: DatabaseSession, viewer: Viewer, reference: FromPath[str]) -> IdeaReference:
    """A 404 unless the viewer may see the idea (see services.find_by_reference)."""
    return IdeaReference(await services.find_by_reference(db_session, viewer, reference), reference.upper())


# The idea a handler of one idea acts on, found once before the handler runs.
IdeaRef = NamedDependency[IdeaReference]


def _version(values: dict[str, Any]) -> int | None:
    """The version of the idea the form was made from, so a change made since is not overwritten."""
    try:
        return int(values.get("version", ""))
    except ValueError:
        return None


def claim_input(values: dict[str, Any]) -> savings.ClaimInput:
    return savings.ClaimInput(
        **{name: str(values.get(name, "")) for name in savings.ClaimInput.__dataclass_fields__ if name in values}
    )


def cost_input(values: dict[str, Any]) -> idea_costs.CostInput:
    """A cost as the idea page's form sends it: its kind and grade named apart from the savings form's."""
    renamed = {"kind": "cost_kind", "grade": "cost_grade"}
    return idea_costs.CostInput(
        **{
            name: str(values.get(renamed.get(name, name), ""))
            for name in idea_costs.CostInput.__dataclass_fields__
            if renamed.get(name, name) in values
        }
    )


def waste_choices() -> list[dict[str, Any]]:
    return [{"value": waste.value, "text": waste.label, "hint": waste.hint} for waste in WasteType]


def _idea_form_context(values: dict[str, Any], errors: dict[str, str], **extra: Any) -> dict[str, Any]:
    return {"values": values, "errors": errors, "waste_choices": waste_choices(), **extra}


async def _idea_input(request: AnyRequest) -> tuple[IdeaInput, dict[str, Any]]:
    values: dict[str, Any] = await form_values(request)
    values["waste_types"] = (await form_lists(request, "waste_types"))["waste_types"]
    data = IdeaInput(
        title=values.get("title", ""),
        problem=values.get("problem", ""),
        proposal=values.get("proposal", ""),
        expected_benefit=values.get("expected_benefit", ""),
        process=values.get("process", ""),
        waste_types=values["waste_types"],
    )
    return data, values


def _filters(
    division: str | None,
    status: str | None,
    waste: str | None,
    process: str | None,
    q: str | None,
    sort: str | None,
    view: str | None = None,
) -> tuple[IdeaFilters, dict[str, str]]:
    filters = IdeaFilters(
        division_id=fields.read_uuid(division),
        status=IdeaStatus(status) if status in {member.value for member in IdeaStatus} else None,
        waste_type=WasteType(waste) if waste in {member.value for member in WasteType} else None,
        process=(process or "")[:80],
        search=(q or "")[:200],
        sort=sort if sort in SORTS else "newest",  # type: ignore[arg-type]
        library=view == "library",
    )
    shown = {
        "division": str(filters.division_id or ""),
        "status": filters.status.value if filters.status else "",
        "waste": filters.waste_type.value if filters.waste_type else "",
        "process": filters.process,
        "q": filters.search,
        "sort": filters.sort,
        "view": "library" if filters.library else "",
    }
    return filters, shown


class IdeaPages(Controller):
    path = "/ideas"
    include_in_schema = False
    dependencies = {"idea": Provide(find_idea)}

    # --- raising an idea ---

    @get("/new", name="new_idea")
    async def new_idea(
        self,
        request: AnyRequest,
        db_session: DatabaseSession,
        viewer: Viewer,
        from_waste: FromQuery[uuid.UUID | None] = None,
    ) -> Template:
        access.require(viewer, Permission.CONTRIBUTE)
        values: dict[str, Any] = {"waste_types": []}
        if from_waste is not None:
            waste = await get_waste(db_session, viewer, from_waste)
            values = {
                "title": "",
                "problem": waste.description,
                "process": waste.process,
                "waste_types": [waste.waste_type.value],
                "from_waste": str(waste.id),
            }
        return page(request, "ideas/new.html", _idea_form_context(values, {}))

    @post("/new", opt={"draft": "Your idea"})
    async def submit(
        self, request: AnyRequest, db_session: DatabaseSession, viewer: Viewer, now: Now
    ) -> Template | Redirect:
        data, values = await _idea_input(request)
        return await answer_form(
            request,
            services.submit_idea(
                db_session, viewer, data, now, from_waste=fields.read_uuid(values.get("from_waste", ""))
            ),
            message=lambda idea: f"Your idea {idea.reference} has been sent to your division’s managers",
            done=lambda idea: f"/ideas/{idea.reference}",
            again=lambda errors: page(request, "ideas/new.html", _idea_form_context(values, errors)),
        )

    @get("/similar", name="similar_ideas")
    async def similar(
        self, request: AnyRequest, db_session: DatabaseSession, viewer: Viewer, title: FromQuery[str] = ""
    ) -> Template:
        """The live suggestions under the title field (an htmx fragment)."""
        matches = await services.similar_ideas(db_session, viewer, title[:200])
        return page(
            request, "ideas/_similar.html", {"matches": matches, "title": title}, fragment="ideas/_similar.html"
        )

    # --- lists and exports ---

    @get("/", name="ideas")
    async def list_ideas(
        self,
        request: AnyRequest,
        db_session: DatabaseSession,
        viewer: Viewer,
        division: FromQuery[str | None] = None,
        status: FromQuery[str | None] = None,
        waste: FromQuery[str | None] = None,
        process: FromQuery[str | None] = None,
        q: FromQuery[str | None] = None,
        sort: FromQuery[str | None] = None,
        view: FromQuery[str | None] = None,
        page_number: PageNumber = 1,
    ) -> Template | Redirect:
        if view == "library":
            # The practice library moved to a page of its own, with its savings, impact and spread; old
            # links and bookmarks keep their words, waste and process.
            kept = {"q": q, "waste_type": waste, "process": process}
            query = urlencode({name: value for name, value in kept.items() if value})
            return Redirect("/practice" + (f"?{query}" if query else ""), status_code=301)
        filters, shown = _filters(division, status, waste, process, q, sort, view)
        found = await services.list_ideas(db_session, viewer, filters, page_number)
        divisions = []
        if (
            not filters.library
            and viewer.force_id is not None
            and access.reach(viewer, Permission.VIEW_WORK) > access.Reach.OWN_DIVISION
        ):
            divisions = await list_divisions(db_session, viewer.force_id)
        query = urlencode(
            {key: value for key, value in shown.items() if value and not (key == "sort" and value == "newest")}
        )
        return page(
            request,
            "ideas/list.html",
            {
                "found": found,
                "filters": shown,
                "filter_query": query,
                "status_options": [("", "Any status"), *((status.value, status.label) for status in IdeaStatus)],
                "waste_options": [("", "Any waste"), *((waste.value, waste.label) for waste in WasteType)],
                "sort_options": list(SORTS.items()),
                "division_options": [("", "All divisions"), *((str(d.id), d.name) for d in divisions)],
            },
            fragment="ideas/_list_table.html",
        )

    @get("/export.csv", name="ideas_csv")
    async def export_csv(self, request: AnyRequest, db_session: DatabaseSession, viewer: Viewer) -> Stream:
        return await self._export(request, db_session, viewer, FileFormat.CSV)

    @get("/export.xlsx", name="ideas_xlsx")
    async def export_xlsx(self, request: AnyRequest, db_session: DatabaseSession, viewer: Viewer) -> Stream:
        return await self._export(request, db_session, viewer, FileFormat.XLSX)

    async def _export(
        self, request: AnyRequest, db_session: DatabaseSession, viewer: Viewer, as_: FileFormat
    ) -> Stream:
        """The ideas the list's filters choose, in the columns the idea import takes (docs/exports.md)."""
        params = request.query_params
        filters, _shown = _filters(
            params.get("division"),
            params.get("status"),
            params.get("waste"),
            params.get("process"),
            params.get("q"),
            params.get("sort"),
            params.get("view"),
        )
        return await export_download(request, as_, await tables.ideas(db_session, viewer, ExportScope(), filters))

    # --- one idea ---

    @get("/{reference:str}", name="idea")
    async def show(
        self,
        request: AnyRequest,
        db_session: DatabaseSession,
        viewer: Viewer,
        reference: FromPath[str],
        replace: FromQuery[str] = "",
    ) -> Template:
        """The idea; ``?replace=<claim id>`` opens the savings form filled in from a claim, to correct it."""
        return await self._show(request, db_session, viewer, reference, replace=fields.read_uuid(replace))

    async def _show(
        self,
        request: AnyRequest,
        db_session: DatabaseSession,
        viewer: Viewer,
        reference: str,
        *,
        replace: uuid.UUID | None = None,
        **extra: Any,
    ) -> Template:
        # The day, from the app's clock as every handler gets it: the page and each form's re-render of it
        # judge sustainment as of today, without every form's handler asking for the day.
        today = provide_today(provide_now(request))
        context = (await idea_page(db_session, viewer, reference, today)).context(replace) | extra
        return page(request, "ideas/show.html", context)

    async def _answer(
        self,
        request: AnyRequest,
        db_session: DatabaseSession,
        viewer: Viewer,
        idea: IdeaReference,
        action: Awaitable[Outcome],
        *,
        message: str | Callable[[Outcome], str],
        anchor: str = "",
        values: dict[str, Any] | None = None,
        conflicts: bool = True,
        renamed: dict[str, str] | None = None,
    ) -> Template | Redirect:
        """A form on the idea's page: back to the page (at ``anchor``) once done; shown again there with the
        errors (a field the page has twice is ``renamed``) and what was typed, or with the conflict."""

        def again(errors: dict[str, str]) -> Awaitable[Template]:
            errors = {(renamed or {}).get(field, field): problem for field, problem in errors.items()}
            return self._show(request, db_session, viewer, idea.reference, errors=errors, values=values or {})

        def conflict(problem: str) -> Awaitable[Template]:
            return self._show(request, db_session, viewer, idea.reference, conflict=problem)

        return await answer_form(
            request,
            action,
            message=message,
            done=f"/ideas/{idea.reference}{anchor}",
            again=again,
            conflict=conflict if conflicts else None,
        )

    @post("/{reference:str}/decision", opt={"draft": "Your decision"})
    async def decide(
        self, request: AnyRequest, db_session: DatabaseSession, viewer: Viewer, now: Now, today: Today, idea: IdeaRef
    ) -> Template | Redirect:
        """Move the idea along the workflow (managers of its division)."""
        values = await form_values(request)
        move = MoveRequest(
            to=values.get("to", ""),
            reason=values.get(f"reason-{values.get('to', '')}", values.get("reason", "")),
            duplicate_of=values.get("duplicate_of", ""),
            change_date=values.get("change_date", ""),
            learned=values.get("learned", ""),
        )
        moving = decisions.move_idea(
            db_session, viewer, idea.id, move, seen_version=_version(values), now=now, today=today
        )

        def moved_to(status: IdeaStatus) -> str:
            return f"{idea.reference} is now {status.label.lower()}. The person who raised it has been told."

        if values.get("from") == "triage":  # a quick move from the triage list: what went wrong is said there
            back = page_sent(values)
            return await answer_button(
                request,
                moving,
                done="/triage" + (f"?page={back}" if back > 1 else ""),
                message=moved_to,
                said=lambda problem: f"{idea.reference}: {problem}",
            )
        # Each move has its own reason box on the page (only the chosen one is shown with JavaScript).
        renamed = {"reason": f"reason-{move.to}"}
        return await self._answer(
            request, db_session, viewer, idea, moving, message=moved_to, values=values, renamed=renamed
        )

    @post("/{reference:str}/owner", opt={"draft": "Your choice of owner"})
    async def assign_owner(
        self, request: AnyRequest, db_session: DatabaseSession, viewer: Viewer, now: Now, idea: IdeaRef
    ) -> Template | Redirect:
        values = await form_values(request)
        owner_id = fields.read_uuid(values.get("owner_id", ""))
        assigning = decisions.assign_owner(
            db_session, viewer, idea.id, owner_id, seen_version=_version(values), now=now
        )

        def owns(name: str | None) -> str:
            return f"{name} now owns {idea.reference}"

        return await self._answer(request, db_session, viewer, idea, assigning, message=owns, values=values)

    @post("/{reference:str}/savings", opt={"draft": "Your saving"})
    async def record_saving(
        self, request: AnyRequest, db_session: DatabaseSession, viewer: Viewer, now: Now, idea: IdeaRef
    ) -> Template | Redirect:
        values = await form_values(request)
        replacing = fields.read_uuid(values.get("supersedes", ""))
        recording = savings.record_claim(db_session, viewer, idea.id, claim_input(values), now=now, replacing=replacing)
        message = "The saving has been recorded" + (
            ". A validator will check it." if values.get("status") == "claimed" else "."
        )
        return await self._answer(
            request, db_session, viewer, idea, recording, message=message, anchor="#savings", values=values
        )

    @post("/{reference:str}/costs", opt={"draft": "Your cost"})
    async def record_cost(
        self, request: AnyRequest, db_session: DatabaseSession, viewer: Viewer, now: Now, today: Today, idea: IdeaRef
    ) -> Template | Redirect:
        """A cost of putting the idea in place (managers of its division)."""
        values = await form_values(request)
        recording = idea_costs.record_cost(db_session, viewer, idea.id, cost_input(values), now=now, today=today)
        return await self._answer(
            request,
            db_session,
            viewer,
            idea,
            recording,
            message="The cost has been recorded",
            anchor="#costs",
            values=values,
            # The savings form on the same page has its own kind and grade.
            renamed={"kind": "cost_kind", "grade": "cost_grade"},
        )

    @post("/{reference:str}/costs/{cost_id:uuid}/remove")
    async def remove_cost(
        self,
        request: AnyRequest,
        db_session: DatabaseSession,
        viewer: Viewer,
        now: Now,
        idea: IdeaRef,
        cost_id: FromPath[uuid.UUID],
    ) -> Template | Redirect:
        removing = idea_costs.remove_cost(db_session, viewer, idea.id, cost_id, now=now)
        return await self._answer(
            request, db_session, viewer, idea, removing, message="The cost has been removed", anchor="#costs"
        )

    @post("/{reference:str}/metrics", opt={"draft": "Your link to a measure"})
    async def link_metric(
        self, request: AnyRequest, db_session: DatabaseSession, viewer: Viewer, now: Now, today: Today, idea: IdeaRef
    ) -> Template | Redirect:
        """Judge the idea by a measure of its division, from the date of the change."""
        values = await form_values(request)
        metric_id, change_date = values.get("link_metric_id", ""), values.get("metric_change_date", "")
        role = values.get("metric_role", "")
        linking = impact.link_metric(
            db_session, viewer, idea.id, metric_id, change_date, now=now, today=today, role=role
        )
        return await self._answer(
            request,
            db_session,
            viewer,
            idea,
            linking,
            message="The measure has been linked: its before and after are below",
            anchor="#impact",
            values=values,
            conflicts=False,
            # The savings form on the same page has its own measure and date fields.
            renamed={"change_date": "metric_change_date", "metric_id": "link_metric_id", "role": "metric_role"},
        )

    @post("/{reference:str}/metrics/{link_id:uuid}/remove")
    async def unlink_metric(
        self,
        request: AnyRequest,
        db_session: DatabaseSession,
        viewer: Viewer,
        now: Now,
        idea: IdeaRef,
        link_id: FromPath[uuid.UUID],
    ) -> Redirect:
        await impact.unlink_metric(db_session, viewer, idea.id, link_id, now=now)
        flash(request, "The measure is no longer linked to this idea (its readings are kept)")
        return see_other(f"/ideas/{idea.reference}#impact")

    @post("/{reference:str}/public-summary", opt={"draft": "Your summary for the public"})
    async def write_public_summary(
        self, request: AnyRequest, db_session: DatabaseSession, viewer: Viewer, idea: IdeaRef
    ) -> Template | Redirect:
        """What the force's public results page says of the implemented idea (managers of its division)."""
        values = await form_values(request)
        writing = decisions.write_public_summary(
            db_session, viewer, idea.id, values.get("public_summary", ""), seen_version=_version(values)
        )

        def said(summary: str) -> str:
            if summary:
                return "The summary for the public is saved: the force's results page shows it once published"
            return "The idea has no summary for the public: the results page shows its title alone"

        return await self._answer(
            request, db_session, viewer, idea, writing, message=said, anchor="#public-summary", values=values
        )

    @post("/{reference:str}/adopt")
    async def adopt(
        self, request: AnyRequest, db_session: DatabaseSession, viewer: Viewer, now: Now, idea: IdeaRef
    ) -> Template | Redirect:
        return await answer_form(
            request,
            decisions.adopt(db_session, viewer, idea.id, now),
            message=lambda adopted: f"Adopted as {adopted}: your division’s managers will see it",
            done=lambda adopted: f"/ideas/{adopted}",
            again=lambda errors: self._show(request, db_session, viewer, idea.reference, errors=errors),
        )

    @post("/{reference:str}/comments", opt={"draft": "Your comment"})
    async def comment(
        self, request: AnyRequest, db_session: DatabaseSession, viewer: Viewer, now: Now, idea: IdeaRef
    ) -> Template | Redirect:
        values = await form_values(request)
        commenting = services.add_comment(db_session, viewer, idea.id, values.get("body", ""), now)
        return await self._answer(
            request,
            db_session,
            viewer,
            idea,
            commenting,
            message="Your comment has been added",
            anchor="#timeline",
            values=values,
            conflicts=False,
        )

    @post("/{reference:str}/support")
    async def support(
        self, request: AnyRequest, db_session: DatabaseSession, viewer: Viewer, now: Now, idea: IdeaRef
    ) -> Template | Redirect:
        return await self._toggle(request, db_session, viewer, now, idea, "support")

    @post("/{reference:str}/follow")
    async def follow(
        self, request: AnyRequest, db_session: DatabaseSession, viewer: Viewer, now: Now, idea: IdeaRef
    ) -> Template | Redirect:
        return await self._toggle(request, db_session, viewer, now, idea, "follow")

    async def _toggle(
        self,
        request: AnyRequest,
        db_session: DatabaseSession,
        viewer: Viewer,
        now: Now,
        idea: IdeaReference,
        what: Literal["support", "follow"],
    ) -> Template | Redirect:
        """Support or follow an idea, or stop: the form says which with ``support``/``follow`` = yes or no."""
        values = await form_values(request)
        wanted = values.get(what, "yes") == "yes"
        toggling: Awaitable[object]
        if what == "support":
            toggling = services.set_support(db_session, viewer, idea.id, support=wanted, now=now)
        else:
            toggling = services.set_follow(db_session, viewer, idea.id, follow=wanted, now=now)

        async def fragment(_toggled: object) -> Template:
            detail = await services.get_idea(db_session, viewer, idea.id)
            return page(request, "ideas/_support.html", {"idea": detail}, fragment="ideas/_support.html")

        return await answer_form(
            request,
            toggling,
            message=_TOGGLE_MESSAGES[(what, wanted)],
            done=f"/ideas/{idea.reference}",
            fragment=fragment,
        )

    @get("/{reference:str}/edit")
    async def edit_form(
        self, request: AnyRequest, db_session: DatabaseSession, viewer: Viewer, idea: IdeaRef
    ) -> Template:
        detail = await services.get_idea(db_session, viewer, idea.id)
        if not detail.editable_by_viewer:
            raise NotFound("idea")
        values = {
            "title": detail.title,
            "problem": detail.problem,
            "proposal": detail.proposal,
            "expected_benefit": detail.expected_benefit,
            "process": detail.process,
            "waste_types": [waste.value for waste in detail.waste_types],
        }
        return page(request, "ideas/edit.html", _idea_form_context(values, {}, idea=detail))

    @post("/{reference:str}/edit", opt={"draft": "Your change to the idea"})
    async def edit(
        self, request: AnyRequest, db_session: DatabaseSession, viewer: Viewer, now: Now, idea: IdeaRef
    ) -> Template | Redirect:
        data, values = await _idea_input(request)

        async def again(errors: dict[str, str]) -> Template:
            detail = await services.get_idea(db_session, viewer, idea.id)
            return page(request, "ideas/edit.html", _idea_form_context(values, errors, idea=detail))

        return await answer_form(
            request,
            services.edit_idea(db_session, viewer, idea.id, data, now),
            message="Your idea has been changed",
            done=f"/ideas/{idea.reference}",
            again=again,
        )

    @post("/{reference:str}/withdraw", opt={"draft": "Your withdrawal"})
    async def withdraw(
        self, request: AnyRequest, db_session: DatabaseSession, viewer: Viewer, now: Now, today: Today, idea: IdeaRef
    ) -> Template | Redirect:
        """The person who raised the idea withdraws it: the same workflow move as the API's."""
        values = await form_values(request)
        move = MoveRequest(to=IdeaStatus.WITHDRAWN.value, reason=values.get("reason", ""))
        withdrawing = decisions.move_idea(
            db_session, viewer, idea.id, move, seen_version=_version(values), now=now, today=today
        )
        message = "Your idea has been withdrawn. It stays on the record, marked as withdrawn."
        return await self._answer(request, db_session, viewer, idea, withdrawing, message=message, values=values)


@get("/my-ideas", include_in_schema=False, name="my_ideas")
async def my_ideas(request: AnyRequest, db_session: DatabaseSession, viewer: Viewer) -> Template:
    return page(request, "ideas/mine.html", {"ideas": await services.my_ideas(db_session, viewer)})


@get("/triage", include_in_schema=False, name="triage")
async def triage_page(
    request: AnyRequest, db_session: DatabaseSession, viewer: Viewer, now: Now, page_number: PageNumber = 1
) -> Template:
    """The division's open ideas by status, oldest first, a page at a time, with their response SLA
    (managers)."""
    found = await decisions.triage(db_session, viewer, now, page_number)
    return page(request, "ideas/triage.html", {"triage": found})
