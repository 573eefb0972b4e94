import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def german():
    """Messages are asserted in German, the interface's first language."""
    with translation.override("de"):
        yield
