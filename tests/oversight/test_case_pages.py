import datetime

from oversight.models import CauseOfConcern, EngageCase, Position, Recommendation
from tests.conftest import signed_in


def test_the_case_page_shows_the_case_and_its_concerns(opcc_a, concern_a):
    body = signed_in(opcc_a).get("/forces/lincolnshire/case/").content.decode()
    assert "Engage case" in body
    assert "Answering 999 calls" in body
    assert "From 6 December 2024" in body
    assert "Robin Example" in body


def test_a_force_without_a_case_is_404(opcc_a, reference):
    assert signed_in(opcc_a).get("/forces/lincolnshire/case/").status_code == 404


def test_another_forces_case_is_404_and_never_leaks(opcc_a, concern_b, action_b):
    client = signed_in(opcc_a)
    for path in ["/forces/west-midlands/case/", f"/forces/west-midlands/concerns/{concern_b.pk}/",
                 "/forces/west-midlands/plan/", f"/forces/west-midlands/plan/actions/{action_b.pk}/"]:
        response = client.get(path)
        assert response.status_code == 404, path
        assert b"marker" not in response.content


def test_a_concern_of_another_force_under_our_slug_is_404(opcc_a, case_a, concern_b):
    assert signed_in(opcc_a).get(f"/forces/lincolnshire/concerns/{concern_b.pk}/").status_code == 404


def test_opcc_staff_edit_the_case(opcc_a, case_a):
    client = signed_in(opcc_a)
    response = client.post("/forces/lincolnshire/case/edit/", {
        "version": case_a.version, "hmi_name": "Robin Example", "fll_name": "Sam Liaison",
        "rca_summary": "Too few call handlers at peak times", "rca_received": "2025-03-01",
        "letter_summary": "", "letter_url": "", "decision_published": "2024-12-20"})
    assert response.status_code == 302
    case_a.refresh_from_db()
    assert case_a.rca_summary == "Too few call handlers at peak times"
    assert case_a.fll_name == "Sam Liaison" and case_a.version == 2


def test_the_pcc_and_apcc_lead_read_but_cannot_edit(pcc_a, apcc_lead, case_a):
    for user in (pcc_a, apcc_lead):
        client = signed_in(user)
        assert client.get("/forces/lincolnshire/case/").status_code == 200
        assert client.get("/forces/lincolnshire/case/edit/").status_code == 403
        assert client.post("/forces/lincolnshire/case/edit/", {"version": 1}).status_code == 403


def test_adding_a_cause_of_concern(opcc_a, case_a):
    response = signed_in(opcc_a).post("/forces/lincolnshire/concerns/new/", {
        "reference": "CoC 2", "title": "Crime recording", "wording": "Crimes are not recorded",
        "source": "s54", "accelerated": "on", "raised": "2025-02-01", "priority": "high",
        "threshold": "95% accuracy for six months", "status": "open"})
    assert response.status_code == 302, response.content.decode()[:3000]
    concern = CauseOfConcern.objects.get(reference="CoC 2")
    assert concern.source == "s54" and concern.accelerated
    assert response["Location"] == f"/forces/lincolnshire/concerns/{concern.pk}/"


def test_bad_input_is_told_beside_the_field_and_nothing_is_saved(opcc_a, case_a):
    response = signed_in(opcc_a).post("/forces/lincolnshire/concerns/new/", {
        "title": "", "wording": "Some wording", "source": "peel", "raised": "2025-02-31",
        "priority": "high", "status": "open"})
    body = response.content.decode()
    assert response.status_code == 422
    assert "Enter a short title for the cause of concern" in body
    assert "Enter a real date" in body
    assert "Some wording" in body, "what the user typed is kept"
    assert not CauseOfConcern.objects.filter(case=case_a).exists()


def test_a_discharged_concern_needs_its_date(opcc_a, concern_a):
    response = signed_in(opcc_a).post(f"/forces/lincolnshire/concerns/{concern_a.pk}/edit/", {
        "version": 1, "reference": "CoC 1", "title": concern_a.title, "wording": concern_a.wording,
        "source": "peel", "raised": "2025-01-10", "priority": "high", "status": "discharged"})
    assert response.status_code == 422
    assert "Enter the date HMICFRS discharged it" in response.content.decode()


def test_three_positions_show_side_by_side_and_disagreement(opcc_a, concern_a, rec_a):
    client = signed_in(opcc_a)
    for side, rag in [("force", "green"), ("opcc", "amber"), ("hmicfrs", "red")]:
        response = client.post(f"/forces/lincolnshire/concerns/{concern_a.pk}/positions/new/", {
            "target": "", "side": side, "rag": rag, "statement": f"{side} view",
            "as_of": "2025-06-01"})
        assert response.status_code == 302
    body = client.get(f"/forces/lincolnshire/concerns/{concern_a.pk}/").content.decode()
    assert "Positions differ" in body
    assert "force view" in body and "opcc view" in body and "hmicfrs view" in body
    assert "Last updated 1 June 2025" in body


def test_a_new_position_keeps_the_earlier_one(opcc_a, concern_a):
    client = signed_in(opcc_a)
    url = f"/forces/lincolnshire/concerns/{concern_a.pk}/positions/new/"
    client.post(url, {"side": "opcc", "rag": "red", "statement": "First", "as_of": "2025-05-01"})
    client.post(url, {"side": "opcc", "rag": "amber", "statement": "Second", "as_of": "2025-06-01"})
    assert Position.objects.filter(concern=concern_a, side="opcc").count() == 2
    body = client.get(f"/forces/lincolnshire/concerns/{concern_a.pk}/").content.decode()
    assert "Second" in body


def test_a_position_on_a_recommendation(opcc_a, concern_a, rec_a):
    signed_in(opcc_a).post(f"/forces/lincolnshire/concerns/{concern_a.pk}/positions/new/", {
        "target": str(rec_a.pk), "side": "hmicfrs", "rag": "green", "statement": "Met",
        "as_of": "2025-06-01"})
    assert Position.objects.get(recommendation=rec_a).rag == "green"


def test_a_future_position_date_is_refused(opcc_a, concern_a):
    future = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    response = signed_in(opcc_a).post(
        f"/forces/lincolnshire/concerns/{concern_a.pk}/positions/new/",
        {"side": "opcc", "rag": "red", "statement": "x", "as_of": future})
    assert response.status_code == 422
    assert "cannot be in the future" in response.content.decode()


def test_recommendations_with_due_dates_and_hmicfrs_status(opcc_a, concern_a):
    client = signed_in(opcc_a)
    response = client.post(f"/forces/lincolnshire/concerns/{concern_a.pk}/recommendations/new/", {
        "reference": "1.2", "text": "Reduce abandoned 101 calls", "due": "2026-03-31",
        "hmicfrs_status": "progressing"})
    assert response.status_code == 302
    rec = Recommendation.objects.get(reference="1.2")
    body = client.get(f"/forces/lincolnshire/concerns/{concern_a.pk}/").content.decode()
    assert "HMICFRS: Being progressed" in body and "31 March 2026" in body
    response = client.post(f"/forces/lincolnshire/recommendations/{rec.pk}/edit/", {
        "version": 1, "reference": "1.2", "text": "Reduce abandoned 101 calls",
        "due": "2026-03-31", "hmicfrs_status": "complete"})
    rec.refresh_from_db()
    assert rec.hmicfrs_status == "complete"


def test_the_pcc_comments_on_a_concern(pcc_a, concern_a):
    client = signed_in(pcc_a)
    response = client.post(f"/forces/lincolnshire/concerns/{concern_a.pk}/comments/",
                           {"text": "Please bring the call data to our next meeting."})
    assert response.status_code == 302
    assert "Please bring the call data" in client.get(
        f"/forces/lincolnshire/concerns/{concern_a.pk}/").content.decode()


def test_the_apcc_lead_cannot_comment(apcc_lead, concern_a):
    response = signed_in(apcc_lead).post(
        f"/forces/lincolnshire/concerns/{concern_a.pk}/comments/", {"text": "Hello"})
    assert response.status_code == 403


def test_a_closed_case_still_shows_with_its_open_concerns(opcc_a, case_a, concern_a):
    period = case_a.period
    period.end = datetime.date.today() - datetime.timedelta(days=1)
    period.save()
    body = signed_in(opcc_a).get("/forces/lincolnshire/case/").content.decode()
    assert "Closed: returned to Scan" in body
    assert "Answering 999 calls" in body and "Open" in body
    assert EngageCase.objects.get(pk=case_a.pk).is_open is False


def test_the_root_cause_analysis_is_summarised_and_attached(opcc_a, pcc_a, case_a, settings,
                                                            tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    data = {"version": case_a.version, "rca_summary": "Too few call handlers",
            "rca_file": SimpleUploadedFile("rca.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")}
    response = signed_in(opcc_a).post("/forces/lincolnshire/case/edit/", data)
    assert response.status_code == 302
    evidence = case_a.evidence.get()
    assert evidence.original_name == "rca.pdf" and evidence.description == "Root cause analysis"
    body = signed_in(pcc_a).get("/forces/lincolnshire/case/").content.decode()
    assert "Too few call handlers" in body
    assert f"/forces/lincolnshire/evidence/{evidence.pk}/" in body


def test_a_bad_rca_file_is_refused_and_the_case_is_not_changed(opcc_a, case_a, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    response = signed_in(opcc_a).post("/forces/lincolnshire/case/edit/", {
        "version": case_a.version, "rca_summary": "Changed",
        "rca_file": SimpleUploadedFile("rca.pdf", b"not a pdf", "application/pdf")})
    assert response.status_code == 422
    assert "rca.pdf is not a PDF" in response.content.decode()
    case_a.refresh_from_db()
    assert case_a.rca_summary == "" and case_a.version == 1
    assert not case_a.evidence.exists()
