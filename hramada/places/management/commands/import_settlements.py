from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hramada.places import services


class Command(BaseCommand):
    help = (
        "Import districts and settlements from a UTF-8 CSV file (columns: region_code, district_en, name_en, "
        "kind, and optionally name_be, name_ru, district_be, district_ru, latitude, longitude). Good rows are "
        "saved; each bad row is reported with its line number. Re-importing updates instead of duplicating."
    )

    def add_arguments(self, parser):
        parser.add_argument("csv_file", type=Path)

    def handle(self, *args, csv_file: Path, **options):
        try:
            text = csv_file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {csv_file}: {exc}") from exc
        report = services.import_settlements(actor=None, text=text)
        self.stdout.write(
            f"{report.created} created, {report.updated} updated, {len(report.errors)} rows with errors"
        )
        for line, problem in report.errors:
            self.stderr.write(f"line {line}: {problem}")
        if report.errors:
            raise CommandError("Some rows were not imported; fix them and import the file again.")
