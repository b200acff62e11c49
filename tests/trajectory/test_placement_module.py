"""A placement inside a module (VIA's one-week job tasting, the initiation internship): the
form offers the modules of the person's plan, the service refuses another programme's."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from participants import plans
from tests.factories import make_module, make_programme
from tests.trajectory.factories import make_host, started
from trajectory import services
from trajectory.models import Placement

TODAY = timezone.localdate()


@pytest.fixture
def active(enrolment):
    return started(enrolment)


@pytest.fixture
def host(organisation):
    return make_host(organisation=organisation, name="Bike workshop")


@pytest.fixture
def via(programme, active, coach):
    module = make_module(programme=programme, name="VIA")
    plans.module_choose(enrolment=active, module=module, by=coach.user)
    return module


def form_data(host, **kwargs):
    values = {
        "kind": "job_tasting",
        "host": host.pk,
        "role": "Bike repair",
        "hours_per_week": "20",
        "starts_on": TODAY.isoformat(),
        "ends_on": (TODAY + datetime.timedelta(days=5)).isoformat(),
    }
    values.update(kwargs)
    return values


def add_url(enrolment):
    return reverse("trajectory:placement-add", args=[enrolment.pk])


def test_the_form_offers_the_plan_s_modules(active, via, programme, host, coach_client):
    make_module(programme=programme, name="M.I.")  # in the programme, not in the plan
    form = coach_client.get(add_url(active)).context["form"]
    assert list(form.fields["module"].queryset) == [via]

    response = coach_client.post(add_url(active), form_data(host, module=via.pk))

    assert response.status_code == 302
    placement = Placement.objects.get()
    assert placement.module == via
    html = coach_client.get(active.get_absolute_url()).content.decode()
    assert "Within the module" in html


def test_without_a_plan_there_is_no_module_question(active, host, coach_client):
    form = coach_client.get(add_url(active)).context["form"]
    assert "module" not in form.fields
    coach_client.post(add_url(active), form_data(host))
    assert Placement.objects.get().module is None


def test_a_module_outside_the_plan_is_not_a_choice(active, via, programme, host, coach_client):
    other = make_module(programme=programme, name="M.I.")
    response = coach_client.post(add_url(active), form_data(host, module=other.pk))
    assert "Select a valid choice" in response.content.decode()
    assert not Placement.objects.exists()


def test_the_service_refuses_another_programme_s_module(active, organisation, host, coach):
    elsewhere = make_module(programme=make_programme(organisation=organisation))
    with pytest.raises(ValidationError, match="another programme"):
        services.placement_create(
            enrolment=active,
            data={
                "kind": "job_tasting",
                "host": host,
                "role": "Bike repair",
                "hours_per_week": 20,
                "starts_on": TODAY,
                "module": elsewhere,
            },
            by=coach.user,
        )
    assert not Placement.objects.exists()
