"""Every `tailor` command line the deployment files give, parsed by `tailor check-args`.

    python command_lines.py TAILOR RESOLVED_COMPOSE.yml Dockerfile MANIFEST.yaml...

RESOLVED_COMPOSE.yml is `docker-compose config`'s output (anchors and merges
resolved). From it: each Tailor service's `command` (the image's entrypoint is
`tailor`; services of other images, Prometheus, are skipped).
From the Kubernetes manifests: each container's `args` (entrypoint `tailor`) or a
`command` starting with `tailor`, and each exec probe; `$(VAR)` references are given
sample values, as the kubelet would expand them. From the Dockerfile: the
HEALTHCHECK command. Each line is checked with the environment its container gets
(compose `environment` with its env files, the manifests' `env` values, ConfigMaps
mounted where `TAILOR_CONFIG` points and Secrets mounted where `TAILOR_*_FILE` points,
written out to files, the Secrets' with fresh random values), since `tailor` reads its settings
from `TAILOR_*` variables and the config file too. Exits 1 naming every line
`tailor` refuses.
"""

from __future__ import annotations

import posixpath
import re
import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

SAMPLES = {"POD_NAME": "tailor-node-0", "POD_IP": "10.0.0.7"}


def expand(argument: str) -> str:
    return re.sub(r"\$\((\w+)\)", lambda match: SAMPLES.get(match.group(1), "sample"), argument)


Line = tuple[str, list[str], dict[str, str]]


def compose_lines(path: Path) -> list[Line]:
    services = yaml.safe_load(path.read_text())["services"]
    lines = []
    for name, service in sorted(services.items()):
        if "build" not in service and not str(service.get("image", "")).startswith("tailor"):
            continue  # another program's container (Prometheus)
        environment = {key: str(value) for key, value in (service.get("environment") or {}).items()}
        command = service.get("command")
        if isinstance(command, str):
            command = command.split()
        if command:
            lines.append((f"compose service {name}", [str(part) for part in command], environment))
        if environment.get("TAILOR_HEALTH_URL"):
            lines.append((f"compose service {name} health URL", ["probe"], environment))
        test = (service.get("healthcheck") or {}).get("test")
        if test and test[0] in ("CMD", "CMD-SHELL") and len(test) > 1 and test[1] == "tailor":
            lines.append((f"compose service {name} healthcheck", test[2:], environment))
    return lines


def pod_spec(document: dict) -> dict:
    """The pod template's spec of a workload (Deployment, StatefulSet, Job, CronJob)."""
    spec = document.get("spec") or {}
    template = spec.get("template") or spec.get("jobTemplate", {}).get("spec", {}).get("template") or {}
    return template.get("spec") or {}


def containers(pod: dict) -> list[dict]:
    return list(pod.get("containers", [])) + list(pod.get("initContainers", []))


def config_maps(paths: list[Path], directory: Path) -> dict[str, Path]:
    """Writes every ConfigMap's data to DIRECTORY/NAME/KEY; returns NAME -> folder."""
    folders = {}
    for path in paths:
        for document in yaml.safe_load_all(path.read_text()):
            if document and document.get("kind") == "ConfigMap":
                folder = directory / document["metadata"]["name"]
                folder.mkdir(parents=True, exist_ok=True)
                for key, value in (document.get("data") or {}).items():
                    (folder / key).write_text(value)
                folders[document["metadata"]["name"]] = folder
    return folders


def secret_volume(volume: dict, directory: Path) -> Path:
    """A mounted Secret written out: each item (or the keys tailor reads, when the
    volume names none) as a file of fresh random text, as an operator makes them."""
    secret = volume["secret"]
    folder = directory / "secrets" / volume["name"]
    folder.mkdir(parents=True, exist_ok=True)
    items = secret.get("items") or [{"key": key, "path": key} for key in ("cluster-secret", "admin-key")]
    for item in items:
        (folder / item["path"]).write_text(secrets.token_hex(32) + "\n")
    return folder


def container_environment(container: dict, pod: dict, folders: dict[str, Path], directory: Path) -> dict[str, str]:
    """The container's `env` values ($(VAR) expanded; valueFrom gets a sample), with
    paths into a mounted ConfigMap or Secret pointed at the files written for them."""
    mounts = {}
    volumes = {volume["name"]: volume for volume in pod.get("volumes", [])}
    for mount in container.get("volumeMounts", []):
        volume = volumes.get(mount["name"]) or {}
        config_map = volume.get("configMap")
        if config_map and config_map.get("name") in folders:
            mounts[mount["mountPath"]] = folders[config_map["name"]]
        if volume.get("secret"):
            mounts[mount["mountPath"]] = secret_volume(volume, directory)
    environment = {}
    for variable in container.get("env", []):
        value = expand(str(variable["value"])) if "value" in variable else SAMPLES.get(variable["name"], "sample")
        for mount_path, folder in mounts.items():
            if value.startswith(mount_path.rstrip("/") + "/"):
                value = str(folder / posixpath.relpath(value, mount_path))
        environment[variable["name"]] = value
    return environment


def kubernetes_lines(path: Path, folders: dict[str, Path], directory: Path) -> list[Line]:
    lines = []
    for document in yaml.safe_load_all(path.read_text()):
        if not document:
            continue
        where = f"{path.name} {document.get('kind')}/{document.get('metadata', {}).get('name')}"
        pod = pod_spec(document)
        for container in containers(pod):
            environment = container_environment(container, pod, folders, directory)
            command = container.get("command") or []
            args = container.get("args") or []
            if command[:1] == ["tailor"]:
                lines.append((f"{where} {container['name']}", [expand(a) for a in command[1:] + args], environment))
            elif not command and args:
                lines.append((f"{where} {container['name']}", [expand(a) for a in args], environment))
            for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
                exec_command = (container.get(probe) or {}).get("exec", {}).get("command") or []
                if exec_command[:1] == ["tailor"]:
                    lines.append((f"{where} {container['name']} {probe}", [expand(a) for a in exec_command[1:]], environment))
    return lines


def dockerfile_lines(path: Path) -> list[Line]:
    text = path.read_text()
    match = re.search(r'^HEALTHCHECK .*CMD \[(.*)\]\s*$', text, re.M)
    if not match:
        return [("Dockerfile HEALTHCHECK", ["<missing>"], {})]
    parts = [part.strip().strip('"') for part in match.group(1).split(",")]
    if parts[:1] != ["tailor"]:
        return [("Dockerfile HEALTHCHECK", ["<not a tailor command>"], {})]
    for needed in ("FROM swift:", "FROM debian:", "USER ", "ENTRYPOINT [\"tailor\"]"):
        if needed not in text:
            return [(f"Dockerfile ({needed!r} missing)", ["<missing>"], {})]
    # The image's HEALTHCHECK reads its URL from the image's ENV.
    health = re.search(r"^ENV TAILOR_HEALTH_URL=(\S+)\s*$", text, re.M)
    environment = {"TAILOR_HEALTH_URL": health.group(1)} if health else {}
    return [("Dockerfile HEALTHCHECK (with the image's ENV)", parts[1:], environment)]


def main(argv: list[str]) -> int:
    tailor, compose, dockerfile, *manifests = argv
    with tempfile.TemporaryDirectory(prefix="tailor-config-maps-") as directory:
        folders = config_maps([Path(manifest) for manifest in manifests], Path(directory))
        lines = compose_lines(Path(compose)) + dockerfile_lines(Path(dockerfile))
        for manifest in manifests:
            lines += kubernetes_lines(Path(manifest), folders, Path(directory))
        # Only the container's own settings: none of the shell's TAILOR_* variables.
        base = {key: value for key, value in os.environ.items() if not key.startswith("TAILOR_")}
        failed = 0
        for where, arguments, environment in lines:
            result = subprocess.run(
                [tailor, "check-args", *arguments], capture_output=True, text=True, env={**base, **environment}
            )
            verdict = "ok" if result.returncode == 0 else "REFUSED"
            settings = " ".join(
                f"{key}={'<secret>' if key in ('TAILOR_CLUSTER_SECRET', 'TAILOR_ADMIN_KEY', 'TAILOR_API_KEY') else value}"
                for key, value in sorted(environment.items())
                if key.startswith("TAILOR_")
            )
            print(f"{verdict:8} {where}: {settings + ' ' if settings else ''}tailor {' '.join(arguments)}")
            if result.returncode != 0:
                failed += 1
                print("         " + (result.stdout + result.stderr).strip().replace("\n", "\n         "))
    print(f"{len(lines)} command lines, {failed} refused")
    return 1 if failed or not lines else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
