import datetime

import pytest

from demo import load as demo

TODAY = datetime.date(2026, 11, 23)


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """One demo for the whole module (it takes seconds to build), removed afterwards."""
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            demo.load(today=TODAY)
            yield
            transaction.set_rollback(True)
