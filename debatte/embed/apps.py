from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmbedConfig(AppConfig):
    name = "debatte.embed"
    label = "embed"
    verbose_name = _("Embedding and SSO")
