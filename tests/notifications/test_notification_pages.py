"""The header's count, the list of notifications and marking them read."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone

from engage.models import Notification
from tests.conftest import signed_in
from tests.notifications.conftest import badge

BASE_HTML = Path(__file__).resolve().parents[2] / "templates" / "base.html"


def note(user, n: int = 1, *, read: bool = False, **fields) -> Notification:
    defaults = {"occurrence": f"test:{n}", "kind": "review_soon", "subject": f"Reminder {n}",
                "body": f"Body {n}", "url": "/forces/lincolnshire/case/",
                "created_at": timezone.now() - datetime.timedelta(hours=10 - n),
                "read_at": timezone.now() if read else None}
    return Notification.objects.create(user=user, **{**defaults, **fields})


def test_the_list_shows_my_notifications_newest_first_unread_marked(opcc_a, opcc_b):
    note(opcc_a, 1, read=True)
    note(opcc_a, 2)
    note(opcc_b, 3, subject="Force B secret reminder")
    response = signed_in(opcc_a).get("/notifications/")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.index("Reminder 2") < body.index("Reminder 1")
    assert body.count(">Unread</strong>") == 1
    assert 'href="/forces/lincolnshire/case/"' in body
    assert "Force B secret reminder" not in body


def test_marking_one_read_without_javascript_goes_back_to_the_list(opcc_a):
    item = note(opcc_a)
    response = signed_in(opcc_a).post(f"/notifications/{item.pk}/read/",
                                      {"next": "/notifications/?page=1"})
    assert response.status_code == 302 and response["Location"] == "/notifications/?page=1"
    item.refresh_from_db()
    assert item.read_at is not None


def test_marking_one_read_never_redirects_off_the_site(opcc_a):
    item = note(opcc_a)
    response = signed_in(opcc_a).post(f"/notifications/{item.pk}/read/",
                                      {"next": "https://evil.example/"})
    assert response["Location"] == "/notifications/"


def test_marking_one_read_with_htmx_swaps_the_item_and_the_count(opcc_a, wired):
    item = note(opcc_a, 1)
    note(opcc_a, 2)
    response = signed_in(opcc_a).post(f"/notifications/{item.pk}/read/", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and "HX-Request" in response["Vary"]
    assert f'id="notification-{item.pk}"' in body and "Marked as read" in body
    assert "<html" not in body and ">Unread</strong>" not in body
    assert 'id="notification-badge"' in body and 'hx-swap-oob="true"' in body
    assert ">1<span class=\"govuk-visually-hidden\"> unread notifications</span>" in body
    item.refresh_from_db()
    assert item.read_at is not None


def test_another_person_s_notification_is_not_found(opcc_a, opcc_b):
    theirs = note(opcc_b)
    response = signed_in(opcc_a).post(f"/notifications/{theirs.pk}/read/")
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_as_read_marks_only_mine(opcc_a, opcc_b):
    note(opcc_a, 1)
    note(opcc_a, 2)
    theirs = note(opcc_b, 3)
    response = signed_in(opcc_a).post("/notifications/read-all/")
    assert response.status_code == 302 and response["Location"] == "/notifications/"
    assert not Notification.objects.filter(user=opcc_a, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_as_read_with_htmx_returns_the_list(opcc_a, wired):
    note(opcc_a, 1)
    response = signed_in(opcc_a).post("/notifications/read-all/", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'id="notification-list"' in body and "Mark all as read" not in body
    assert "<html" not in body and 'id="notification-badge"' in body


def test_marking_read_needs_a_post(opcc_a):
    item = note(opcc_a)
    assert signed_in(opcc_a).get(f"/notifications/{item.pk}/read/").status_code == 405
    assert signed_in(opcc_a).get("/notifications/read-all/").status_code == 405


def test_signed_out_people_are_sent_to_sign_in(opcc_a):
    item = note(opcc_a)
    for url in ("/notifications/", f"/notifications/{item.pk}/read/"):
        response = signed_in(None).get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_badge_counts_unread_notifications_for_screen_readers_too(
        opcc_a, django_assert_num_queries):
    note(opcc_a, 1)
    note(opcc_a, 2)
    note(opcc_a, 3, read=True)
    with django_assert_num_queries(1):
        html = badge(opcc_a)
    assert ">2<span class=\"govuk-visually-hidden\"> unread notifications</span>" in html
    assert 'href="/notifications/"' in html


def test_the_badge_shows_no_count_when_all_are_read(opcc_a):
    note(opcc_a, 1, read=True)
    html = badge(opcc_a)
    assert "Notifications" in html and "unread notifications" not in html


@pytest.mark.skipif("notification_badge" not in BASE_HTML.read_text(),
                    reason="base.html does not include components/notification_badge.html yet")
def test_the_header_shows_the_count_on_every_page(opcc_a, wired):
    note(opcc_a, 1)
    body = signed_in(opcc_a).get("/").content.decode()
    assert "unread notifications" in body and 'id="notification-badge"' in body
