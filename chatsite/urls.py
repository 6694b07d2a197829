"""URLs of the demo project."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from chatsite.views import product_page

urlpatterns = [
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("chat/", include("chatsessions.urls")),
    path("product/", product_page, name="product"),
    path("product/<slug:app>/", product_page, name="product-app"),
    path("admin/", admin.site.urls),
]
