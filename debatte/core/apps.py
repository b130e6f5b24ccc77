from typing import Any

from django.apps import AppConfig, apps
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "debatte.core"
    label = "core"

    def ready(self) -> None:
        # SQLite's planner statistics: checked as each connection opens, and thoroughly after
        # migrate (core/sqlite_stats.py; the worker's ten-minute run does it too).
        connection_created.connect(_statistics_on_connect, dispatch_uid="core-sqlite-stats")
        post_migrate.connect(_statistics_after_migrate, dispatch_uid="core-sqlite-stats-migrate")


def _statistics_on_connect(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    from debatte.core.sqlite_stats import optimize

    optimize(connection)


def _statistics_after_migrate(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    # post_migrate is sent once per app with models (core has none): act on the last one's.
    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if not with_models or sender is not with_models[-1]:
        return
    from debatte.core.sqlite_stats import optimize

    optimize(connections[using], thorough=True, new_indexes=True)
