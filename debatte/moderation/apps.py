from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    name = "debatte.moderation"
    label = "moderation"
    verbose_name = _("Moderation")

    def ready(self) -> None:
        from debatte.moderation import plug_ins, receivers, signals

        signals.connect()
        receivers.connect()
        plug_ins.install()
