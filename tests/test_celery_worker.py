import pytest

from engage.tasks import ping
from tests.worker import running_worker


def test_tasks_run_in_process_when_there_is_no_redis(settings):
    assert ping.delay().get(timeout=1) == "pong"


@pytest.mark.redis
def test_a_real_worker_answers_the_health_task_through_redis(transactional_db):
    with running_worker() as worker:
        result = ping.delay()
        assert result.get(timeout=30) == "pong"
        assert worker.poll() is None
        assert result.successful()
