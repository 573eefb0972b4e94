from django.urls import path

from .views import attachments, cooperation, demands, inquiries

app_name = "supply"
urlpatterns = [
    path("", demands.index, name="index"),
    path("passend/", demands.matching, name="matching"),
    # Demands (views/demands.py).
    path("bedarf/neu/", demands.demand_create, name="demand_create"),
    path("bedarf/<int:pk>/", demands.demand_detail, name="demand"),
    path("bedarf/<int:pk>/bearbeiten/", demands.demand_edit, name="demand_edit"),
    path("bedarf/<int:pk>/status/", demands.demand_status, name="demand_status"),
    path("bedarf/<int:pk>/frist/", demands.demand_deadline, name="demand_deadline"),
    path("bedarf/<int:pk>/anbieter/", demands.demand_ranking, name="demand_ranking"),
    path("bedarf/<int:pk>/konsortium/", demands.demand_consortium, name="demand_consortium"),
    path(
        "bedarf/<int:pk>/schritt/<int:step>/erweitern/",
        demands.demand_widen_step,
        name="demand_widen_step",
    ),
    # Drawings and documents (views/attachments.py).
    path("bedarf/<int:pk>/anhaenge/", attachments.demand_attachments, name="demand_attachments"),
    path("anhang/<int:pk>/", attachments.attachment_download, name="attachment"),
    path("anhang/<int:pk>/entfernen/", attachments.attachment_delete, name="attachment_delete"),
    # Inquiries (views/inquiries.py).
    path("bedarf/<int:pk>/anfrage/", inquiries.inquiry_create, name="inquiry_create"),
    path(
        "bedarf/<int:pk>/konsortium/anfrage/",
        inquiries.consortium_inquiry,
        name="consortium_inquiry",
    ),
    path("anfragen/", inquiries.inquiry_list, name="inquiries"),
    path("anfragen/<int:pk>/", inquiries.inquiry_detail, name="inquiry"),
    path("anfragen/<int:pk>/antwort/", inquiries.inquiry_action, name="inquiry_action"),
    # The cooperation exchange (views/cooperation.py).
    path("kooperation/", cooperation.cooperation_list, name="cooperation_list"),
    path("kooperation/neu/", cooperation.cooperation_create, name="cooperation_create"),
    path("kooperation/<int:pk>/", cooperation.cooperation_detail, name="cooperation"),
    path("kooperation/<int:pk>/bearbeiten/", cooperation.cooperation_edit, name="cooperation_edit"),
    path("kooperation/<int:pk>/beenden/", cooperation.cooperation_close, name="cooperation_close"),
    path(
        "kooperation/<int:pk>/interesse/",
        cooperation.cooperation_interest,
        name="cooperation_interest",
    ),
    path(
        "kooperation/kontakt/<int:pk>/",
        cooperation.cooperation_contact,
        name="cooperation_contact",
    ),
    path(
        "kooperation/kontakt/<int:pk>/antwort/",
        cooperation.cooperation_contact_reply,
        name="cooperation_contact_reply",
    ),
]
