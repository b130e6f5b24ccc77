from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from debatte.core.fdlimits import current_stream_capacity


class Command(BaseCommand):
    help = "Serve Debatte with uvicorn (ASGI), static files through WhiteNoise."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=1)
        parser.add_argument("--log-level", default="info")

    def handle(self, *args: Any, **options: Any) -> None:
        import uvicorn

        self.stdout.write(f"Debatte on http://{options['host']}:{options['port']}/")
        # Said at start, so an operator sees how many readers one process can stream to.
        capacity = current_stream_capacity()
        self.stdout.write(capacity.describe())
        uvicorn.run(
            "config.asgi:application",
            host=options["host"],
            port=options["port"],
            workers=options["workers"],
            log_level=options["log_level"],
            proxy_headers=True,
            lifespan="off",
        )
