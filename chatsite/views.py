"""The demo's own pages besides the chat page: a product page with the copilot on it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from chatsessions.conf import get_config

#: What the product page shows; its copilot's handlers read it in cl.context.session.page.
PRODUCT = {"id": 42, "name": "Blue kettle", "price": "39.00"}


@login_required
def product_page(request: HttpRequest, app: str = "copilot") -> HttpResponse:
    """A page of the site with a chat app's copilot on it ({% chat_widget %})."""
    if app not in get_config()["APPS"]:
        raise Http404(f"No chat app named {app!r}")
    return render(request, "product.html", {"app": app, "product": PRODUCT})
