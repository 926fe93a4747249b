"""The OPCC's scrutiny log, its question bank, and assured positions linked to scrutiny, under
/forces/<slug>/ (spliced into urls.py)."""

from django.urls import path

from oversight.views import scrutiny

urlpatterns: list = [
    path("scrutiny/", scrutiny.scrutiny_list, name="scrutiny-list"),
    path("scrutiny/new/", scrutiny.scrutiny_create, name="scrutiny-create"),
    path("scrutiny/<int:activity_id>/", scrutiny.scrutiny_detail, name="scrutiny-detail"),
    path("scrutiny/<int:activity_id>/edit/", scrutiny.scrutiny_edit, name="scrutiny-edit"),
    path("scrutiny/<int:activity_id>/questions/new/", scrutiny.scrutiny_question_create,
         name="scrutiny-question-create"),
    path("scrutiny/questions/<int:asked_id>/edit/", scrutiny.scrutiny_question_edit,
         name="scrutiny-question-edit"),
    path("scrutiny/<int:activity_id>/follow-ups/new/", scrutiny.follow_up_create,
         name="follow-up-create"),
    path("scrutiny/follow-ups/<int:follow_up_id>/done/", scrutiny.follow_up_done,
         name="follow-up-done"),
    path("questions/", scrutiny.question_bank, name="question-bank"),
    path("questions/new/", scrutiny.question_create, name="question-create"),
    path("questions/<int:question_id>/edit/", scrutiny.question_edit, name="question-edit"),
    path("positions/<int:position_id>/activity/", scrutiny.position_activity,
         name="position-activity"),
]
