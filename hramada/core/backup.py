"""Backups of the database and both media folders, and their restore (docs/deploy.md, "Backups and restore").

A backup is a folder ``hramada-<UTC time>/`` holding:

- ``database.dump`` (PostgreSQL: ``pg_dump --format=custom``) or ``database.sqlite3`` (SQLite: a copy
  made with sqlite3's online backup API, consistent while the site runs);
- ``media.tar`` (MEDIA_ROOT) and ``private_media.tar`` (PRIVATE_MEDIA_ROOT);
- ``manifest.json``: the engine and tool versions, the row count of every table, the sha256 of every
  file in the folder and of every file inside the two media folders.

A restore checks the folder against its manifest before it touches anything, then loads the database
and unpacks the media, and finally compares the restored row counts and media files with the manifest.
"""

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
from datetime import UTC, datetime
from pathlib import Path

import django
from django.conf import settings
from django.db import connection, connections

MANIFEST = "manifest.json"
MEDIA_FOLDERS = {"media": "MEDIA_ROOT", "private_media": "PRIVATE_MEDIA_ROOT"}


class BackupError(Exception):
    """Something the operator must fix; the message says what."""


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def folder_hashes(root: Path) -> dict[str, str]:
    """sha256 of every regular file under ``root``, by its path relative to ``root``."""
    if not root.is_dir():
        return {}
    return {
        path.relative_to(root).as_posix(): sha256(path)
        for path in sorted(root.rglob("*"))
        if path.is_file() and not path.is_symlink()
    }


def row_counts(using: str = "default") -> dict[str, int]:
    """Rows in every table of the database (not only the models': also django_migrations and the like)."""
    conn = connections[using]
    counts = {}
    with conn.cursor() as cursor:
        for table in sorted(conn.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {conn.ops.quote_name(table)}")  # noqa: S608 - names from the catalogue
            counts[table] = cursor.fetchone()[0]
    return counts


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def _pg_env() -> dict[str, str]:
    """libpq's variables for the default database (the password never on a command line)."""
    db = settings.DATABASES["default"]
    env = {**os.environ, "PGDATABASE": db["NAME"]}
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[var] = str(db[key])
    return env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise BackupError(
            f"{name} not found: install PostgreSQL's client programs (Debian: postgresql-client)."
        )
    return path


def _tool_major(name: str) -> tuple[int, str]:
    run = subprocess.run([_tool(name), "--version"], capture_output=True, text=True, check=True)  # noqa: S603
    out = run.stdout.strip()
    match = re.search(r"(\d+)(?:\.\d+)?", out)
    return (int(match.group(1)) if match else 0), out


def _check_pg_tool(name: str) -> str:
    """The tool's version line; refuses a tool older than the server (it cannot read or write its format)."""
    major, line = _tool_major(name)
    connection.ensure_connection()
    server = connection.pg_version // 10000
    if major < server:
        raise BackupError(
            f"{line} is older than the PostgreSQL {server} server: install postgresql-client-{server}."
        )
    return line


def _tar(source: Path, target: Path) -> None:
    with tarfile.open(target, "w") as tar:
        if source.is_dir():
            for path in sorted(source.rglob("*")):
                if path.is_file() and not path.is_symlink():
                    tar.add(path, arcname=path.relative_to(source).as_posix(), recursive=False)


def create_backup(output: Path, *, now: datetime | None = None) -> Path:
    """Write one backup folder under ``output`` and return it."""
    now = now or datetime.now(UTC)
    folder = Path(output) / f"hramada-{now:%Y%m%dT%H%M%SZ}"
    if folder.exists():
        raise BackupError(f"{folder} already exists.")
    folder.mkdir(parents=True)
    manifest = {
        "format": 1,
        "created_at": now.isoformat(),
        "engine": connection.vendor,
        "django": django.get_version(),
    }
    if is_postgresql():
        manifest["pg_dump"] = _check_pg_tool("pg_dump")
        manifest["server_version"] = connection.pg_version
        database_file = folder / "database.dump"
        subprocess.run(  # noqa: S603 - fixed arguments, connection through libpq's environment
            [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={database_file}"],
            env=_pg_env(),
            check=True,
        )
    else:
        database_file = folder / "database.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(database_file)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    # Counted after the dump: rows written in between make the counts differ from the dump's, which the
    # restore reports. Run it when the site is quiet, or read the counts as "at least".
    manifest["row_counts"] = row_counts()
    manifest["media_files"] = {}
    for name, setting in MEDIA_FOLDERS.items():
        root = Path(getattr(settings, setting))
        _tar(root, folder / f"{name}.tar")
        manifest["media_files"][name] = folder_hashes(root)
    manifest["files"] = {path.name: sha256(path) for path in sorted(folder.iterdir()) if path.is_file()}
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return folder


def read_manifest(folder: Path) -> dict:
    """The folder's manifest, after checking every file it lists against its sha256."""
    folder = Path(folder)
    path = folder / MANIFEST
    if not path.is_file():
        raise BackupError(f"{folder} is not a backup: it has no {MANIFEST}.")
    manifest = json.loads(path.read_text())
    for name, digest in manifest["files"].items():
        file = folder / name
        if not file.is_file():
            raise BackupError(f"{file} is missing.")
        if sha256(file) != digest:
            raise BackupError(f"{file} does not match its sha256 in the manifest: the backup is damaged.")
    return manifest


def database_is_empty() -> bool:
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def _restore_media(folder: Path, name: str, root: Path, *, force: bool) -> None:
    if root.is_dir() and any(root.iterdir()):
        if not force:
            raise BackupError(f"{root} is not empty: pass --force to replace it.")
        aside = root.with_name(f"{root.name}.before-restore-{datetime.now(UTC):%Y%m%dT%H%M%SZ}")
        root.rename(aside)  # kept, not deleted: the operator removes it once the restore is checked
    root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(folder / f"{name}.tar") as tar:
        tar.extractall(root, filter="data")  # refuses absolute paths, "..", links out of the folder


def restore_backup(folder: Path, *, force: bool = False) -> dict:
    """Load the backup into the configured database and media folders; returns the differences
    between what was restored and the manifest (empty when everything matches)."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    if manifest["engine"] != connection.vendor:
        raise BackupError(
            f"The backup is of a {manifest['engine']} database; this site uses {connection.vendor}."
        )
    if not database_is_empty() and not force:
        raise BackupError(
            f"The database {settings.DATABASES['default']['NAME']} is not empty: restore into a new database, "
            "or pass --force to replace what is in it."
        )
    for setting in MEDIA_FOLDERS.values():
        root = Path(getattr(settings, setting))
        if root.is_dir() and any(root.iterdir()) and not force:
            raise BackupError(f"{root} ({setting}) is not empty: pass --force to replace it.")

    if is_postgresql():
        _check_pg_tool("pg_restore")
        args = [
            _tool("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
        ]
        if force:
            args += ["--clean", "--if-exists"]
        connection.close()
        subprocess.run(  # noqa: S603 - fixed arguments, connection through libpq's environment
            [*args, "--dbname", settings.DATABASES["default"]["NAME"], folder / "database.dump"],
            env=_pg_env(),
            check=True,
        )  # noqa: S603
    else:
        connection.ensure_connection()
        source = sqlite3.connect(folder / "database.sqlite3")
        try:
            source.backup(connection.connection)  # replaces every page of the open database
        finally:
            source.close()
        connection.close()

    for name, setting in MEDIA_FOLDERS.items():
        _restore_media(folder, name, Path(getattr(settings, setting)), force=force)
    return compare(manifest)


def compare(manifest: dict) -> dict:
    """Differences between the database and media folders now and the manifest: {what: (expected, found)}."""
    differences = {}
    counts = row_counts()
    for table in sorted(set(counts) | set(manifest["row_counts"])):
        expected, found = manifest["row_counts"].get(table), counts.get(table)
        if expected != found:
            differences[f"table {table}"] = (expected, found)
    for name, setting in MEDIA_FOLDERS.items():
        expected_files = manifest["media_files"].get(name, {})
        found_files = folder_hashes(Path(getattr(settings, setting)))
        for path in sorted(set(expected_files) | set(found_files)):
            if expected_files.get(path) != found_files.get(path):
                differences[f"{name}/{path}"] = (expected_files.get(path), found_files.get(path))
    return differences
