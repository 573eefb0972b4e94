from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("profil/", views.profile, name="profile"),
    path("profil/meine-daten/", views.data_download, name="data_download"),
    path("profil/loeschen/", views.delete_account, name="delete"),
    path("api-token/", views.api_token, name="api_token"),
    path("api-token/neu/", views.api_token_regenerate, name="api_token_regenerate"),
]
