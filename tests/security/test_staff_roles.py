"""The manager role opens every participant file of the organisation, so nobody gives it to
themself: an administrator can neither take it nor grant it, nor hand a manager's account to
someone through an invitation; a manager of the organisation (or the superuser) grants it.
Every role change is in the application's audit log, with who made it."""

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse

from audit.models import Event
from programme.models import Staff
from tests.factories import PASSWORD, make_staff

pytestmark = pytest.mark.django_db
ADD = reverse("admin:programme_staff_add")
CHANGELIST = reverse("admin:programme_staff_changelist")


def change_url(staff: Staff) -> str:
    return reverse("admin:programme_staff_change", args=[staff.pk])


def role_events(staff: Staff):
    return Event.objects.filter(object_type="staff", object_id=staff.pk)


def test_an_administrator_cannot_make_themself_a_manager(administrator, administrator_client):
    form = administrator_client.get(change_url(administrator)).context["adminform"].form
    assert Staff.Role.MANAGER not in dict(form.fields["role"].choices)

    response = administrator_client.post(
        change_url(administrator),
        {"role": Staff.Role.MANAGER, "site": "", "is_active": "on", "_save": "Save"},
    )

    assert response.status_code == 200
    assert "role" in response.context["adminform"].form.errors
    administrator.refresh_from_db()
    assert administrator.role == Staff.Role.ADMINISTRATOR
    assert not role_events(administrator).exists()


def test_an_administrator_cannot_change_their_own_role(administrator, administrator_client):
    # As a coach they would open participant files: someone else decides that.
    response = administrator_client.post(
        change_url(administrator),
        {"role": Staff.Role.COACH, "site": "", "is_active": "on", "_save": "Save"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["role"] == [
        "Nobody changes their own role: ask a colleague who may give it."
    ]
    administrator.refresh_from_db()
    assert administrator.role == Staff.Role.ADMINISTRATOR


def test_an_administrator_cannot_make_a_colleague_a_manager(colleague, administrator_client):
    response = administrator_client.post(
        change_url(colleague),
        {"role": Staff.Role.MANAGER, "site": "", "is_active": "on", "_save": "Save"},
    )
    assert response.status_code == 200
    colleague.refresh_from_db()
    assert colleague.role == Staff.Role.COACH


def test_an_administrator_cannot_create_a_manager_account(administrator_client):
    response = administrator_client.post(
        ADD,
        {
            "first_name": "Eve",
            "last_name": "Proxy",
            "email": "eve@cpas-liege.example",
            "role": Staff.Role.MANAGER,
            "site": "",
            "_save": "Save",
        },
    )
    assert response.status_code == 200
    assert "role" in response.context["adminform"].form.errors
    assert not Staff.objects.filter(user__email="eve@cpas-liege.example").exists()
    assert mail.outbox == []


def test_an_administrator_cannot_change_a_managers_role(manager, administrator_client):
    # Demoting, then choosing a new password by invitation, would hand the account over.
    response = administrator_client.post(
        change_url(manager),
        {"role": Staff.Role.COACH, "site": "", "is_active": "on", "_save": "Save"},
    )
    # The field is shown but fixed: the posted value is ignored.
    assert response.status_code == 302
    manager.refresh_from_db()
    assert manager.role == Staff.Role.MANAGER


def test_an_administrator_cannot_send_a_password_link_for_a_manager(
    organisation, superuser_client, administrator_client
):
    superuser_client.post(
        ADD,
        {
            "first_name": "New",
            "last_name": "Manager",
            "email": "new.manager@cpas-liege.example",
            "organisation": organisation.pk,
            "role": Staff.Role.MANAGER,
            "site": "",
            "_save": "Save",
        },
    )
    manager = Staff.objects.get(user__email="new.manager@cpas-liege.example")
    mail.outbox.clear()

    administrator_client.post(
        CHANGELIST, {"action": "resend_invitation", "_selected_action": [manager.pk]}
    )

    assert mail.outbox == []


def test_an_administrator_may_still_end_a_managers_access(manager, administrator_client):
    # People leave: taking access away widens nobody's.
    response = administrator_client.post(
        change_url(manager), {"role": Staff.Role.MANAGER, "site": "", "_save": "Save"}
    )
    assert response.status_code == 302
    manager.user.refresh_from_db()
    assert not manager.user.is_active


def test_a_manager_grants_the_manager_role(manager, colleague, manager_client):
    page = manager_client.get(reverse("account:team"))
    assert page.status_code == 200
    assert "Pieter" in page.content.decode()

    response = manager_client.post(reverse("account:grant-manager", args=[colleague.pk]))

    assert response.status_code == 302
    colleague.refresh_from_db()
    assert colleague.role == Staff.Role.MANAGER
    event = role_events(colleague).get()
    assert event.actor_id == manager.user.pk
    assert event.changes == {"role": ["coach", "manager"]}
    assert event.organisation_id == colleague.organisation_id


def test_the_new_manager_signs_in_again_and_sets_up_a_second_factor(
    manager, colleague, manager_client
):
    colleague_client = Client()
    colleague_client.post(reverse("login"), {"username": "pieter", "password": PASSWORD})
    assert Session.objects.count() == 2

    manager_client.post(reverse("account:grant-manager", args=[colleague.pk]))

    # The coach's session (with no second factor) is over; the next sign-in asks for one.
    assert colleague_client.get(reverse("participants:caseload")).status_code == 302
    colleague_client.post(reverse("login"), {"username": "pieter", "password": PASSWORD})
    assert colleague_client.get(reverse("participants:caseload")).url.startswith(
        reverse("account:two-factor-setup")
    )


@pytest.mark.parametrize("persona", ["coach_client", "administrator_client"])
def test_only_managers_reach_the_team_page(request, persona, colleague):
    client = request.getfixturevalue(persona)
    assert client.get(reverse("account:team")).status_code == 404
    assert client.post(reverse("account:grant-manager", args=[colleague.pk])).status_code == 404
    colleague.refresh_from_db()
    assert colleague.role == Staff.Role.COACH


def test_a_manager_cannot_grant_the_role_in_another_organisation(outsider, manager_client):
    response = manager_client.post(reverse("account:grant-manager", args=[outsider.pk]))
    assert response.status_code == 404
    outsider.refresh_from_db()
    assert outsider.role == Staff.Role.COACH


def test_the_team_page_needs_a_post_to_grant(colleague, manager_client):
    response = manager_client.get(reverse("account:grant-manager", args=[colleague.pk]))
    assert response.status_code == 405


def test_every_role_change_in_the_admin_is_audited(
    organisation, colleague, administrator, administrator_client, superuser, superuser_client
):
    administrator_client.post(
        change_url(colleague),
        {"role": Staff.Role.ADMINISTRATOR, "site": "", "is_active": "on", "_save": "Save"},
    )
    superuser_client.post(
        change_url(colleague),
        {"role": Staff.Role.MANAGER, "site": "", "is_active": "on", "_save": "Save"},
    )

    events = list(role_events(colleague).order_by("at", "pk"))
    assert [(e.actor_id, e.action, e.changes) for e in events] == [
        (administrator.user.pk, "update", {"role": ["coach", "administrator"]}),
        (superuser.pk, "update", {"role": ["administrator", "manager"]}),
    ]
    assert all(e.organisation_id == organisation.pk for e in events)
    assert "Pieter Claes" in events[0].note


def test_staff_creation_in_the_admin_is_audited(administrator, administrator_client):
    administrator_client.post(
        ADD,
        {
            "first_name": "Lucas",
            "last_name": "Martin",
            "email": "lucas@cpas-liege.example",
            "role": Staff.Role.COACH,
            "site": "",
            "_save": "Save",
        },
    )
    staff = Staff.objects.get(user__email="lucas@cpas-liege.example")
    event = role_events(staff).get()
    assert event.action == Event.Action.CREATE
    assert event.actor_id == administrator.user.pk
    assert event.changes["role"] == [None, "coach"]


def test_another_organisations_administrator_changes_nothing_here(other_organisation, colleague):
    foreign_admin = make_staff(organisation=other_organisation, role=Staff.Role.ADMINISTRATOR)
    client = Client()
    client.force_login(foreign_admin.user)
    session = client.session
    session["parcours_second_factor"] = "done"
    session.save()
    response = client.post(
        change_url(colleague),
        {"role": Staff.Role.ADMINISTRATOR, "site": "", "is_active": "on", "_save": "Save"},
    )
    assert response.status_code == 302
    assert response.url == reverse("admin:index")
    colleague.refresh_from_db()
    assert colleague.role == Staff.Role.COACH


@pytest.mark.parametrize("extra", [0, 19])
def test_the_team_page_costs_the_same_at_one_row_and_at_twenty(
    organisation, manager, manager_client, django_assert_num_queries, extra
):
    for _n in range(extra):
        make_staff(organisation=organisation, site=organisation.sites.get_or_create(name="A")[0])
    # 1. the session  2. the user with their staff record and organisation
    # 3. the organisation's staff with their users and sites
    with django_assert_num_queries(3):
        response = manager_client.get(reverse("account:team"))
    assert len(response.context["colleagues"]) == extra + 1
