"""Every `tailor` command line the deployment files give, parsed by `tailor check-args`.

    python command_lines.py TAILOR RESOLVED_COMPOSE.yml Dockerfile MANIFEST.yaml...

RESOLVED_COMPOSE.yml is `docker-compose config`'s output (anchors and merges
resolved). From it: each Tailor service's `command` (the image's entrypoint is
`tailor`; services of other images, Prometheus, are skipped).
From the Kubernetes manifests: each container's `args` (entrypoint `tailor`) or a
`command` starting with `tailor`, and each exec probe; `$(VAR)` references are given
sample values, as the kubelet would expand them. From the Dockerfile: the
HEALTHCHECK command. Exits 1 naming every line `tailor` refuses.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

SAMPLES = {"POD_NAME": "tailor-node-0", "POD_IP": "10.0.0.7"}


def expand(argument: str) -> str:
    return re.sub(r"\$\((\w+)\)", lambda match: SAMPLES.get(match.group(1), "sample"), argument)


def compose_lines(path: Path) -> list[tuple[str, list[str]]]:
    services = yaml.safe_load(path.read_text())["services"]
    lines = []
    for name, service in sorted(services.items()):
        if "build" not in service and not str(service.get("image", "")).startswith("tailor"):
            continue  # another program's container (Prometheus)
        command = service.get("command")
        if isinstance(command, str):
            command = command.split()
        if command:
            lines.append((f"compose service {name}", [str(part) for part in command]))
        environment = service.get("environment") or {}
        if isinstance(environment, dict) and environment.get("TAILOR_HEALTH_URL"):
            lines.append((f"compose service {name} health URL", ["probe", str(environment["TAILOR_HEALTH_URL"])]))
        test = (service.get("healthcheck") or {}).get("test")
        if test and test[0] in ("CMD", "CMD-SHELL") and len(test) > 1 and test[1] == "tailor":
            lines.append((f"compose service {name} healthcheck", test[2:]))
    return lines


def containers(document: dict) -> list[dict]:
    spec = document.get("spec") or {}
    template = spec.get("template") or spec.get("jobTemplate", {}).get("spec", {}).get("template") or {}
    pod = template.get("spec") or {}
    return list(pod.get("containers", [])) + list(pod.get("initContainers", []))


def kubernetes_lines(path: Path) -> list[tuple[str, list[str]]]:
    lines = []
    for document in yaml.safe_load_all(path.read_text()):
        if not document:
            continue
        where = f"{path.name} {document.get('kind')}/{document.get('metadata', {}).get('name')}"
        for container in containers(document):
            command = container.get("command") or []
            args = container.get("args") or []
            if command[:1] == ["tailor"]:
                lines.append((f"{where} {container['name']}", [expand(a) for a in command[1:] + args]))
            elif not command and args:
                lines.append((f"{where} {container['name']}", [expand(a) for a in args]))
            for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
                exec_command = (container.get(probe) or {}).get("exec", {}).get("command") or []
                if exec_command[:1] == ["tailor"]:
                    lines.append((f"{where} {container['name']} {probe}", [expand(a) for a in exec_command[1:]]))
    return lines


def dockerfile_lines(path: Path) -> list[tuple[str, list[str]]]:
    text = path.read_text()
    match = re.search(r'^HEALTHCHECK .*CMD \[(.*)\]\s*$', text, re.M)
    if not match:
        return [("Dockerfile HEALTHCHECK", ["<missing>"])]
    parts = [part.strip().strip('"') for part in match.group(1).split(",")]
    if parts[:1] != ["tailor"]:
        return [("Dockerfile HEALTHCHECK", ["<not a tailor command>"])]
    for needed in ("FROM swift:", "FROM debian:", "USER ", "ENTRYPOINT [\"tailor\"]"):
        if needed not in text:
            return [(f"Dockerfile ({needed!r} missing)", ["<missing>"])]
    # The image's HEALTHCHECK reads its URL from the image's ENV.
    health = re.search(r"^ENV TAILOR_HEALTH_URL=(\S+)\s*$", text, re.M)
    if parts[1:] == ["probe"] and health:
        return [("Dockerfile HEALTHCHECK (with the image's TAILOR_HEALTH_URL)", ["probe", health.group(1)])]
    return [("Dockerfile HEALTHCHECK", parts[1:])]


def main(argv: list[str]) -> int:
    tailor, compose, dockerfile, *manifests = argv
    lines = compose_lines(Path(compose)) + dockerfile_lines(Path(dockerfile))
    for manifest in manifests:
        lines += kubernetes_lines(Path(manifest))
    failed = 0
    for where, arguments in lines:
        result = subprocess.run([tailor, "check-args", *arguments], capture_output=True, text=True)
        verdict = "ok" if result.returncode == 0 else "REFUSED"
        print(f"{verdict:8} {where}: tailor {' '.join(arguments)}")
        if result.returncode != 0:
            failed += 1
            print("         " + (result.stdout + result.stderr).strip().replace("\n", "\n         "))
    print(f"{len(lines)} command lines, {failed} refused")
    return 1 if failed or not lines else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
