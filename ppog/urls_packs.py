"""The PCC's briefing pack, spliced into ppog.urls under /ppog/<meeting_id>/<slug>/.

Reading, previewing and downloading are open to everyone who may see the force's case; the
views and ppog.packs decide who drafts, comments, approves and renders."""

from django.urls import path

from ppog.views import packs

urlpatterns: list = [
    path("pack/", packs.pack_detail, name="pack"),
    path("pack/edit/", packs.pack_edit, name="pack-edit"),
    path("pack/sections/", packs.pack_sections, name="pack-sections"),
    path("pack/questions/", packs.pack_questions, name="pack-questions"),
    path("pack/questions/<int:question_id>/delete/", packs.pack_question_delete,
         name="pack-question-delete"),
    path("pack/status/", packs.pack_status, name="pack-status"),
    path("pack/approve/", packs.pack_approve, name="pack-approve"),
    path("pack/comments/", packs.pack_comment, name="pack-comment"),
    path("pack/preview/", packs.pack_preview, name="pack-preview"),
    path("pack/renders/", packs.pack_render, name="pack-render"),
    path("pack/renders/<int:render_id>/", packs.pack_render_status, name="pack-render-status"),
    path("pack/renders/<int:render_id>/pdf/", packs.pack_download, name="pack-download"),
    path("pack/issued/<int:issued_id>/", packs.pack_issued, name="pack-issued"),
]
