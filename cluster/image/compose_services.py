"""What docker/docker-compose.yml gives each Tailor container, written out for cluster/image/run.

    python3 compose_services.py COMPOSE.yml DOCKERFILE ENV_DIR OUT_DIR

For every service built from the image (Prometheus is another program's and is
skipped), in start order (depends_on first), OUT_DIR gets:
  services               one service name a line, in start order
  NAME.args              the command given to the entrypoint `tailor`, NUL-separated
  NAME.env               the container's environment, NUL-separated KEY=VALUE: the
                         image's ENV, then the service's env_file(s) (read from ENV_DIR,
                         where the run generated them, instead of docker/), then its
                         `environment`, as Docker merges them
  NAME.volumes           SOURCE<TAB>TARGET a line (named volumes as their name)
  NAME.healthcheck       "image" (the image's HEALTHCHECK), or "disabled"
  NAME.waits-healthy     the services it waits for to be healthy, one a line
PyYAML resolves the file's anchors and `<<` merges as Compose does.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml


def image_environment(dockerfile: Path) -> dict[str, str]:
    """The runtime stage's ENV KEY=VALUE lines."""
    text = dockerfile.read_text()
    runtime = text[text.rfind("\nFROM ") :]
    return dict(re.findall(r"^ENV (\w+)=(\S+)\s*$", runtime, re.M))


def env_file(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            values[key.strip()] = value
    return values


def start_order(services: dict) -> list[str]:
    order: list[str] = []

    def visit(name: str, seen: tuple[str, ...] = ()) -> None:
        if name in order or name in seen:
            return
        depends = services[name].get("depends_on") or []
        for dependency in depends if isinstance(depends, list) else list(depends):
            visit(dependency, seen + (name,))
        order.append(name)

    for name in services:
        visit(name)
    return order


def main(argv: list[str]) -> int:
    compose, dockerfile, env_dir, out = (Path(argument) for argument in argv)
    services = yaml.safe_load(compose.read_text())["services"]
    tailor = {
        name: service
        for name, service in services.items()
        if "build" in service or str(service.get("image", "")).startswith("tailor")
    }
    base = image_environment(dockerfile)
    out.mkdir(parents=True, exist_ok=True)
    names = [name for name in start_order(services) if name in tailor]
    (out / "services").write_text("".join(name + "\n" for name in names))
    for name in names:
        service = tailor[name]
        command = service.get("command") or []
        if isinstance(command, str):
            command = command.split()
        environment = dict(base)
        files = service.get("env_file") or []
        for file in [files] if isinstance(files, str) else files:
            environment.update(env_file(env_dir / Path(file if isinstance(file, str) else file["path"]).name))
        declared = service.get("environment") or {}
        if isinstance(declared, list):
            declared = dict(item.split("=", 1) for item in declared)
        environment.update({key: "" if value is None else str(value) for key, value in declared.items()})
        (out / f"{name}.args").write_bytes(b"".join(str(part).encode() + b"\0" for part in command))
        (out / f"{name}.env").write_bytes(b"".join(f"{k}={v}".encode() + b"\0" for k, v in environment.items()))
        volumes = []
        for volume in service.get("volumes") or []:
            source, target = str(volume).split(":")[:2]
            volumes.append(f"{source}\t{target}\n")
        (out / f"{name}.volumes").write_text("".join(volumes))
        disabled = (service.get("healthcheck") or {}).get("disable")
        (out / f"{name}.healthcheck").write_text("disabled\n" if disabled else "image\n")
        depends = service.get("depends_on") or {}
        healthy = [d for d, how in depends.items() if (how or {}).get("condition") == "service_healthy"] if isinstance(depends, dict) else []
        (out / f"{name}.waits-healthy").write_text("".join(d + "\n" for d in healthy))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
