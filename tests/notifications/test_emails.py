"""The reminder and digest emails: plain text and HTML, each with its unsubscribe link."""

from types import SimpleNamespace

from django.core import signing

from engage.notifications import render_digest_email, render_reminder_email


def _token(url: str) -> dict:
    token = url.rstrip("/").rsplit("/", 1)[1]
    return signing.loads(token, salt="unsubscribe")


def test_a_reminder_email_has_text_html_a_link_and_an_unsubscribe(opcc_a, settings):
    settings.SITE_URL = "https://engage.example.org"
    subject, text, html = render_reminder_email(
        user=opcc_a, kind="review_soon", subject="Lincolnshire Police: review point in 7 days",
        body="What HMCI expects: calls & crime <recording>", url="/forces/lincolnshire/case/")
    assert subject == "Lincolnshire Police: review point in 7 days"
    assert "calls & crime <recording>" in text  # plain text is not HTML-escaped
    assert "calls &amp; crime &lt;recording&gt;" in html
    assert "https://engage.example.org/forces/lincolnshire/case/" in text
    assert 'href="https://engage.example.org/forces/lincolnshire/case/"' in html
    [line] = [x for x in text.splitlines() if x.startswith('Stop emails about "HMCI review')]
    unsubscribe = line.split(": ", 1)[1]
    assert unsubscribe.startswith("https://engage.example.org/notifications/unsubscribe/")
    assert _token(unsubscribe) == {"u": opcc_a.pk, "k": "review_soon"}
    assert unsubscribe in html
    assert "https://engage.example.org/notifications/preferences/" in text


def test_a_digest_lists_each_reminder_with_an_unsubscribe_for_each_kind(opcc_a, settings):
    settings.SITE_URL = "https://engage.example.org"
    items = [SimpleNamespace(kind="review_soon", subject="Review in 7 days", body="b1",
                             url="/forces/lincolnshire/case/"),
             SimpleNamespace(kind="follow_up_due", subject="Follow-up due", body="",
                             url="/forces/lincolnshire/"),
             SimpleNamespace(kind="review_soon", subject="Review in 1 day", body="b3", url="")]
    subject, text, html = render_digest_email(user=opcc_a, items=items, weekly=True)
    assert subject == "Your weekly digest: 3 reminders"
    assert text.index("Review in 7 days") < text.index("Follow-up due") < text.index("Review in 1")
    assert text.count("Stop emails about") == 2 and html.count("Stop emails about") == 2
    kinds = {_token(line.split(": ", 1)[1])["k"] for line in text.splitlines()
             if line.startswith("Stop emails about")}
    assert kinds == {"review_soon", "follow_up_due"}
    link = 'href="https://engage.example.org/forces/lincolnshire/case/">Review in 7 days</a>'
    assert link in html
    assert "weekly digest" in text and "weekly digest" in html
