"""A room's own address and the photo of its entrance: uploaded by an administrator, made
small, and shown on the phone of the people who have a session there (a request of its own)."""

import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from programme.models import Room, RoomPhoto
from programme.photos import room_photo_set
from tests.factories import make_participant
from tests.portal.factories import portal_client_for
from tests.sessions.factories import days_from_today, make_room, make_session


def picture(width=1600, height=1200, kind="JPEG", noise=False) -> bytes:
    if noise:
        image = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    else:
        image = Image.new("RGB", (width, height), (200, 120, 40))
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    image.save(out, format=kind, **({"exif": exif} if kind == "JPEG" else {}))
    return out.getvalue()


@pytest.fixture
def room(organisation):
    room = make_room(organisation=organisation, name="Salle Meuse")
    room.site.address = "Rue de la Station 12, 4000 Liège"
    room.site.save()
    return room


@pytest.fixture
def photographed(room):
    room_photo_set(room, picture(400, 300), "image/jpeg")
    return room


@pytest.fixture
def session(programme, participant, photographed):
    return make_session(
        programme=programme, date=days_from_today(2), room=photographed, expected=[participant]
    )


def photo_url(room):
    return reverse("portal:room-photo", args=[room.pk])


# The administrator's upload ------------------------------------------------------------------


def change(administrator_client, room, **fields):
    data = {"site": room.site_id, "name": room.name, "capacity": "", "address": "", **fields}
    return administrator_client.post(reverse("admin:programme_room_change", args=[room.pk]), data)


def test_an_administrator_adds_the_photo_made_small_and_without_metadata(
    administrator_client, room
):
    upload = SimpleUploadedFile("entrance.jpg", picture(), content_type="image/jpeg")
    response = change(
        administrator_client, room, entrance_photo=upload, address="Rue Haute 3, Liège"
    )
    assert response.status_code == 302
    room.refresh_from_db()
    assert room.address == "Rue Haute 3, Liège" and room.photo_digest
    photo = RoomPhoto.objects.get(room=room)
    assert photo.content_type == "image/jpeg" and len(photo.content) <= 300 * 1024
    with Image.open(io.BytesIO(bytes(photo.content))) as image:
        assert image.size == (800, 600)
        assert not image.getexif()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("entrance.jpg", b"<html>not a photo</html>", "Send a photo in JPEG, PNG or WebP."),
        ("entrance.gif", b"GIF89a" + bytes(100), "Send a photo in JPEG, PNG or WebP."),
        ("entrance.jpg", b"\xff\xd8\xff" + bytes(100), "This photo cannot be read."),
        ("big.jpg", b"\xff\xd8\xff" + bytes(5 * 1024 * 1024), "The photo is too large"),
        ("noise.png", picture(800, 700, "PNG", noise=True), "still too large once made smaller"),
    ],
)
def test_a_wrong_or_oversize_upload_is_refused_and_nothing_written(
    administrator_client, room, name, content, message
):
    upload = SimpleUploadedFile(name, content, content_type="image/jpeg")
    response = change(administrator_client, room, entrance_photo=upload, address="Elsewhere 1")
    assert response.status_code == 200
    assert message in response.content.decode()
    room.refresh_from_db()
    assert (room.address, room.photo_digest) == ("", "")
    assert not RoomPhoto.objects.exists()


def test_the_photo_can_be_removed(administrator_client, photographed):
    assert change(administrator_client, photographed, remove_photo="on").status_code == 302
    photographed.refresh_from_db()
    assert photographed.photo_digest == "" and not RoomPhoto.objects.exists()


def test_another_organisations_room_is_out_of_reach(administrator_client, other_organisation):
    theirs = make_room(organisation=other_organisation)
    upload = SimpleUploadedFile("entrance.jpg", picture(), content_type="image/jpeg")
    response = change(administrator_client, theirs, entrance_photo=upload)
    assert response.status_code in (302, 404)
    assert not RoomPhoto.objects.exists()


# Who sees it -----------------------------------------------------------------------------------


def test_the_participant_sees_the_photo_of_their_sessions_room(portal, session):
    room = session.room
    response = portal.get(photo_url(room))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["ETag"] == f'"{room.photo_digest}"'
    assert "private" in response["Cache-Control"]
    again = portal.get(photo_url(room), headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304 and not again.content


def test_another_participant_does_not(neighbour_portal, session):
    assert neighbour_portal.get(photo_url(session.room)).status_code == 404


def test_staff_of_the_organisation_do_and_others_do_not(
    coach_client, administrator_client, outsider_client, outsider_manager_client, session, client
):
    url = photo_url(session.room)
    assert coach_client.get(url).status_code == 200
    assert administrator_client.get(url).status_code == 200
    assert outsider_client.get(url).status_code == 404
    assert outsider_manager_client.get(url).status_code == 404
    assert client.get(url).status_code == 404


def test_no_photo_no_page(portal, programme, participant, room):
    make_session(programme=programme, date=days_from_today(2), room=room, expected=[participant])
    assert portal.get(photo_url(room)).status_code == 404


def test_a_participant_of_another_organisation_does_not(session, outsider):
    stranger = make_participant(organisation=outsider.organisation, coach=outsider.user)
    client, _access = portal_client_for(stranger)
    assert client.get(photo_url(session.room)).status_code == 404


# On the phone ------------------------------------------------------------------------------------


def test_the_session_card_shows_the_entrance_and_the_rooms_address(portal, session):
    Room.objects.filter(pk=session.room_id).update(address="Rue Haute 3, 4000 Liège")
    html = portal.get("/p/home/").content.decode()
    assert 'alt="Photo of the entrance"' in html and 'loading="lazy"' in html
    assert photo_url(session.room) in html
    assert "Rue Haute 3, 4000 Liège" in html
    assert "Rue de la Station 12" not in html


def test_no_photo_no_picture(portal, programme, participant, room):
    make_session(programme=programme, date=days_from_today(2), room=room, expected=[participant])
    html = portal.get("/p/home/").content.decode()
    assert "Photo of the entrance" not in html
    assert "Rue de la Station 12, 4000 Liège" in html
