from celery import shared_task


@shared_task(name="engage.ping")
def ping() -> str:
    """Health task: proves a worker takes work from the broker and answers."""
    return "pong"
