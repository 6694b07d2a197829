"""The demo's URLs, with django-allauth's under /oauth/ (tests/oauth_settings.py)."""

from django.urls import include, path

from chatsite.urls import urlpatterns as demo_urlpatterns

urlpatterns = [*demo_urlpatterns, path("oauth/", include("allauth.urls"))]
