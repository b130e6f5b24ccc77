from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiveConfig(AppConfig):
    name = "debatte.live"
    label = "live"
    verbose_name = _("Live updates")

    def ready(self) -> None:
        from debatte.live import events

        events.connect()
