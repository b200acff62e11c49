from tests.portal.factories import make_access, sign_in


def test_home_renders(portal):
    response = portal.get("/p/home/")
    assert response.status_code == 200, response.content[:2000]
    assert b"Selam" in response.content


def test_first_use_chooses_a_pin(client, participant, active):
    _access, code = make_access(participant=participant, pin=None)
    response = client.get(f"/p/{code}/")
    assert response.status_code == 302
    response = client.get("/p/pin/")
    assert b"Choose your PIN" in response.content
