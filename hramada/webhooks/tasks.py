from django_tasks import task


@task()
def deliver(delivery_id: int) -> None:
    """One attempt at a webhook delivery (idempotent: a delivery not due, or done, is left alone)."""
    from . import services

    services.attempt(delivery_id)
