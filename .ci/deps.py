"""Dependency checks for `make lint` and `make audit` (see docs/deploy.md, "Dependencies").

check-lock: every package pinned in pyproject.toml is in requirements.lock at the same version, so a
    dependency added without `make lock` fails here instead of missing from a fresh install.
audit: pip-audit over requirements.lock. Where its vulnerability database cannot be reached (no
    internet, or an index that does not serve it) the audit is skipped with a message, not passed
    silently: pip-audit itself reports "no known vulnerabilities" when it could look nothing up.
"""

import json
import re
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked() -> dict[str, str]:
    pins = re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)", LOCK.read_text(), flags=re.MULTILINE)
    return {canonical(name): version for name, version in pins}


def check_lock() -> int:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    # The lock holds the dependencies and the "dev" extra (what `make install` installs), not other extras.
    wanted = list(project["dependencies"]) + list(project.get("optional-dependencies", {}).get("dev", []))
    pins = locked()
    problems = []
    for requirement in wanted:
        match = re.match(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*==\s*([^\s;]+)", requirement)
        if not match:
            continue  # unpinned optional extras (none today) are the lock's business
        name, version = canonical(match.group(1)), match.group(3)
        if pins.get(name) != version:
            problems.append(f"{name}=={version} (lock: {pins.get(name, 'missing')})")
    if problems:
        print("requirements.lock is out of date with pyproject.toml; run `make lock`:", *problems, sep="\n  ")
        return 1
    print(f"requirements.lock: {len(pins)} packages, every pin of pyproject.toml in it")
    return 0


def audit() -> int:
    pip_audit = Path(sys.executable).parent / "pip-audit"
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "audit.json"
        run = subprocess.run(  # noqa: S603 - our own venv's pip-audit, fixed arguments
            [
                str(pip_audit),
                "--disable-pip",
                "--require-hashes",
                "-r",
                str(LOCK),
                "--progress-spinner",
                "off",
            ]
            + ["--format", "json", "--output", str(report)],
            capture_output=True,
            text=True,
            timeout=600,
        )
        data = json.loads(report.read_text()) if report.exists() and report.stat().st_size else None
    if data is None:
        error = (run.stderr.strip().splitlines() or ["no output"])[-1]
        if re.search(r"Connection|resolve|Max retries|timed out|HTTP", run.stderr):
            print(f"pip-audit: SKIPPED, its vulnerability database cannot be reached here ({error[:200]})")
            return 0
        print(f"pip-audit failed: {error}")
        return 1
    dependencies = data.get("dependencies", [])
    skipped = [d for d in dependencies if d.get("skip_reason")]
    audited = [d for d in dependencies if not d.get("skip_reason")]
    if not audited:
        print(
            f"pip-audit: SKIPPED, its vulnerability database cannot be reached here: none of the "
            f"{len(dependencies)} locked packages could be looked up ({skipped[0]['skip_reason'] if skipped else 'empty lock'})"
        )
        return 0
    vulnerable = [d for d in audited if d.get("vulns")]
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions", [])) or "no fix yet"
            print(f"{dep['name']} {dep['version']}: {vuln['id']} (fixed in {fixed})")
    if skipped:
        print(f"pip-audit: {len(skipped)} of {len(dependencies)} packages could not be looked up:")
        print("  " + ", ".join(d["name"] for d in skipped))
    print(f"pip-audit: {len(audited)} packages audited, {len(vulnerable)} with known vulnerabilities")
    return 1 if vulnerable else 0


if __name__ == "__main__":
    commands = {"check-lock": check_lock, "audit": audit}
    if len(sys.argv) != 2 or sys.argv[1] not in commands:
        sys.exit(f"usage: {sys.argv[0]} {{{'|'.join(commands)}}}")
    sys.exit(commands[sys.argv[1]]())
