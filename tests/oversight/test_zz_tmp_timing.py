import time
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.conftest import signed_in
from tests.oversight.test_plan_transfer import csv_file, url, refs, coc1, coc2, rec11, plan_case  # noqa
from oversight.models import Action

def test_timing(opcc_a, force_a, refs):
    body = "".join(f"A{i},Action {i},,Owner {i%7},2030-01-{i%28+1:02d},on track,CoC 1; CoC 2,1.1,no\n" for i in range(2000))
    client = signed_in(opcc_a)
    t = time.time()
    with CaptureQueriesContext(connection) as q:
        r = client.post(url("plan-import", force_a), {"file": csv_file(body)})
    print("preview", time.time() - t, len(q), r.status_code, len(r.content))
    t = time.time()
    r = client.post(url("plan-import-confirm", force_a), {"token": r.context["token"]})
    print("confirm", time.time() - t, r.status_code, Action.objects.count())
    t = time.time()
    with CaptureQueriesContext(connection) as q:
        r = client.get(url("plan-export-xlsx", force_a))
    print("xlsx", time.time() - t, len(q), len(r.content))
