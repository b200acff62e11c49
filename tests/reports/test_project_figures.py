"""The project-level indicators (AMIF O.2.1, O.2.2, O.2.4, O.2.6, O.2.7): entered by the
manager or an administrator for each period, audited, shown in the report beside the counted
ones, and never as a zero when nothing was entered."""

import datetime

import pytest
from django.urls import reverse

from audit.models import Event
from reports.models import ProjectFigure
from tests.helpers import login_url
from tests.reports.builders import amif

D = datetime.date
PERIOD = {"start": "2025-01-01", "end": "2025-12-31"}


@pytest.fixture
def funded(programme):
    return amif(programme)


def url(programme):
    return reverse("reports:project-figures", args=[programme.pk])


def values(programme, **by_code):
    indicators = programme.indicator_set.indicators.filter(rule="entered")
    return {f"value_{i.pk}": by_code.get(i.code.replace(".", "_"), "") for i in indicators}


def test_the_form_lists_the_project_level_indicators(manager_client, funded):
    page = manager_client.get(url(funded), PERIOD)
    assert page.status_code == 200
    for code in ["O.2.1", "O.2.2", "O.2.4", "O.2.6", "O.2.7"]:
        assert code in page.text
    assert "O.2.3 " not in page.text  # counted from participants, not entered


def test_saving_enters_audits_and_reaches_the_report(manager_client, manager, funded):
    response = manager_client.post(url(funded), {**PERIOD, **values(funded, O_2_2=3)})
    assert response.status_code == 302
    figure = ProjectFigure.objects.get()
    assert (figure.indicator.code, figure.value, figure.entered_by) == ("O.2.2", 3, manager.user)
    event = Event.objects.get(object_type="reports.projectfigure")
    assert (event.action, event.actor_id, event.organisation_id) == (
        "create",
        manager.user.pk,
        funded.organisation_id,
    )
    report = manager_client.get("/reports/funder/", {"programme": funded.pk, **PERIOD})
    entered = {
        code: period for code, _w, period, *_rest in report.context["report"]["project_figures"]
    }
    assert entered["O.2.2"] == 3 and entered["O.2.1"] == "not entered"
    # Changing it is audited as a change; emptying it removes it.
    manager_client.post(url(funded), {**PERIOD, **values(funded, O_2_2=4)})
    assert Event.objects.filter(object_type="reports.projectfigure", action="update").count() == 1
    manager_client.post(url(funded), {**PERIOD, **values(funded)})
    assert not ProjectFigure.objects.exists()
    assert Event.objects.filter(object_type="reports.projectfigure", action="delete").count() == 1


def test_an_administrator_may_enter_them(administrator_client, funded):
    response = administrator_client.post(url(funded), {**PERIOD, **values(funded, O_2_1=1)})
    assert response.status_code == 302 and ProjectFigure.objects.count() == 1


@pytest.mark.parametrize(
    "bad", [{"O_2_1": -1}, {"O_2_1": "many"}, {"start": "2025-12-31", "end": "2025-01-01"}]
)
def test_bad_input_is_refused_and_nothing_written(manager_client, funded, bad):
    dates = {k: v for k, v in bad.items() if k in PERIOD}
    codes = {k: v for k, v in bad.items() if k not in PERIOD}
    response = manager_client.post(url(funded), {**PERIOD, **dates, **values(funded, **codes)})
    assert response.status_code == 400
    assert not ProjectFigure.objects.exists()


@pytest.mark.parametrize("who", ["coach_client", "colleague_client", "outsider_manager_client"])
def test_others_get_404(request, who, funded):
    client = request.getfixturevalue(who)
    assert client.get(url(funded)).status_code == 404
    assert client.post(url(funded), {**PERIOD, **values(funded, O_2_1=1)}).status_code == 404
    assert not ProjectFigure.objects.exists()


def test_anonymous_wrong_method_and_a_set_without_entered_figures(client, manager_client, funded):
    assert client.get(url(funded)).url == login_url(url(funded))
    assert manager_client.put(url(funded)).status_code == 405
    funded.indicator_set = funded.indicator_set.__class__.objects.get(funder="ESF+")
    funded.save()
    assert manager_client.get(url(funded)).status_code == 404


def test_queries(manager_client, funded, django_assert_num_queries):
    # session; user with their staff record and organisation (header); the programme with
    # its set; the entered indicators; the figures entered for the period.
    with django_assert_num_queries(5):
        assert manager_client.get(url(funded), PERIOD).status_code == 200
