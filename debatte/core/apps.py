from typing import Any

from django.apps import AppConfig
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
        post_migrate.connect(_statistics_after_migrate, sender=self, dispatch_uid="core-stats")


def _statistics_on_connect(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    from debatte.core.sqlite_stats import optimize

    optimize(connection)


def _statistics_after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    from debatte.core.sqlite_stats import optimize

    optimize(connections[using], thorough=True)
