"""The Litestar application factory."""

from __future__ import annotations

import datetime

from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig, SQLAlchemyPlugin
from litestar import Litestar, Router
from litestar.config.csrf import CSRFConfig
from litestar.exceptions import HTTPException
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme
from litestar.plugins.htmx import HTMXPlugin
from litestar.routes import HTTPRoute
from litestar.static_files import create_static_files_router

from quest import __version__
from quest.accounts.api import MeApi
from quest.accounts.authentication import (
    ANSWERS_ANYONE,
    AuthenticationMiddleware,
    CsrfMiddleware,
    current_user,
    require_sign_in,
)
from quest.accounts.drafts import DraftMiddleware
from quest.accounts.invitation_pages import InvitationPages
from quest.accounts.sessions import SessionPolicy
from quest.accounts.users_api import UsersApi
from quest.accounts.web import AccountPages, SignInPages, UserPages
from quest.audit.api import AuditApi
from quest.audit.web import AuditPages
from quest.clock import Clock, SystemClock
from quest.config import Settings, load_settings
from quest.dashboards.division_api import DashboardApi
from quest.dashboards.division_web import division_dashboard_page
from quest.dashboards.forces_figures import ForcesFigures
from quest.dashboards.headquarters_api import HeadquartersDashboardApi
from quest.dashboards.headquarters_web import force_dashboard_page, my_dashboard, national_dashboard_page
from quest.dashboards.public_web import public_results_api, public_results_page
from quest.db import create_engine, create_session_maker
from quest.errors import QuestError
from quest.exports.api import ExportApi
from quest.home.api import HomeApi
from quest.home.web import home
from quest.ideas.api import IdeaApi, IdeaWorkflowApi
from quest.ideas.decisions_api import IdeaDecisionsApi
from quest.ideas.practice_api import PracticeApi
from quest.ideas.practice_web import PracticePages
from quest.ideas.web import IdeaPages, my_ideas, triage_page
from quest.ideas.worklists_api import MyIdeasApi, TriageApi
from quest.imports.api import ImportApi
from quest.imports.web import ImportPages
from quest.logs import configure_logging
from quest.metrics.api import MetricApi
from quest.metrics.backlogs_api import BacklogApi
from quest.metrics.kept import KeptReadings
from quest.metrics.readings_web import ReadingPages
from quest.metrics.web import BacklogPages, MetricPages
from quest.notifications import email, sender
from quest.notifications.api import NotificationApi
from quest.notifications.services import describe, unread_count_of
from quest.notifications.web import NotificationPages
from quest.org.api import ForceApi
from quest.org.settings_api import ForceSettingsApi, RateCardApi
from quest.org.settings_web import ForceSettingsPages
from quest.org.web import ForcePages
from quest.paths import STATIC_DIR
from quest.savings.api import CostsApi, SavingsApi
from quest.savings.audit_pack.web import AuditPackApi, AuditPackPages
from quest.savings.reports_api import SavingsReportsApi
from quest.savings.reports_web import SavingsReportPages
from quest.savings.web import SavingsPages
from quest.waste.api import WasteApi
from quest.waste.web import WastePages
from quest.web.allowed_hosts import AllowedHostsMiddleware
from quest.web.api_schema import CompletedJsonSchema
from quest.web.collector import freeze_start_up_objects, thaw_start_up_objects
from quest.web.dependencies import PROVIDED
from quest.web.errors import (
    http_exception_handler,
    internal_error_handler,
    quest_error_handler,
    undecodable_input_handler,
)
from quest.web.flash import FlashMiddleware, take_flash
from quest.web.health import healthz
from quest.web.pages import UNREAD, can, navigation, static_url, unread_notifications
from quest.web.request_context import RequestContextMiddleware
from quest.web.security_headers import SecurityHeadersMiddleware
from quest.web.state import CLOCK, FORCES_FIGURES, KEPT_READINGS, SESSION_MAKER, SESSION_POLICY
from quest.web.templating import template_config
from quest.web.text_input import TextInputMiddleware

# The largest request body QUEST accepts (imports included): larger ones get 413.
MAX_REQUEST_BODY_BYTES = 10 * 1024 * 1024
PUBLIC = {"public": True}


def allow_every_method_of_each_path(app: Litestar) -> None:
    """An OPTIONS request's ``Allow`` names every method of its path. Litestar builds a path's route
    again as each controller's handlers are added, and its OPTIONS answer stays bound to the first build,
    naming only the methods registered by then (``OPTIONS, POST`` for ``/api/v1/ideas``): each is bound
    to its final route here."""
    for route in app.routes:
        if isinstance(route, HTTPRoute) and "OPTIONS" in route.route_handler_map:
            options, _ = route.route_handler_map["OPTIONS"]
            closure = getattr(options.fn, "__closure__", None) or ()
            for cell in closure:
                if isinstance(cell.cell_contents, HTTPRoute):
                    cell.cell_contents = route


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> Litestar:
    """Build the application. Settings are read from the environment unless given."""
    settings = settings or load_settings()
    engine = create_engine(settings)

    database = SQLAlchemyAsyncConfig(
        engine_instance=engine,
        # Services commit their own work, so a failed commit is an error the handler sees, never a
        # 2xx or a redirect sent for work that was rolled back. This handler only closes the session.
        before_send_handler=None,
        session_dependency_key="db_session",
        engine_dependency_key="db_engine",
    )
    database.session_config.expire_on_commit = False

    templates = template_config()
    templates.engine_instance.engine.globals.update(
        {
            "navigation": navigation,
            "static_url": static_url,
            "take_flash": take_flash,
            "current_user": current_user,
            "can": can,
            "unread_notifications": unread_notifications,
            "describe": describe,
        }
    )
    csrf = CSRFConfig(
        secret=settings.secret_key,
        cookie_name="quest_csrf",
        header_name="x-csrftoken",
        cookie_secure=settings.is_production,
        cookie_httponly=True,
        cookie_samesite="lax",
    )

    app = Litestar(
        route_handlers=[
            home,
            healthz,
            SignInPages,
            AccountPages,
            UserPages,
            AuditPages,
            ForcePages,
            IdeaPages,
            PracticePages,
            my_ideas,
            triage_page,
            SavingsPages,
            AuditPackPages,
            SavingsReportPages,
            ForceSettingsPages,
            force_dashboard_page,
            national_dashboard_page,
            my_dashboard,
            public_results_page,
            NotificationPages,
            division_dashboard_page,
            WastePages,
            BacklogPages,
            MetricPages,
            ReadingPages,
            ImportPages,
            InvitationPages,
            ForceApi,
            MeApi,
            UsersApi,
            IdeaApi,
            IdeaWorkflowApi,
            IdeaDecisionsApi,
            TriageApi,
            MyIdeasApi,
            HomeApi,
            PracticeApi,
            SavingsApi,
            CostsApi,
            AuditPackApi,
            SavingsReportsApi,
            RateCardApi,
            ForceSettingsApi,
            WasteApi,
            MetricApi,
            BacklogApi,
            ImportApi,
            ExportApi,
            NotificationApi,
            AuditApi,
            DashboardApi,
            HeadquartersDashboardApi,
            public_results_api,
            create_static_files_router(
                path="/static",
                directories=[STATIC_DIR],
                include_in_schema=False,
                cache_control=None,
                opt=ANSWERS_ANYONE,
            ),
        ],
        plugins=[SQLAlchemyPlugin(config=database), HTMXPlugin()],
        # In this order: who is asking, with their unread notifications for a page's header (one statement);
        # the CSRF check; refusing what is not text (quest.text); then keeping or giving back a form's draft.
        middleware=[
            AuthenticationMiddleware(page_facts={UNREAD: unread_count_of}),
            DefineMiddleware(CsrfMiddleware, config=csrf),
            TextInputMiddleware(),
            DraftMiddleware(),
        ],
        guards=[require_sign_in],
        # Every handler may declare these by name (see quest.web.dependencies).
        dependencies=PROVIDED,
        template_config=templates,
        exception_handlers={
            QuestError: quest_error_handler,
            HTTPException: http_exception_handler,
            UnicodeDecodeError: undecodable_input_handler,
            LookupError: undecodable_input_handler,
            Exception: internal_error_handler,
        },
        openapi_config=OpenAPIConfig(
            title="QUEST API",
            version=__version__,
            description=(
                "The JSON API of QUEST, the Lean improvement tracker. Authenticate with "
                "'Authorization: Bearer <token>' (make a token on your account page or with "
                "'quest tokens create'). Money is a decimal string in pounds."
            ),
            path="/schema",
            render_plugins=[CompletedJsonSchema()],
            openapi_router=Router(path="/schema", route_handlers=[], opt=PUBLIC, include_in_schema=False),
            components=Components(security_schemes={"BearerToken": SecurityScheme(type="http", scheme="bearer")}),
            security=[{"BearerToken": []}],
        ),
        request_max_body_size=MAX_REQUEST_BODY_BYTES,
        logging_config=None,
        debug=False,
        on_startup=[sender.start_with_app],
        on_shutdown=[sender.stop_with_app],
    )
    allow_every_method_of_each_path(app)
    app.state[SESSION_MAKER] = create_session_maker(engine)
    prepare(app, settings, clock=clock)
    # Outside Litestar's routing, so that every response, a 404 included, passes through them.
    app.asgi_handler = RequestContextMiddleware(
        SecurityHeadersMiddleware(
            AllowedHostsMiddleware(
                FlashMiddleware(app.asgi_handler, secret_key=settings.secret_key, secure=settings.is_production),
                settings.allowed_hosts,
            ),
            production=settings.is_production,
        )
    )
    return app


def serving_app(settings: Settings | None = None) -> Litestar:
    """The app as ``quest serve`` runs it in each worker process: :func:`create_app`, with what start-up made
    left out of the garbage collector's passes while it serves (:mod:`quest.web.collector`). Freezing
    begins with a full collection, a fifth of a second in a large process, which a server pays once and a
    test that starts an app would pay every time, so it belongs to serving, not to every app."""
    app = create_app(settings)
    app.on_startup.append(freeze_start_up_objects)
    app.on_shutdown.append(thaw_start_up_objects)
    return app


def prepare(app: Litestar, settings: Settings, *, clock: Clock | None = None) -> None:
    """What a run of the app starts with, apart from its routes and database: its settings and clock,
    empty caches, and this process's logging and email set up from the settings. :func:`create_app`
    calls it once; the tests call it again on an app they built once (building registers every handler,
    a large part of a second), so that each test starts as from a new app."""
    configure_logging(settings)
    email.configure(settings)
    app.state.settings = settings
    app.state[CLOCK] = clock or SystemClock()
    app.state[SESSION_POLICY] = SessionPolicy(
        idle=datetime.timedelta(minutes=settings.session_idle_minutes),
        lifetime=datetime.timedelta(hours=settings.session_max_hours),
    )
    app.state[FORCES_FIGURES] = ForcesFigures(settings.national_figures_seconds)
    app.state[KEPT_READINGS] = KeptReadings()
