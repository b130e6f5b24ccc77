"""``debatte classify [FILE]``: score JSON lines (``{"text": ...}``) from a file or stdin."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Score comments: JSON lines with a 'text' field in, JSON lines with score/reasons out."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="input JSON lines (default: stdin, or '-')")
        parser.add_argument(
            "--mode",
            choices=["auto", "fast", "full"],
            default="auto",
            help="auto: full model when its embedding backends load (default)",
        )
        parser.add_argument("--model-dir", help="model directory (default: the shipped model)")

    def handle(self, *args: Any, **options: Any) -> None:
        from debatte.classifier.jsonl import classify_lines
        from debatte.classifier.model import get_model

        model = get_model(options["model_dir"])
        path = options["file"]
        write = self.stdout.write  # lines end with "\n", so no extra newline is added
        if path and path != "-":
            with open(path, encoding="utf-8") as fh:
                classify_lines(fh, write, mode=options["mode"], model=model)
        else:
            classify_lines(sys.stdin, write, mode=options["mode"], model=model)
