"""`manage.py backup` and `manage.py restore`: what a backup holds, and what a restore refuses.
The full round trip (demo data, backup, restore into a fresh database, compare) is `make backup-test`."""

import json
import tarfile
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from hramada.core import backup
from hramada.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media(settings):
    public = settings.MEDIA_ROOT / "communities"
    public.mkdir(parents=True)
    (public / "photo.png").write_bytes(b"\x89PNG public")
    private = settings.PRIVATE_MEDIA_ROOT / "contests"
    private.mkdir(parents=True)
    (private / "cover.pdf").write_bytes(b"%PDF private")
    return settings


def make_backup(tmp_path) -> backup.Path:
    out = StringIO()
    call_command("backup", "--output", str(tmp_path / "backups"), stdout=out)
    return backup.Path(out.getvalue().strip())


def test_a_backup_holds_the_database_both_media_folders_and_a_manifest(media, tmp_path):
    PersonFactory.create_batch(3)
    folder = make_backup(tmp_path)

    assert folder.name.startswith("hramada-")
    database = "database.dump" if connection.vendor == "postgresql" else "database.sqlite3"
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [database, "manifest.json", "media.tar", "private_media.tar"]
    )
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["engine"] == connection.vendor
    assert manifest["row_counts"]["people_person"] == 3
    assert manifest["row_counts"]["django_migrations"] > 0
    assert set(manifest["files"]) == {database, "media.tar", "private_media.tar"}
    assert all(manifest["files"][name] == backup.sha256(folder / name) for name in manifest["files"])
    assert manifest["media_files"]["media"] == {
        "communities/photo.png": backup.sha256(media.MEDIA_ROOT / "communities/photo.png")
    }
    assert list(manifest["media_files"]["private_media"]) == ["contests/cover.pdf"]
    with tarfile.open(folder / "private_media.tar") as tar:
        assert tar.getnames() == ["contests/cover.pdf"]
    if connection.vendor == "postgresql":
        assert (folder / database).read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    else:
        assert (folder / database).read_bytes()[:15] == b"SQLite format 3"


def test_restore_refuses_a_database_that_is_not_empty_without_force(media, tmp_path):
    folder = make_backup(tmp_path)
    with pytest.raises(CommandError, match="is not empty: restore into a new database, or pass --force"):
        call_command("restore", str(folder))


def test_restore_refuses_a_damaged_backup_before_touching_anything(media, tmp_path):
    folder = make_backup(tmp_path)
    with (folder / "media.tar").open("ab") as fh:
        fh.write(b"x")
    with pytest.raises(CommandError, match="media.tar does not match its sha256"):
        call_command("restore", "--force", str(folder))
    (folder / "manifest.json").unlink()
    with pytest.raises(CommandError, match="has no manifest.json"):
        call_command("restore", str(folder))


def test_compare_reports_rows_and_files_that_differ_from_the_manifest(media, tmp_path):
    folder = make_backup(tmp_path)
    manifest = backup.read_manifest(folder)
    assert backup.compare(manifest) == {}
    PersonFactory()
    (media.PRIVATE_MEDIA_ROOT / "contests" / "cover.pdf").write_bytes(b"changed")
    differences = backup.compare(manifest)
    assert differences["table people_person"] == (0, 1)
    assert set(differences) == {"table people_person", "private_media/contests/cover.pdf"}
