import pytest


@pytest.fixture(autouse=True)
def _no_n_plus_one():
    # The deployment runs in processes of its own: nothing of this pytest process to watch.
    yield
