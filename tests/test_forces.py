from django.urls import reverse

from tests.conftest import signed_in


def test_the_force_list_shows_all_43_forces_with_status(opcc_a):
    response = signed_in(opcc_a).get("/forces/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "43 forces" in body
    assert "Gwent Police" in body and "Cleveland Police" in body
    assert "Mayor of Greater Manchester" in body


def test_it_filters_by_region(opcc_a):
    body = signed_in(opcc_a).get("/forces/?region=wales").content.decode()
    assert "4 forces" in body
    assert "Dyfed-Powys Police" in body
    assert "Kent Police" not in body


def test_it_filters_by_status(opcc_a):
    body = signed_in(opcc_a).get("/forces/?status=engage").content.decode()
    assert "Lincolnshire Police" in body
    assert "Cleveland Police" not in body, "Cleveland exited Engage in 2023"
    scan = signed_in(opcc_a).get("/forces/?status=scan").content.decode()
    assert "Cleveland Police" in scan and "Lincolnshire Police" not in scan


def test_htmx_gets_only_the_results(opcc_a):
    response = signed_in(opcc_a).get("/forces/?region=wales", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="force-results"')
    assert "<html" not in body
    assert "HX-Request" in response["Vary"]


def test_an_unknown_filter_value_shows_everything(opcc_a):
    assert "43 forces" in signed_in(opcc_a).get("/forces/?status=bogus").content.decode()


def test_the_overview_shows_history_with_the_precision_known(opcc_a):
    response = signed_in(opcc_a).get(reverse("forces:force-detail", args=["gloucestershire"]))
    body = response.content.decode()
    assert "December 2021 to 20 September 2023" in body
    assert "1 December 2021" not in body
    assert "Police and Crime Commissioner for Gloucestershire" in body


def test_a_year_or_before_precision_is_shown_as_such(opcc_a):
    cleveland = signed_in(opcc_a).get("/forces/cleveland/").content.decode()
    assert "2019 to September 2023" in cleveland
    humberside = signed_in(opcc_a).get("/forces/humberside/").content.decode()
    assert "before May 2017" in humberside


def test_the_overview_shows_scan_after_an_exit(opcc_a):
    body = signed_in(opcc_a).get("/forces/staffordshire/").content.decode()
    assert "Returned to Scan" in body
    assert "Staffordshire Commissioner" in body


def test_an_unknown_force_is_404(opcc_a):
    assert signed_in(opcc_a).get("/forces/atlantis/").status_code == 404
