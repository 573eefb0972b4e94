from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import JavaScriptCatalog, set_language
from drf_spectacular.views import SpectacularAPIView

from werkstatt.network.api import ApiDocsView
from werkstatt.web.api import ApiIndexView, redoc_bundle
from werkstatt.web.views import favicon

urlpatterns = [
    # Without a CSRF token: choosing a language changes nothing but the language, and pages
    # without per-visitor tokens can be cached for all anonymous visitors (web/page_cache.py).
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("api/v1/", ApiIndexView.as_view(), name="api-index"),
    path("api/v1/", include("werkstatt.network.api_urls")),
    path("api/v1/", include("werkstatt.accounts.api_urls")),
    path("api/v1/strategie/", include("werkstatt.strategy.api_urls")),
    path("api/v1/meinungsbild/", include("werkstatt.opinions.api_urls")),
    path("api/v1/lieferketten/", include("werkstatt.supply.api_urls")),
    path("api/v1/veranstaltungen/", include("werkstatt.events.api_urls")),
    path("api/v1/benachrichtigungen/", include("werkstatt.notifications.api_urls")),
    path("api/v1/bewertung/", include("werkstatt.assessment.api_urls")),
    path("api/v1/umsetzung/", include("werkstatt.monitoring.api_urls")),
    path("api/v1/b2b/", include("werkstatt.matchmaking.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", ApiDocsView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/docs/redoc/bundles/redoc.standalone.js", redoc_bundle, name="api-docs-redoc"),
    # Browsers ask for /favicon.ico where a page names no icon (JSON, the API docs).
    path("favicon.ico", favicon, name="favicon"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
]
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("konto/", include("allauth.urls")),
    path("konto/", include("werkstatt.accounts.urls")),
    path("jobs/", include("werkstatt.jobs.urls")),
    path("netzwerk/", include("werkstatt.network.urls")),
    path("strategie/", include("werkstatt.strategy.urls")),
    path("meinungsbild/", include("werkstatt.opinions.urls")),
    path("lieferketten/", include("werkstatt.supply.urls")),
    path("veranstaltungen/", include("werkstatt.events.urls")),
    path("benachrichtigungen/", include("werkstatt.notifications.urls")),
    path("bewertung/", include("werkstatt.assessment.urls")),
    path("umsetzung/", include("werkstatt.monitoring.urls")),
    path("b2b/", include("werkstatt.matchmaking.urls")),
    path("", include("werkstatt.web.urls")),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Unknown addresses under /api/ answer in JSON, all others with our 404 and 500 pages.
handler404 = "werkstatt.web.views.page_not_found"
handler500 = "werkstatt.web.views.server_error"
