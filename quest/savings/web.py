"""HTML pages for savings: the ledger and totals by financial year, and the validators' queue. (A force's
settings and rate card are the organisation's: quest.org.settings_web.)"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar
from urllib.parse import urlencode

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Stream, Template

from quest import fields
from quest.accounts import access
from quest.accounts.access import Permission
from quest.exports import tables
from quest.exports.downloads import DownloadFormat, export_download
from quest.exports.tables import ExportScope
from quest.savings import services
from quest.savings.audit_pack.pack import forces_to_pack
from quest.savings.baselines import claim_in_full
from quest.savings.claim_evidence import evidence_of
from quest.savings.ledger import double_count_groups, ledger_for_force
from quest.savings.rules import ClaimStatus, financial_year
from quest.web.dependencies import DatabaseSession, Now, Today, Viewer
from quest.web.flash import flash
from quest.web.forms import answer_form, form_values
from quest.web.pages import FIRST_YEAR, LAST_YEAR, FinancialYear, PageNumber, page, page_sent

Outcome = TypeVar("Outcome")
AnyRequest = Request[Any, Any, Any]


def _chosen_status(viewer: Any, status: str | None) -> ClaimStatus | None:
    """The claims' status /savings shows: the one asked for; by default, for a validator, those claimed
    (waiting for them); otherwise all."""
    if status in {member.value for member in ClaimStatus}:
        return ClaimStatus(status)
    return ClaimStatus.CLAIMED if access.may(viewer, Permission.VALIDATE_SAVINGS) and status is None else None


class SavingsPages(Controller):
    path = "/savings"
    include_in_schema = False

    @get("/", name="savings")
    async def ledger(
        self,
        request: AnyRequest,
        db_session: DatabaseSession,
        viewer: Viewer,
        today: Today,
        fy: FinancialYear = None,
        status: FromQuery[str | None] = None,
        page_number: PageNumber = 1,
        download: DownloadFormat = None,
    ) -> Template | Stream:
        """The year's claims and totals; or (``format=csv`` or ``xlsx``) every claim the page lists."""
        if download is not None:
            found = tables.savings(
                db_session,
                viewer,
                ExportScope(),
                year=fy or financial_year(today),
                status=_chosen_status(viewer, status),
            )
            return await export_download(request, download, found)
        return await self._page(request, db_session, viewer, today, fy, status, page_number)

    @get("/double-counts", name="double-counts")
    async def double_counts(
        self, request: AnyRequest, db_session: DatabaseSession, viewer: Viewer, page_number: PageNumber = 1
    ) -> Template:
        """The possible double counts in reach, a group at a time, paged."""
        found = await double_count_groups(db_session, viewer, page_number)
        return page(request, "savings/double_counts.html", {"double_counts": found})

    async def _page(
        self,
        request: AnyRequest,
        db_session: DatabaseSession,
        viewer: Viewer,
        today: Today,
        fy: int | None,
        status: str | None,
        page_number: int,
        *,
        errors: dict[str, str] | None = None,
        values: dict[str, str] | None = None,
    ) -> Template:
        current_year = financial_year(today)
        year = fy or current_year
        validating = access.may(viewer, Permission.VALIDATE_SAVINGS)
        chosen = _chosen_status(viewer, status)
        ledger = await ledger_for_force(db_session, viewer, year, status=chosen, page=page_number)
        evidence = await evidence_of(db_session, ledger.claims)
        return page(
            request,
            "savings/index.html",
            {
                "ledger": ledger,
                "evidence": evidence,
                "year": year,
                "years": list(range(current_year - 3, current_year + 2)),
                "status": chosen.value if chosen else "",
                "query": urlencode({"fy": year, "status": chosen.value if chosen else ""}),
                "validating": validating,
                "viewer_id": viewer.id,
                # The audit pack of the year: None for those who may have none, the forces to choose from.
                "pack_forces": await forces_to_pack(db_session, viewer),
                "errors": errors or {},
                "values": values or {},
            },
        )

    @post("/{claim_id:uuid}/decision")
    async def decide(
        self,
        request: AnyRequest,
        db_session: DatabaseSession,
        viewer: Viewer,
        now: Now,
        today: Today,
        claim_id: FromPath[uuid.UUID],
    ) -> Template | Redirect:
        """A validator's decision, and perhaps the grade of a claim validated."""
        values = await form_values(request)
        return await self._answer_on_claim(
            request,
            db_session,
            viewer,
            today,
            claim_id,
            values,
            services.decide_claim(
                db_session,
                viewer,
                claim_id,
                values.get("decision", ""),
                values.get("note", ""),
                now=now,
                seen_version=fields.read_whole(values.get("version", "")),
                grade=values.get("grade", ""),
                grade_reason=values.get("grade_reason", ""),
            ),
            message=lambda outcome: f"The saving has been {outcome.value}. The division has been told.",
        )

    @post("/{claim_id:uuid}/grade")
    async def grade(
        self,
        request: AnyRequest,
        db_session: DatabaseSession,
        viewer: Viewer,
        now: Now,
        today: Today,
        claim_id: FromPath[uuid.UUID],
    ) -> Template | Redirect:
        """A validator grades a validated claim's evidence."""
        values = await form_values(request)
        return await self._answer_on_claim(
            request,
            db_session,
            viewer,
            today,
            claim_id,
            values,
            services.grade_claim(
                db_session,
                viewer,
                claim_id,
                values.get("grade", ""),
                values.get("reason", ""),
                now=now,
                seen_version=fields.read_whole(values.get("version", "")),
            ),
            message=lambda graded: f"The evidence has been graded “{graded.label.lower()}”.",
            # The service's reason is the form's "reason".
            fields_named={"grade_reason": "reason"},
        )

    async def _answer_on_claim(
        self,
        request: AnyRequest,
        db_session: DatabaseSession,
        viewer: Viewer,
        today: Today,
        claim_id: uuid.UUID,
        values: dict[str, str],
        action: Awaitable[Outcome],
        *,
        message: Callable[[Outcome], str],
        fields_named: dict[str, str] | None = None,
    ) -> Template | Redirect:
        """A validator's form on one claim, from the ledger's list or the claim's own page (``back``): done,
        back where it came from; refused, that page again with the errors on the claim's fields (on the
        list, named by its id)."""
        named = fields_named or {}
        if values.get("back") == "claim":

            def again_on_claim(errors: dict[str, str]) -> Awaitable[Template]:
                errors = {named.get(field, field): problem for field, problem in errors.items()}
                return self._claim_page(request, db_session, viewer, today, claim_id, errors=errors, values=values)

            def conflict_on_claim(problem: str) -> Awaitable[Template]:
                flash(request, problem, "info")
                return self._claim_page(request, db_session, viewer, today, claim_id)

            return await answer_form(
                request,
                action,
                message=message,
                done=f"/savings/{claim_id}",
                again=again_on_claim,
                conflict=conflict_on_claim,
            )
        year = fields.read_whole(values.get("fy", ""), least=FIRST_YEAR, most=LAST_YEAR)
        shown = values.get("status", "claimed")
        page_number = page_sent(values)
        back = {"fy": year or "", "status": shown} | ({"page": page_number} if page_number > 1 else {})

        def again(errors: dict[str, str]) -> Awaitable[Template]:
            errors = {f"{named.get(field, field)}-{claim_id}": problem for field, problem in errors.items()}
            return self._page(
                request, db_session, viewer, today, year, shown, page_number, errors=errors, values=values
            )

        def conflict(problem: str) -> Awaitable[Template]:
            flash(request, problem, "info")
            return self._page(request, db_session, viewer, today, year, shown, page_number)

        return await answer_form(
            request, action, message=message, done="/savings?" + urlencode(back), again=again, conflict=conflict
        )

    @get("/{claim_id:uuid}")
    async def claim(
        self,
        request: AnyRequest,
        db_session: DatabaseSession,
        viewer: Viewer,
        today: Today,
        claim_id: FromPath[uuid.UUID],
    ) -> Template:
        """One claim in full: the evidence behind it (its measure's baseline among it), and a validator's
        decision and grade."""
        return await self._claim_page(request, db_session, viewer, today, claim_id)

    async def _claim_page(
        self,
        request: AnyRequest,
        db_session: DatabaseSession,
        viewer: Viewer,
        today: Today,
        claim_id: uuid.UUID,
        *,
        errors: dict[str, str] | None = None,
        values: dict[str, str] | None = None,
    ) -> Template:
        found = await claim_in_full(db_session, viewer, claim_id, today=today)
        claim = found.claim
        # The claim is in the viewer's reach: a validator's is their force, where they validate.
        validating = access.may(viewer, Permission.VALIDATE_SAVINGS)
        refusal = claim.decider_refusal(viewer.id) if validating else None
        return page(
            request,
            "savings/claim.html",
            {
                "claim": claim,
                "evidence": found.evidence,
                "baseline": found.baseline,
                "may_decide": validating and refusal is None and claim.awaits_decision,
                "may_grade": validating and refusal is None and claim.status is ClaimStatus.VALIDATED,
                "refusal": refusal,
                "errors": errors or {},
                "values": values or {},
            },
        )
