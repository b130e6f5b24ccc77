from django.db import models


class WorkerHeartbeat(models.Model):
    """A running `debatte worker` says it lives every few seconds; /readyz reads it."""

    name = models.CharField(max_length=200, unique=True)  # host:pid
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.name
