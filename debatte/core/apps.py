from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "debatte.core"
    label = "core"
