"""Adding and changing colleagues through the admin's own pages, as an organisation's
administrator and as the superuser: the account, the role and the invitation in one go."""

import smtplib

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse

from audit.models import Event
from programme.models import Staff
from tests.factories import make_organisation, make_staff

pytestmark = pytest.mark.django_db
ADD = reverse("admin:programme_staff_add")
CHANGELIST = reverse("admin:programme_staff_changelist")


class RefusingBackend(BaseEmailBackend):
    """A mail relay that is down."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def change_url(staff: Staff) -> str:
    return reverse("admin:programme_staff_change", args=[staff.pk])


def new_colleague(**overrides) -> dict:
    return {
        "first_name": "Lucas",
        "last_name": "Martin",
        "email": "Lucas.Martin@cpas-liege.example",
        "role": Staff.Role.COACH,
        "site": "",
        "_save": "Save",
        **overrides,
    }


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_an_administrator_adds_a_colleague_to_their_own_organisation(
    organisation, other_organisation, administrator, administrator_client
):
    form = administrator_client.get(ADD)
    assert form.status_code == 200
    assert "organisation" not in form.context["adminform"].form.fields

    response = administrator_client.post(ADD, new_colleague())

    assert response.status_code == 302
    staff = Staff.objects.get(user__username="lucas.martin@cpas-liege.example")
    assert staff.organisation == organisation
    assert staff.role == Staff.Role.COACH
    assert staff.user.email == "lucas.martin@cpas-liege.example"
    assert staff.user.get_full_name() == "Lucas Martin"
    # Nobody but the colleague will know the password: there is none until they choose it.
    assert not staff.user.has_usable_password()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["lucas.martin@cpas-liege.example"]
    assert "/accounts/invite/" in mail.outbox[0].body
    assert any("An invitation went to" in text for text in messages_of(response))


def test_an_administrator_cannot_add_a_colleague_to_another_organisation(
    other_organisation, administrator_client
):
    administrator_client.post(ADD, new_colleague(organisation=other_organisation.pk))
    # The organisation is not a field for them: the colleague lands in their own.
    assert Staff.objects.get(user__username="lucas.martin@cpas-liege.example").organisation != (
        other_organisation
    )


def test_the_superuser_adds_a_colleague_to_any_organisation(other_organisation, superuser_client):
    response = superuser_client.post(
        ADD, new_colleague(organisation=other_organisation.pk, role=Staff.Role.MANAGER)
    )
    assert response.status_code == 302
    staff = Staff.objects.get(user__username="lucas.martin@cpas-liege.example")
    assert staff.organisation == other_organisation
    assert staff.role == Staff.Role.MANAGER
    assert len(mail.outbox) == 1


def test_the_history_entry_of_the_admin_is_written(administrator_client):
    administrator_client.post(ADD, new_colleague())
    staff = Staff.objects.get(user__username="lucas.martin@cpas-liege.example")
    history = administrator_client.get(reverse("admin:programme_staff_history", args=[staff.pk]))
    assert history.status_code == 200
    assert "Added." in history.content.decode()


def test_an_address_already_in_use_is_refused(coach, administrator_client):
    response = administrator_client.post(ADD, new_colleague(email=coach.user.email.upper()))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["email"] == [
        "An account already uses this e-mail address."
    ]
    assert mail.outbox == []


def test_a_site_of_another_organisation_is_refused(other_organisation, administrator_client):
    foreign_site = other_organisation.sites.create(name="Antenne Noord")
    response = administrator_client.post(ADD, new_colleague(site=foreign_site.pk))
    assert response.status_code == 200
    assert "site" in response.context["adminform"].form.errors
    assert not get_user_model().objects.filter(email="lucas.martin@cpas-liege.example").exists()


def test_an_administrator_changes_a_coachs_role_and_site(
    organisation, colleague, administrator_client
):
    site = organisation.sites.create(name="Antenne Nord")
    response = administrator_client.post(
        change_url(colleague),
        {"role": Staff.Role.ADMINISTRATOR, "site": site.pk, "is_active": "on", "_save": "Save"},
    )
    assert response.status_code == 302
    colleague.refresh_from_db()
    colleague.user.refresh_from_db()
    assert colleague.role == Staff.Role.ADMINISTRATOR
    assert colleague.site == site
    assert colleague.user.is_staff  # the admin screens come with the role


def test_the_superuser_changes_a_role(colleague, superuser_client):
    response = superuser_client.post(
        change_url(colleague),
        {"role": Staff.Role.MANAGER, "site": "", "is_active": "on", "_save": "Save"},
    )
    assert response.status_code == 302
    colleague.refresh_from_db()
    assert colleague.role == Staff.Role.MANAGER


def test_deactivating_a_colleague_is_audited(colleague, administrator, administrator_client):
    administrator_client.post(
        change_url(colleague), {"role": Staff.Role.COACH, "site": "", "_save": "Save"}
    )
    colleague.user.refresh_from_db()
    assert not colleague.user.is_active
    event = Event.objects.get(object_type="staff", object_id=colleague.pk)
    assert event.changes == {"may_sign_in": [True, False]}
    assert event.actor_id == administrator.user.pk


def test_the_invitation_is_sent_again_and_the_old_link_stops(administrator_client):
    administrator_client.post(ADD, new_colleague())
    staff = Staff.objects.get(user__username="lucas.martin@cpas-liege.example")
    first_link = mail.outbox[0].body

    response = administrator_client.post(
        CHANGELIST, {"action": "resend_invitation", "_selected_action": [staff.pk]}
    )

    assert response.status_code == 302
    assert len(mail.outbox) == 2
    assert mail.outbox[1].body != first_link
    assert any("An invitation went to" in text for text in messages_of(response))


def test_no_invitation_is_sent_to_someone_who_has_a_password(coach, administrator_client):
    response = administrator_client.post(
        CHANGELIST, {"action": "resend_invitation", "_selected_action": [coach.pk]}
    )
    assert mail.outbox == []
    assert any("has already chosen a password" in text for text in messages_of(response))


def test_a_mail_server_that_is_down_is_said_in_the_admin(settings, administrator_client):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    response = administrator_client.post(ADD, new_colleague())
    assert response.status_code == 302
    # The account is kept, and the administrator is told the truth about the mail.
    staff = Staff.objects.get(user__username="lucas.martin@cpas-liege.example")
    texts = messages_of(response)
    assert any("could not be sent" in text for text in texts)
    assert not any("An invitation went to" in text for text in texts)

    resend = administrator_client.post(
        CHANGELIST, {"action": "resend_invitation", "_selected_action": [staff.pk]}
    )
    assert any("could not be sent" in text for text in messages_of(resend))


def test_the_staff_list_names_only_the_own_organisation(
    administrator, outsider, administrator_client
):
    make_staff(organisation=make_organisation(name="CPAS de Namur"), last_name="Namurois")
    response = administrator_client.get(CHANGELIST)
    html = response.content.decode()
    assert "Namurois" not in html
    assert "Peeters" not in html  # the outsider
    assert "Renard" in html
