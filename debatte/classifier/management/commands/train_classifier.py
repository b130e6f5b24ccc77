"""``debatte train-classifier``: reproducibly train the toxicity model on the public corpora."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "Train the toxicity classifier from ../shared/data (fixed seeds). The default model uses "
        "only corpora whose licence allows shipping it (GermEval 2018, Davidson 2017)."
    )
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", help="model directory (default: the shipped model's)")
        parser.add_argument("--data-dir", help="corpora directory (default: ../shared/data)")
        parser.add_argument(
            "--include-noncommercial",
            action="store_true",
            help="also train on One Million Posts and GerMS-Detect (CC BY-NC-SA 4.0): an "
            "opt-in variant that must not be shipped in a commercial product",
        )
        parser.add_argument(
            "--with-site-decisions",
            metavar="JSONL",
            help="JSON lines {text, label|decision} exported from the site's moderation",
        )
        parser.add_argument(
            "--no-embeddings", action="store_true", help="train the fast linear path only"
        )
        parser.add_argument("--seed", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        from debatte.classifier.model import DEFAULT_MODEL_DIR
        from debatte.classifier.train import train
        from debatte.classifier.train_config import TrainConfig

        out = Path(options["out"]) if options["out"] else DEFAULT_MODEL_DIR
        if (options["include_noncommercial"] or options["with_site_decisions"]) and not options[
            "out"
        ]:
            raise CommandError(
                "--include-noncommercial / --with-site-decisions need --out: the shipped "
                "default model must stay trained on openly licensed data only"
            )
        cfg = TrainConfig(
            out_dir=out,
            data_root=Path(options["data_dir"]) if options["data_dir"] else None,
            include_noncommercial=options["include_noncommercial"],
            site_decisions=Path(options["with_site_decisions"])
            if options["with_site_decisions"]
            else None,
            use_embeddings=not options["no_embeddings"],
        )
        if options["seed"] is not None:
            cfg.seed = options["seed"]
        meta = train(cfg, progress=lambda msg: self.stdout.write(msg))
        for head, rep in meta["cross_validation"].items():
            self.stdout.write(f"{head}: cross-validation on training data: {rep}")
