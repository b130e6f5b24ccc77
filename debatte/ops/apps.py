from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations: health and readiness probes, Prometheus metrics, the worker's heartbeat."""

    name = "debatte.ops"
    label = "ops"

    def ready(self) -> None:
        from debatte.ops import metrics

        metrics.connect()
