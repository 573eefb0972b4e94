"""`werkstatt load_reference_data [--dir DIR]`: (re)load regions, sectors, capabilities,
certifications and materials from JSON files; by default the ones Werkstatt ships."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from werkstatt.network.services.reference_data import (
    DATA_DIR,
    ReferenceDataError,
    load_reference_data,
)


class Command(BaseCommand):
    help = "Create or update the reference data (regions, sectors, capabilities, ...) from files."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir",
            dest="directory",
            type=Path,
            default=DATA_DIR,
            help="Folder with regions.json, sectors.json, capabilities.json, "
            "certifications.json, materials.json (absent files are skipped).",
        )

    def handle(self, *args, directory: Path, **options):
        if not directory.is_dir():
            raise CommandError(f"{directory} is not a folder.")
        try:
            report = load_reference_data(directory=directory)
        except ReferenceDataError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Reference data loaded from {directory}: {report}"))
