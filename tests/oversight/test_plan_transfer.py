"""Importing an improvement plan from CSV or Excel, exporting it, and a concern's history."""

from __future__ import annotations

import csv
import datetime
import io
import os

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from engage.audit import acting_as
from engage.models import AuditEvent
from oversight.models import (
    Action,
    CauseOfConcern,
    EngageCase,
    Position,
    ProgressUpdate,
    Recommendation,
)
from tests.conftest import signed_in

HEADER = "reference,title,description,owner,due,status,concerns,recommendations,milestone\n"


@pytest.fixture
def plan_case(force_a) -> EngageCase:
    return EngageCase.objects.create(force=force_a,
                                     period=force_a.monitoring_periods.get(end__isnull=True))


@pytest.fixture
def coc1(plan_case) -> CauseOfConcern:
    return CauseOfConcern.objects.create(
        case=plan_case, reference="CoC 1", title="Answering 999 calls",
        wording="The force does not answer emergency calls quickly enough.",
        raised=datetime.date(2025, 1, 10))


@pytest.fixture
def coc2(plan_case) -> CauseOfConcern:
    return CauseOfConcern.objects.create(
        case=plan_case, reference="CoC 2", title="Recording crime",
        wording="The force does not record crime accurately.",
        raised=datetime.date(2025, 1, 10))


@pytest.fixture
def rec11(coc1) -> Recommendation:
    return Recommendation.objects.create(concern=coc1, reference="1.1",
                                         text="Answer 999 calls within 10 seconds.")


@pytest.fixture
def refs(coc1, coc2, rec11):
    return {"coc1": coc1, "coc2": coc2, "rec11": rec11}


def url(name: str, force, **kwargs) -> str:
    return reverse(f"oversight:{name}", kwargs={"slug": force.slug, **kwargs})


def csv_file(body: str, name: str = "plan.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (HEADER + body).encode(), content_type="text/csv")


def xlsx_file(rows: list[list], name: str = "plan.xlsx") -> SimpleUploadedFile:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


GOOD_CSV = (
    "A1,Recruit call handlers,Twelve more,Head of Contact,2030-03-31,on track,CoC 1,1.1,yes\n"
    "A2,Audit crime records,,Crime Registrar,30/06/2030,At Risk,CoC 1; CoC 2,,no\n"
    "A3,Publish the call data,,Head of Performance,1/7/2030,,,,\n"
)


def test_a_good_csv_previews_every_row_then_imports_them_with_their_links(opcc_a, force_a,
                                                                          refs):
    client = signed_in(opcc_a)
    preview = client.post(url("plan-import", force_a), {"file": csv_file(GOOD_CSV)})
    body = preview.content.decode()
    assert preview.status_code == 200
    assert "3 rows ready, 0 rows with errors" in body
    assert "Audit crime records" in body and "30 Jun 2030" in body
    assert "Import 3 actions" in body
    assert Action.objects.count() == 0

    done = client.post(url("plan-import-confirm", force_a), {"token": preview.context["token"]})
    assert done.status_code == 302 and done["Location"] == url("plan", force_a)
    assert [str(m) for m in get_messages(done.wsgi_request)] == ["Imported 3 actions"]
    first, second, third = Action.objects.order_by("reference")
    assert (first.title, first.owner, first.due, first.status, first.is_milestone) == (
        "Recruit call handlers", "Head of Contact", datetime.date(2030, 3, 31), "on_track", True)
    assert list(first.concerns.all()) == [refs["coc1"]]
    assert list(first.recommendations.all()) == [refs["rec11"]]
    assert second.status == "at_risk" and set(second.concerns.all()) == {refs["coc1"],
                                                                         refs["coc2"]}
    assert third.status == "not_started" and third.due == datetime.date(2030, 7, 1)
    events = AuditEvent.objects.filter(model="oversight.action", action="create")
    assert events.count() == 3 and {e.actor_id for e in events} == {opcc_a.pk}


def test_confirming_twice_imports_once(opcc_a, force_a, refs):
    client = signed_in(opcc_a)
    preview = client.post(url("plan-import", force_a), {"file": csv_file(GOOD_CSV)})
    confirm = url("plan-import-confirm", force_a)
    client.post(confirm, {"token": preview.context["token"]})
    again = client.post(confirm, {"token": preview.context["token"]})
    assert again.status_code == 302 and again["Location"] == url("plan-import", force_a)
    assert Action.objects.count() == 3


def test_a_good_xlsx_with_an_excel_date_cell_imports(opcc_a, force_a, refs):
    upload = xlsx_file([
        ["Reference", "TITLE", "Owner", "Due", "Status", "Concerns", "Recommendations",
         "Milestone"],
        ["A1", "Recruit call handlers", "Head of Contact", datetime.datetime(2030, 3, 31),
         "Complete", "CoC 2", 1.1, True],
        [None, None, None, None, None, None, None, None],
        ["A2", "Audit crime records", "Crime Registrar", "2030-06-30", None, None, None, "no"],
    ])
    client = signed_in(opcc_a)
    preview = client.post(url("plan-import", force_a), {"file": upload})
    assert "2 rows ready, 0 rows with errors" in preview.content.decode()
    client.post(url("plan-import-confirm", force_a), {"token": preview.context["token"]})
    first = Action.objects.get(reference="A1")
    assert first.due == datetime.date(2030, 3, 31)
    assert first.status == "complete" and first.completed == datetime.date.today()
    assert list(first.concerns.all()) == [refs["coc2"]]
    assert list(first.recommendations.all()) == [refs["rec11"]]
    assert Action.objects.get(reference="A2").due == datetime.date(2030, 6, 30)


def test_a_malformed_spreadsheet_shows_each_error_against_its_row_and_saves_nothing(
        opcc_a, force_a, refs):
    body = (
        "A1,Recruit call handlers,,Head of Contact,2030-03-31,on track,CoC 1,,no\n"
        "A2,Audit crime records,,Crime Registrar,31/02/2025,,,,\n"
        "A3,Publish the call data,,Head of Performance,2030-07-01,done,,,\n"
        "A4,Train supervisors,,Head of Training,2030-07-01,,CoC 9,,\n"
        "A5,,,Head of Training,2030-07-01,,,,\n"
    )
    client = signed_in(opcc_a)
    response = client.post(url("plan-import", force_a), {"file": csv_file(body)})
    page = response.content.decode()
    assert response.status_code == 422
    assert "1 row ready, 4 rows with errors" in page
    assert "Row 3: due – &#x27;31/02/2025&#x27; is not a real date" in page
    assert "Row 4: status – &#x27;done&#x27; is not a status" in page
    assert "Row 5: concerns – there is no cause of concern &#x27;CoC 9&#x27; in this case" in page
    assert "Row 6: title – enter what the action is" in page
    assert '<td class="govuk-table__cell">done</td>' in page
    assert "Import 1 action" not in page and "Fix the file and" in page
    assert page.count('href="#row-3"') == 1

    confirm = client.post(url("plan-import-confirm", force_a),
                          {"token": response.context["token"]})
    assert confirm.status_code == 302
    assert Action.objects.count() == 0


def test_the_import_is_all_or_nothing_when_a_linked_concern_goes_before_confirming(
        opcc_a, force_a, refs):
    client = signed_in(opcc_a)
    preview = client.post(url("plan-import", force_a), {"file": csv_file(GOOD_CSV)})
    refs["coc2"].delete()
    done = client.post(url("plan-import-confirm", force_a),
                       {"token": preview.context["token"]}, follow=True)
    assert "Row 3: a cause of concern" in done.content.decode()
    assert Action.objects.count() == 0
    assert not AuditEvent.objects.filter(model="oversight.action").exists()


@pytest.mark.parametrize("upload,message", [
    (SimpleUploadedFile("plan.xlsx", os.urandom(2048)),
     "The file could not be read as a spreadsheet"),
    (SimpleUploadedFile("plan.csv", b"\x00\x01\x02 binary"),
     "The file could not be read as a spreadsheet"),
    (SimpleUploadedFile("plan.xls", b"reference,title\n"),
     "The file must be a CSV file or an Excel workbook (.xlsx)"),
    (SimpleUploadedFile("plan.csv", b""), "The selected file is empty"),
    (SimpleUploadedFile("plan.csv", b"\n\n"), "The file is empty"),
    (SimpleUploadedFile("plan.csv", HEADER.encode()), "The file has a header row but no actions"),
    (SimpleUploadedFile("plan.csv", b"reference,title,due\nA1,Thing,2030-01-01\n"),
     "The file has no &#x27;owner&#x27; column"),
    (SimpleUploadedFile("plan.csv", b"Improvement plan\nA1,Thing\n"),
     "The first row must name the columns"),
    (SimpleUploadedFile("plan.csv", (HEADER + "A,T,,O,2030-01-01,,,,\n" * 2001).encode()),
     "The file has more than 2,000 actions"),
    (SimpleUploadedFile("plan.csv", HEADER.encode() + b" " * (5 * 1024 * 1024)),
     "The file must be smaller than 5 MB"),
], ids=["corrupt-xlsx", "binary-csv", "xls", "zero-bytes", "blank", "header-only",
        "missing-owner", "no-header", "too-many-rows", "too-big"])
def test_an_unusable_file_is_refused_with_a_reason_and_nothing_is_saved(
        opcc_a, force_a, refs, upload, message):
    client = signed_in(opcc_a)
    response = client.post(url("plan-import", force_a), {"file": upload})
    assert response.status_code == 422
    assert message in response.content.decode()
    assert "govuk-error-summary" in response.content.decode()
    client.post(url("plan-import-confirm", force_a), {"token": ""})
    assert Action.objects.count() == 0


def test_the_template_names_the_import_columns(opcc_a, force_a, plan_case):
    response = signed_in(opcc_a).get(url("plan-import-template", force_a))
    assert response["Content-Disposition"].startswith("attachment")
    assert response.content.decode("utf-8-sig").strip() == HEADER.strip()


def test_the_upload_page_documents_the_columns_and_the_case_references(opcc_a, force_a, refs):
    page = signed_in(opcc_a).get(url("plan-import", force_a)).content.decode()
    assert url("plan-import-template", force_a) in page
    assert 'enctype="multipart/form-data"' in page
    assert "CoC 2" in page and "1.1" in page and "recommendations" in page


# Export -------------------------------------------------------------------------------------

@pytest.fixture
def plan_actions(plan_case, refs, opcc_a):
    first = Action.objects.create(case=plan_case, reference="A1", title='=HYPERLINK("http://x")',
                                  description="-2 officers", owner="@Head of Contact",
                                  due=datetime.date(2030, 3, 31), status="on_track",
                                  is_milestone=True)
    first.concerns.set([refs["coc1"], refs["coc2"]])
    first.recommendations.set([refs["rec11"]])
    second = Action.objects.create(case=plan_case, reference="A2", title="Audit crime records",
                                   owner="Crime Registrar", due=datetime.date(2030, 6, 30))
    second.concerns.set([refs["coc2"]])
    ProgressUpdate.objects.create(action=first, author=opcc_a, as_of=datetime.date(2026, 1, 5),
                                  rag="amber", text="Six recruited so far")
    return [first, second]


def read_csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_csv_export_has_the_import_columns_and_neutralises_formulas(pcc_a, force_a,
                                                                        plan_actions):
    response = signed_in(pcc_a).get(url("plan-export-csv", force_a))
    today = datetime.date.today().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="lincolnshire-improvement-plan-{today}.csv"')
    rows = read_csv(response)
    assert list(rows[0]) == ["reference", "title", "description", "owner", "due", "status",
                             "concerns", "recommendations", "milestone", "rag", "updates"]
    assert rows[0] == {
        "reference": "A1", "title": '\'=HYPERLINK("http://x")', "description": "'-2 officers",
        "owner": "'@Head of Contact", "due": "2030-03-31", "status": "On track",
        "concerns": "CoC 1; CoC 2", "recommendations": "1.1", "milestone": "yes",
        "rag": "Green – on track", "updates": "1"}
    assert rows[1]["title"] == "Audit crime records" and rows[1]["updates"] == "0"


def test_the_csv_export_honours_the_plan_filters(pcc_a, force_a, plan_actions):
    response = signed_in(pcc_a).get(url("plan-export-csv", force_a) + "?owner=Crime+Registrar")
    assert [row["reference"] for row in read_csv(response)] == ["A2"]


def test_the_xlsx_export_has_a_bold_frozen_header_and_real_dates(apcc_lead, force_a,
                                                                 plan_actions):
    response = signed_in(apcc_lead).get(url("plan-export-xlsx", force_a))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "reference" and sheet["A1"].font.b
    assert sheet.freeze_panes == "A2"
    assert sheet["B2"].value == '\'=HYPERLINK("http://x")' and sheet["B2"].data_type == "s"
    assert sheet["E2"].value == datetime.datetime(2030, 3, 31) and sheet["E2"].is_date
    assert sheet["B3"].value == "Audit crime records"
    assert sheet.max_row == 3


@pytest.mark.parametrize("name,extension", [("plan-export-csv", "csv"),
                                            ("plan-export-xlsx", "xlsx")])
def test_an_export_imports_back_to_the_same_actions(opcc_a, force_a, plan_actions, name,
                                                    extension):
    client = signed_in(opcc_a)
    exported = client.get(url(name, force_a))
    before = [(a.title, a.owner, a.due, a.status, a.is_milestone,
               sorted(c.reference for c in a.concerns.all()))
              for a in Action.objects.order_by("reference")]
    Action.objects.all().delete()
    upload = SimpleUploadedFile(f"plan.{extension}", exported.content)
    preview = client.post(url("plan-import", force_a), {"file": upload})
    assert "2 rows ready, 0 rows with errors" in preview.content.decode()
    client.post(url("plan-import-confirm", force_a), {"token": preview.context["token"]})
    after = [(a.title, a.owner, a.due, a.status, a.is_milestone,
              sorted(c.reference for c in a.concerns.all()))
             for a in Action.objects.order_by("reference")]
    assert after == before


def test_the_history_lists_changes_positions_and_progress_in_date_order(
        pcc_a, opcc_a, force_a, refs, plan_actions):
    coc1 = refs["coc1"]
    Position.objects.create(concern=coc1, side="opcc", rag="red", statement="Not yet assured",
                            as_of=datetime.date(2025, 11, 1), recorded_by=opcc_a)
    Position.objects.create(recommendation=refs["rec11"], side="force", rag="green",
                            statement="Done", as_of=datetime.date(2025, 12, 1),
                            recorded_by=opcc_a)
    with acting_as(opcc_a):
        coc1.title = "Answering 999 and 101 calls"
        coc1.save()
        Recommendation.objects.create(concern=coc1, reference="1.2", text="Dropped").delete()
    response = signed_in(pcc_a).get(url("concern-history-csv", force_a, concern_id=coc1.pk))
    assert response["Content-Disposition"].startswith(
        'attachment; filename="lincolnshire-coc-1-history-')
    rows = read_csv(response)
    assert list(rows[0]) == ["date", "what", "who", "detail"]
    assert [r["date"] for r in rows] == sorted(r["date"] for r in rows)
    by_what = {r["what"]: r for r in rows}
    assert by_what["Position (OPCC assured)"]["detail"] == "Red: Not yet assured"
    assert by_what["Position (OPCC assured)"]["who"] == opcc_a.full_name
    assert by_what["Position on recommendation 1.1 (Force reports)"]["date"] == "2025-12-01"
    assert by_what["Progress update on A1"]["detail"] == "Amber: Six recruited so far"
    edits = [r for r in rows if r["what"] == "Cause of concern CoC 1"]
    assert any("Title: Answering 999 calls → Answering 999 and 101 calls" in r["detail"]
               for r in edits)
    assert any(r["what"] == "Recommendation 1.1" for r in rows)
    assert [r["detail"] for r in rows if r["what"] == "Recommendation 1.2"] == ["Created",
                                                                               "Deleted"]


# Access -------------------------------------------------------------------------------------

def test_the_pcc_may_export_but_not_import(pcc_a, force_a, refs):
    client = signed_in(pcc_a)
    assert client.get(url("plan-export-csv", force_a)).status_code == 200
    assert client.get(url("plan-export-xlsx", force_a)).status_code == 200
    assert client.get(url("plan-import", force_a)).status_code == 403
    assert client.post(url("plan-import", force_a), {"file": csv_file(GOOD_CSV)}).status_code \
        == 403
    assert client.post(url("plan-import-confirm", force_a)).status_code == 403
    assert client.get(url("plan-import-template", force_a)).status_code == 403
    assert Action.objects.count() == 0


def test_the_apcc_lead_may_export_but_not_import(apcc_lead, force_a, refs):
    client = signed_in(apcc_lead)
    assert client.get(url("plan-export-csv", force_a)).status_code == 200
    assert client.get(url("concern-history-csv", force_a,
                          concern_id=refs["coc1"].pk)).status_code == 200
    assert client.post(url("plan-import", force_a), {"file": csv_file(GOOD_CSV)}).status_code \
        == 403
    assert Action.objects.count() == 0


def test_another_forces_staff_get_404_everywhere(opcc_b, force_a, refs):
    client = signed_in(opcc_b)
    for name, kwargs in [("plan-import", {}), ("plan-import-template", {}),
                         ("plan-export-csv", {}), ("plan-export-xlsx", {}),
                         ("concern-history-csv", {"concern_id": refs["coc1"].pk})]:
        assert client.get(url(name, force_a, **kwargs)).status_code == 404, name
    assert client.post(url("plan-import", force_a),
                       {"file": csv_file(GOOD_CSV)}).status_code == 404
    assert client.post(url("plan-import-confirm", force_a)).status_code == 404
    assert Action.objects.count() == 0


def test_a_concern_of_another_force_is_404_through_your_own_slug(opcc_b, force_b, refs):
    response = signed_in(opcc_b).get(url("concern-history-csv", force_b,
                                         concern_id=refs["coc1"].pk))
    assert response.status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(force_a, refs):
    client = signed_in(None)
    for name in ["plan-import", "plan-import-template", "plan-export-csv", "plan-export-xlsx"]:
        response = client.get(url(name, force_a))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = client.post(url("plan-import-confirm", force_a))
    assert "/accounts/login/" in response["Location"]


def test_it_rejects_the_wrong_method(opcc_a, force_a, refs):
    client = signed_in(opcc_a)
    assert client.get(url("plan-import-confirm", force_a)).status_code == 405
    assert client.post(url("plan-export-csv", force_a)).status_code == 405
    assert client.post(url("plan-import-template", force_a)).status_code == 405
