import pytest


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "deploy: installs the project as docs/deployment.md says and drives it over HTTP "
        "(PostgreSQL only; a few minutes)",
    )


@pytest.fixture(autouse=True)
def _no_n_plus_one():
    # The deployment runs in processes of its own: nothing of this pytest process to watch.
    yield
