"""Support offers: the APCC records them; the force's OPCC reads and answers its own."""

from __future__ import annotations

import datetime
import re
import types

import pytest
from django.urls import include, path

from oversight import apcc
from oversight.models import SupportOffer
from tests.conftest import signed_in
from tests.oversight.conftest import TODAY


def _spliced() -> bool:
    from oversight import urls

    return any(getattr(p, "name", None) == "support" for p in urls.urlpatterns)


@pytest.fixture(autouse=True)
def support_urls(settings):
    """oversight/urls_support.py is spliced into oversight/urls.py by that file's owner. Until it
    is, serve it through a copy of the root URLconf that includes it (a no-op once spliced)."""
    if _spliced():
        return
    from engage import urls as root
    from oversight import urls as case_urls
    from oversight import urls_support

    spliced = path("forces/<slug:slug>/", include(
        ([*case_urls.urlpatterns, *urls_support.urlpatterns], "oversight")))
    urlconf = types.ModuleType("urls_with_support")
    urlconf.urlpatterns = [spliced if getattr(e, "urlconf_name", None) is case_urls else e
                           for e in root.urlpatterns]
    for handler in ("handler403", "handler404", "handler500"):
        setattr(urlconf, handler, getattr(root, handler))
    settings.ROOT_URLCONF = urlconf


SUPPORT = "/forces/lincolnshire/support/"


def respond_url(offer: SupportOffer, slug: str = "lincolnshire") -> str:
    return f"/forces/{slug}/support/{offer.pk}/respond/"


@pytest.fixture
def offer_a(force_a, apcc_lead) -> SupportOffer:
    return SupportOffer.objects.create(force=force_a, kind="buddy", offered_on=TODAY,
                                       notes="We can pair you with a force strong in calls.",
                                       recorded_by=apcc_lead)


# The APCC records offers ---------------------------------------------------------------------

def test_an_apcc_lead_records_an_offer(apcc_lead, force_a):
    response = signed_in(apcc_lead).post("/apcc/forces/lincolnshire/offers/new/", {
        "kind": "peer_review", "status": "offered", "offered_on": TODAY.isoformat(),
        "notes": "Humberside could review your control room."})
    assert response.status_code == 302 and response["Location"] == "/apcc/forces/lincolnshire/"
    offer = SupportOffer.objects.get(force=force_a)
    assert (offer.kind, offer.status, offer.offered_on, offer.recorded_by) == (
        "peer_review", "offered", TODAY, apcc_lead)


def test_the_form_offers_each_kind_from_the_toolkit(apcc_lead, force_a):
    page = signed_in(apcc_lead).get("/apcc/forces/lincolnshire/offers/new/").content.decode()
    for label in ["Initial meeting", "Workshops", "Buddy system", "Peer review",
                  "Communications guidance", "Accountability framework", "PPOG pre-meet"]:
        assert label in page


def test_complete_support_needs_its_completion_date(apcc_lead, force_a):
    response = signed_in(apcc_lead).post("/apcc/forces/lincolnshire/offers/new/", {
        "kind": "workshop", "status": "complete", "offered_on": TODAY.isoformat()})
    assert response.status_code == 422
    assert "Enter the date the support was completed" in response.content.decode()
    assert not SupportOffer.objects.exists()


def test_an_empty_form_shows_its_errors(apcc_lead, force_a):
    response = signed_in(apcc_lead).post("/apcc/forces/lincolnshire/offers/new/", {})
    assert response.status_code == 422
    assert "Choose the support offered" in response.content.decode()


def test_an_edit_is_versioned(apcc_lead, offer_a):
    client = signed_in(apcc_lead)
    data = {"kind": "buddy", "status": "in_progress", "offered_on": TODAY.isoformat(),
            "responded_on": TODAY.isoformat(), "notes": "Paired with Durham", "version": 1}
    assert client.post(f"/apcc/offers/{offer_a.pk}/edit/", data).status_code == 302
    offer_a.refresh_from_db()
    assert (offer_a.status, offer_a.version) == ("in_progress", 2)
    stale = client.post(f"/apcc/offers/{offer_a.pk}/edit/", {**data, "notes": "Stale"})
    assert stale.status_code == 409
    assert "changed this while you were editing it" in stale.content.decode()
    offer_a.refresh_from_db()
    assert offer_a.notes == "Paired with Durham"


def test_the_apcc_force_page_lists_the_offers(apcc_lead, offer_a):
    page = signed_in(apcc_lead).get("/apcc/forces/lincolnshire/").content.decode()
    assert "Buddy system" in page and "We can pair you" in page
    assert f"/apcc/offers/{offer_a.pk}/edit/" in page


def test_an_unknown_force_is_404_for_the_apcc(apcc_lead, reference):
    assert signed_in(apcc_lead).get("/apcc/forces/atlantis/").status_code == 404


# The force's office reads and answers them ---------------------------------------------------

@pytest.mark.parametrize("persona", ["opcc_a", "pcc_a", "apcc_lead", "admin_user"])
def test_people_who_may_see_the_case_read_the_offers(persona, request, offer_a):
    page = signed_in(request.getfixturevalue(persona)).get(SUPPORT).content.decode()
    assert "Support from the APCC" in page and "Buddy system" in page
    assert "We can pair you with a force strong in calls." in page


def test_only_the_office_sees_the_buttons(opcc_a, pcc_a, offer_a):
    assert "Accept" in signed_in(opcc_a).get(SUPPORT).content.decode()
    assert ">Accept<" not in signed_in(pcc_a).get(SUPPORT).content.decode()


def test_the_office_accepts_an_offer(opcc_a, offer_a):
    response = signed_in(opcc_a).post(respond_url(offer_a), {"decision": "accept"})
    assert response.status_code == 302 and response["Location"] == SUPPORT
    offer_a.refresh_from_db()
    assert (offer_a.status, offer_a.responded_on, offer_a.version) == ("accepted", TODAY, 2)


def test_the_office_declines_in_place_with_htmx(opcc_a, offer_a):
    response = signed_in(opcc_a).post(respond_url(offer_a), {"decision": "decline"},
                                      HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith(f'<div class="app-card" id="offer-{offer_a.pk}"')
    assert "You declined this offer." in body and "Declined" in body
    offer_a.refresh_from_db()
    assert offer_a.status == "declined"


def test_only_an_offer_still_offered_can_be_answered(opcc_a, offer_a):
    SupportOffer.objects.filter(pk=offer_a.pk).update(status="declined")
    response = signed_in(opcc_a).post(respond_url(offer_a), {"decision": "accept"})
    assert response.status_code == 422
    assert "already declined" in response.content.decode()
    offer_a.refresh_from_db()
    assert offer_a.status == "declined"


def test_an_empty_answer_is_refused(opcc_a, offer_a):
    response = signed_in(opcc_a).post(respond_url(offer_a), {})
    assert response.status_code == 422
    assert "Choose to accept or decline" in response.content.decode()


@pytest.mark.parametrize("persona", ["pcc_a", "apcc_lead", "admin_user"])
def test_people_who_may_only_read_get_403_when_answering(persona, request, offer_a):
    client = signed_in(request.getfixturevalue(persona))
    assert client.post(respond_url(offer_a), {"decision": "accept"}).status_code == 403
    offer_a.refresh_from_db()
    assert offer_a.status == "offered"


def test_another_forces_office_gets_404(opcc_b, offer_a):
    client = signed_in(opcc_b)
    assert client.get(SUPPORT).status_code == 404
    assert client.post(respond_url(offer_a), {"decision": "accept"}).status_code == 404
    assert client.post(respond_url(offer_a, "west-midlands"),
                       {"decision": "accept"}).status_code == 404
    offer_a.refresh_from_db()
    assert offer_a.status == "offered"


def test_an_offer_is_found_only_under_its_own_force(opcc_b, force_b, offer_a):
    """Force B's office, at its own slug, cannot reach force A's offer by its id."""
    response = signed_in(opcc_b).post(respond_url(offer_a, "west-midlands"),
                                      {"decision": "decline"})
    assert response.status_code == 404


def test_anonymous_people_are_sent_to_sign_in(offer_a):
    for response in (signed_in(None).get(SUPPORT),
                     signed_in(None).post(respond_url(offer_a), {"decision": "accept"})):
        assert response.status_code == 302 and response["Location"].startswith(
            "/accounts/login/")


def test_it_rejects_other_methods(opcc_a, offer_a):
    client = signed_in(opcc_a)
    assert client.get(respond_url(offer_a)).status_code == 405
    assert client.post(SUPPORT).status_code == 405


def test_the_service_refuses_a_second_answer(opcc_a, offer_a):
    apcc.offer_respond(actor=opcc_a, offer=offer_a, accept=True)
    with pytest.raises(Exception, match="already accepted"):
        apcc.offer_respond(actor=opcc_a, offer=offer_a, accept=False,
                           today=TODAY + datetime.timedelta(days=1))


def test_the_edit_form_shows_the_offer_as_saved(apcc_lead, offer_a):
    SupportOffer.objects.filter(pk=offer_a.pk).update(
        status="in_progress", offered_on=datetime.date(2026, 1, 5))
    page = signed_in(apcc_lead).get(f"/apcc/offers/{offer_a.pk}/edit/").content.decode()
    assert 'value="2026-01-05"' in page
    radio = re.search(r'<input type="radio" name="status" value="in_progress"[^>]*>', page)
    assert radio and "checked" in radio.group(0)


def test_the_form_has_no_empty_choice_of_support(apcc_lead, force_a):
    page = signed_in(apcc_lead).get("/apcc/forces/lincolnshire/offers/new/").content.decode()
    assert "---------" not in page
