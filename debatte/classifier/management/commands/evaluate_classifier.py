"""``debatte evaluate-classifier``: held-out figures next to the published anchors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Evaluate the toxicity classifier on the held-out test sets (GermEval 2018 etc.)."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--model-dir", help="model directory (default: the shipped model)")
        parser.add_argument("--data-dir", help="corpora directory (default: ../shared/data)")
        parser.add_argument("--fast-only", action="store_true", help="skip the embedding path")
        parser.add_argument("--json", help="also write all figures to this JSON file")

    def handle(self, *args: Any, **options: Any) -> None:
        from debatte.classifier.evaluate import evaluate, format_results

        results = evaluate(
            options["model_dir"],
            Path(options["data_dir"]) if options["data_dir"] else None,
            modes=("fast",) if options["fast_only"] else ("fast", "full"),
            progress=lambda msg: self.stderr.write(msg),
        )
        self.stdout.write(format_results(results))
        if options["json"]:
            Path(options["json"]).write_text(json.dumps(results, indent=2, default=float) + "\n")
