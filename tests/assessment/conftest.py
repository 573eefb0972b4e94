import pytest

from tests.assessment.factories import assessment_process, participant, recommendations


@pytest.fixture
def process(db):
    return assessment_process(slug="zukunftswerkstatt", title="ZukunftsWerkstatt INDUSTRIE")


@pytest.fixture
def recs(process):
    return recommendations(process, 4)


@pytest.fixture
def member(process):
    return participant(process, email="firma@example.org")


@pytest.fixture(autouse=True)
def _fresh_results_memo():
    """Each test starts without remembered results (ids repeat between tests)."""
    from werkstatt.assessment.services import results

    results._memo.clear()
