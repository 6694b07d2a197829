"""The chat page: one HTML page per chat app, which speaks to that app's socket."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.views.decorators.csrf import ensure_csrf_cookie

from ..accounts.embed import allowed_origins
from ..conf import get_config
from ..wire.frames import codes_for_the_page
from .page_strings import page_catalog


@ensure_csrf_cookie
def chat_page(request: HttpRequest, app: str = "default") -> HttpResponse:
    """Renders the chat page of app; not logged in, the user goes to log in first. With
    ?client=copilot it is a copilot's (the chat in a frame of another page of the site,
    page_url and page_object saying which page and what it shows). With ?embed=1 as well,
    it is the chat embedded in a page of another site (EMBED_ORIGINS): the page is the
    same for everyone, and logs in with the token its host page hands it."""
    config = get_config()
    if app not in config["APPS"]:
        raise Http404(f"No chat app named {app!r}")
    copilot = request.GET.get("client") == "copilot"
    embedded = copilot and request.GET.get("embed") == "1"
    if not embedded and not request.user.is_authenticated and not config["ALLOW_ANONYMOUS"]:
        return redirect_to_login(request.get_full_path())
    socket_path = "/ws/chat/" if app == "default" else f"/ws/chat/{app}/"
    # An anonymous visitor (ALLOW_ANONYMOUS) has no history: the page then has no sidebar.
    history_url = files_url = ""
    namespace = request.resolver_match.namespace if request.resolver_match else None
    if embedded or request.user.is_authenticated:
        history_url = reverse("chatsessions:chat-list", args=[app], current_app=namespace)
        # The page puts the chat's id in place of the zero one.
        files_url = reverse("chatsessions:chat-files", args=[app, uuid.UUID(int=0)], current_app=namespace)
    own_origin = f"{request.scheme}://{request.get_host()}"
    response = render(
        request,
        "chatsessions/chat.html",
        {
            # A copilot's page is the chat alone, outside the project's layout.
            "base_template": "chatsessions/bare.html" if copilot else "chatsessions/base.html",
            "app": app,
            "socket_path": socket_path,
            "login_url": resolve_url(settings.LOGIN_URL),
            "history_url": history_url,
            "files_url": files_url,
            "codes": codes_for_the_page(),
            "catalog": page_catalog(),
            "client": "copilot" if copilot else "webapp",
            "page_url": request.GET.get("page_url", ""),
            "page_object": request.GET.get("page_object", ""),
            # The pages that may host it and talk to it: this site's, and for an embedded
            # chat, the other sites' of EMBED_ORIGINS.
            "host_origins": [own_origin, *(allowed_origins() if embedded else [])],
            "embedded": embedded,
            "embed_login_url": reverse("chatsessions:embed-login", current_app=namespace) if embedded else "",
        },
    )
    policy = config["CONTENT_SECURITY_POLICY"]
    if embedded:
        # Framed by those sites alone: frame-ancestors says so (X-Frame-Options cannot).
        response.xframe_options_exempt = True
        policy = with_frame_ancestors(policy, ["'self'", *allowed_origins()])
    else:
        response["X-Frame-Options"] = "SAMEORIGIN"  # the site's own pages may frame it (the widget)
    if policy:
        response["Content-Security-Policy"] = policy
    return response


def with_frame_ancestors(policy: str | None, sources: list[str]) -> str:
    """policy with its frame-ancestors directive (added if absent) set to sources."""
    kept = [part.strip() for part in (policy or "").split(";") if part.strip()]
    kept = [part for part in kept if part.split()[0].lower() != "frame-ancestors"]
    return "; ".join([*kept, "frame-ancestors " + " ".join(sources)])
