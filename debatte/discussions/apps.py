from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscussionsConfig(AppConfig):
    name = "debatte.discussions"
    label = "discussions"
    verbose_name = _("Discussions")

    def ready(self) -> None:
        from debatte.accounts import forgetting
        from debatte.discussions import reader_data

        forgetting.register(self.label, export=reader_data.export, forget=reader_data.forget)
