"""A force's own view of the APCC's support offers, spliced into oversight/urls.py under
/forces/<slug>/: read by anyone who may see the case, answered by the force's OPCC staff."""

from django.urls import path

from oversight.views import apcc

urlpatterns = [
    path("support/", apcc.support, name="support"),
    path("support/<int:offer_id>/respond/", apcc.support_respond, name="support-respond"),
]
