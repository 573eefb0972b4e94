from django.urls import path  # noqa: F401

app_name = "network"
urlpatterns: list = []

# Organisation pages (views/organisations.py).
from .views import organisations as org_views  # noqa: E402

urlpatterns += [
    path("neu/", org_views.organisation_create, name="organisation_create"),
    path("meine/", org_views.my_organisations, name="my_organisations"),
    path("anfragen/", org_views.membership_requests, name="membership_requests"),
    path("o/<slug:slug>/", org_views.organisation_detail, name="organisation"),
    path("o/<slug:slug>/bearbeiten/", org_views.organisation_edit, name="organisation_edit"),
    path("o/<slug:slug>/standorte/", org_views.organisation_sites, name="organisation_sites"),
    path("o/<slug:slug>/standorte/<int:pk>/", org_views.site_edit, name="site_edit"),
    path("o/<slug:slug>/standorte/<int:pk>/loeschen/", org_views.site_delete, name="site_delete"),
    path("o/<slug:slug>/kontakte/", org_views.organisation_contacts, name="organisation_contacts"),
    path("o/<slug:slug>/kontakte/<int:pk>/", org_views.contact_edit, name="contact_edit"),
    path(
        "o/<slug:slug>/kontakte/<int:pk>/loeschen/", org_views.contact_delete, name="contact_delete"
    ),
    path("o/<slug:slug>/mitglieder/", org_views.organisation_members, name="organisation_members"),
    path(
        "o/<slug:slug>/mitglieder/<int:pk>/", org_views.membership_action, name="membership_action"
    ),
    path("o/<slug:slug>/beitreten/", org_views.organisation_join, name="organisation_join"),
    path("o/<slug:slug>/vertreten/", org_views.organisation_claim, name="organisation_claim"),
    path("o/<slug:slug>/austreten/", org_views.organisation_leave, name="organisation_leave"),
    path("o/<slug:slug>/verlauf/", org_views.organisation_history, name="organisation_history"),
]

# Import of member lists (views/imports.py).
from .views import imports as import_views  # noqa: E402

urlpatterns += [
    path("import/", import_views.import_upload, name="import_upload"),
    path("import/<int:pk>/zuordnung/", import_views.import_mapping, name="import_mapping"),
    path("import/<int:pk>/vorschau/", import_views.import_preview, name="import_preview"),
    path("import/<int:pk>/uebernehmen/", import_views.import_commit, name="import_commit"),
    path("import/<int:pk>/bericht/", import_views.import_report, name="import_report"),
]

# The directory: search, facets, radius, map (views/directory.py).
from .views import directory as directory_views  # noqa: E402

urlpatterns += [
    path("", directory_views.directory, name="directory"),
    path("karte.geojson", directory_views.directory_geojson, name="directory_geojson"),
]
