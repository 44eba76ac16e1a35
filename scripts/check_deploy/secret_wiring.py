"""The deployment files' secret wiring and network policy, checked offline.

    python secret_wiring.py RESOLVED_COMPOSE.yml docker/docker-compose.yml cluster/kubernetes

Compose (RESOLVED_COMPOSE.yml is `docker-compose config` run with freshly generated
env files, so env_file values are merged into each service's environment):
  - every `tailor node` and `tailor gateway` service gets TAILOR_CLUSTER_SECRET, all
    the same value; every gateway also TAILOR_ADMIN_KEY; no node gets the admin key;
    a `tailor demo-load` service gets TAILOR_API_KEY (it writes through the API);
  - the compose file itself holds no secret value: they come from env_file, and each
    env file is git-ignored and has a committed NAME.example with the same variables.
Kubernetes (the manifests and kustomization.yaml):
  - the Secrets come from kustomize's secretGenerator (or Secret manifests): the
    generator's local files are git-ignored and not committed;
  - every container running `tailor node` or `tailor gateway` has
    TAILOR_CLUSTER_SECRET_FILE, a gateway also TAILOR_ADMIN_KEY_FILE, a `tailor
    demo-load` TAILOR_API_KEY_FILE, each a path into
    a mounted `secret` volume whose Secret exists and holds that key; no node mounts
    the admin key; no secret value is written in a manifest; a pod that runs as a
    non-root user can read the files (fsGroup, or a mode readable by others);
  - a NetworkPolicy selects every Tailor pod, lets the internal port (7101) in only
    from Tailor pods, and lets in every other port the containers declare; it is in
    the kustomization's resources.
Exits 1 naming every problem.
"""

from __future__ import annotations

import posixpath
import subprocess
import sys
from pathlib import Path

import yaml

INTERNAL_PORT = 7101
VALUE_VARIABLES = ("TAILOR_CLUSTER_SECRET", "TAILOR_ADMIN_KEY", "TAILOR_API_KEY")
problems: list[str] = []


def problem(text: str) -> None:
    problems.append(text)


def git_ignored(path: Path) -> bool:
    return subprocess.run(["git", "check-ignore", "-q", str(path)]).returncode == 0


def git_tracked(path: Path) -> bool:
    return subprocess.run(["git", "ls-files", "--error-unmatch", str(path)], capture_output=True).returncode == 0


def role(arguments: list[str]) -> str | None:
    """node or gateway when the command line runs a member; demo-load, which calls the API."""
    return arguments[0] if arguments and arguments[0] in ("node", "gateway", "demo-load") else None


def env_names(path: Path) -> set[str]:
    return {
        line.split("=", 1)[0].strip()
        for line in path.read_text().splitlines()
        if "=" in line and not line.lstrip().startswith("#")
    }


def check_compose(resolved_path: Path, compose_path: Path) -> None:
    resolved = yaml.safe_load(resolved_path.read_text())["services"]
    raw = yaml.safe_load(compose_path.read_text())["services"]
    secrets = set()
    members = 0
    for name, service in sorted(resolved.items()):
        command = service.get("command") or []
        kind = role([str(part) for part in command])
        if kind is None:
            continue
        environment = service.get("environment") or {}
        if kind == "demo-load":
            if not environment.get("TAILOR_API_KEY"):
                problem(f"compose service {name} (tailor demo-load) gets no TAILOR_API_KEY: the gateway refuses its writes")
            continue
        members += 1
        secret = environment.get("TAILOR_CLUSTER_SECRET")
        if not secret:
            problem(f"compose service {name} (tailor {kind}) gets no TAILOR_CLUSTER_SECRET")
        else:
            secrets.add(secret)
        if kind == "gateway" and not environment.get("TAILOR_ADMIN_KEY"):
            problem(f"compose service {name} (tailor gateway) gets no TAILOR_ADMIN_KEY")
        if kind == "node" and environment.get("TAILOR_ADMIN_KEY"):
            problem(f"compose service {name} (tailor node) gets the admin key, which a node has no use for")
    if members == 0:
        problem("compose: no tailor node or gateway service")
    if len(secrets) > 1:
        problem("compose: the members get different cluster secrets; every member of a cluster needs the same")
    for name, service in sorted(raw.items()):
        declared = service.get("environment") or {}
        keys = declared.keys() if isinstance(declared, dict) else [item.split("=", 1)[0] for item in declared]
        for key in keys:
            if key in VALUE_VARIABLES:
                problem(f"compose service {name} sets {key} in docker-compose.yml: secrets belong in its env_file")
        files = service.get("env_file") or []
        for file in [files] if isinstance(files, str) else files:
            path = compose_path.parent / (file if isinstance(file, str) else file["path"])
            example = path.with_name(path.name + ".example")
            if not git_ignored(path):
                problem(f"compose service {name}: its env_file {path} is not git-ignored")
            if not example.exists():
                problem(f"compose service {name}: {example} is missing (the env file's committed example)")
    if not problems:
        print(f"ok: compose: {members} members with one cluster secret, the gateway with the admin key, demo-load with a key, from env files")


def documents(directory: Path) -> list[tuple[Path, dict]]:
    found = []
    for path in sorted(directory.glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        for document in yaml.safe_load_all(path.read_text()):
            if document:
                found.append((path, document))
    return found


def pod_spec(document: dict) -> dict:
    spec = document.get("spec") or {}
    template = spec.get("template") or spec.get("jobTemplate", {}).get("spec", {}).get("template") or {}
    return template


def secret_keys(directory: Path, manifests: list[tuple[Path, dict]]) -> dict[str, set[str]]:
    """Secret name -> its keys, from the kustomization's secretGenerator and Secret manifests."""
    keys: dict[str, set[str]] = {}
    kustomization = yaml.safe_load((directory / "kustomization.yaml").read_text())
    for generator in kustomization.get("secretGenerator") or []:
        names = keys.setdefault(generator["name"], set())
        for entry in generator.get("files") or []:
            key, _, source = entry.partition("=") if "=" in entry else (posixpath.basename(entry), "", entry)
            names.add(key)
            local = directory / source
            if not git_ignored(local):
                problem(f"kustomization.yaml: secretGenerator {generator['name']} reads {local}, which is not git-ignored")
            if git_tracked(local):
                problem(f"kustomization.yaml: {local} is committed; secret values must not be")
        for literal in generator.get("literals") or []:
            problem(f"kustomization.yaml: secretGenerator {generator['name']} has a literal ({literal.split('=')[0]}); values belong in git-ignored files")
    for path, document in manifests:
        if document.get("kind") == "Secret":
            keys.setdefault(document["metadata"]["name"], set()).update((document.get("data") or {}).keys())
            keys[document["metadata"]["name"]].update((document.get("stringData") or {}).keys())
    return keys


def check_kubernetes(directory: Path) -> None:
    before = len(problems)
    manifests = documents(directory)
    secrets = secret_keys(directory, manifests)
    kustomization = yaml.safe_load((directory / "kustomization.yaml").read_text())
    tailor_pods: list[tuple[str, dict, dict]] = []  # where, pod labels, pod spec
    checked = 0
    for path, document in manifests:
        template = pod_spec(document)
        pod = template.get("spec") or {}
        where = f"{path.name} {document.get('kind')}/{document.get('metadata', {}).get('name')}"
        for container in pod.get("containers", []):
            command = container.get("command") or []
            arguments = (command[1:] if command[:1] == ["tailor"] else [] if command else []) + list(container.get("args") or [])
            kind = role(arguments)
            if kind is None:
                continue
            if kind != "demo-load":
                tailor_pods.append((where, (template.get("metadata") or {}).get("labels") or {}, pod, container))
            checked += 1
            environment = {variable["name"]: variable for variable in container.get("env", [])}
            for name in VALUE_VARIABLES:
                if "value" in environment.get(name, {}):
                    problem(f"{where}: {name} is written in the manifest; mount it from a Secret ({name}_FILE)")
            needed = {
                "node": ["TAILOR_CLUSTER_SECRET_FILE"],
                "gateway": ["TAILOR_CLUSTER_SECRET_FILE", "TAILOR_ADMIN_KEY_FILE"],
                "demo-load": ["TAILOR_API_KEY_FILE"],
            }[kind]
            volumes = {volume["name"]: volume for volume in pod.get("volumes", [])}
            mounted_keys = set()
            for mount in container.get("volumeMounts", []):
                secret = (volumes.get(mount["name"]) or {}).get("secret")
                if secret:
                    items = secret.get("items")
                    mounted_keys |= {item["key"] for item in items} if items else secrets.get(secret.get("secretName"), set())
            for name in needed:
                value = (environment.get(name) or {}).get("value")
                if not value:
                    problem(f"{where}: tailor {kind} has no {name}")
                    continue
                found = False
                for mount in container.get("volumeMounts", []):
                    prefix = mount["mountPath"].rstrip("/") + "/"
                    volume = volumes.get(mount["name"]) or {}
                    if not value.startswith(prefix) or "secret" not in volume:
                        continue
                    secret = volume["secret"]
                    relative = value[len(prefix) :]
                    items = secret.get("items")
                    key = next((item["key"] for item in items if item["path"] == relative), None) if items else relative
                    if secret.get("secretName") not in secrets:
                        problem(f"{where}: {name} is in the Secret {secret.get('secretName')}, which nothing creates")
                    elif key is None or key not in secrets[secret["secretName"]]:
                        problem(f"{where}: {name}={value} is no key of the Secret {secret['secretName']} as mounted")
                    mode = (items and next((item.get("mode") for item in items if item["path"] == relative), None)) or secret.get("defaultMode", 0o644)
                    security = pod.get("securityContext") or {}
                    if security.get("runAsUser", 0) != 0 and not mode & 0o004 and "fsGroup" not in security:
                        problem(f"{where}: {value} is mode {mode:o} and the pod runs as user {security['runAsUser']} without fsGroup: unreadable")
                    found = True
                if not found:
                    problem(f"{where}: {name}={value} is not in a mounted secret volume")
            if kind == "node" and "admin-key" in mounted_keys:
                problem(f"{where}: a node mounts the admin key, which it has no use for")
    if checked == 0:
        problem("kubernetes: no container runs tailor node or gateway")

    policies = [(path, document) for path, document in manifests if document.get("kind") == "NetworkPolicy"]
    if not policies:
        problem("kubernetes: no NetworkPolicy: the internal port would be open to every pod")
    for path, policy in policies:
        if path.name not in (kustomization.get("resources") or []):
            problem(f"kustomization.yaml does not list {path.name}")
    covered_pods = 0
    for where, labels, pod, container in tailor_pods:
        ports = {port["containerPort"] for c in pod.get("containers", []) for port in c.get("ports", [])}
        selecting = [p for _, p in policies if matches(p["spec"].get("podSelector") or {}, labels)]
        if not selecting:
            problem(f"{where}: no NetworkPolicy selects its pods ({labels})")
            continue
        covered_pods += 1
        for port in sorted(ports):
            rules = [rule for p in selecting for rule in p["spec"].get("ingress") or [] if rule_has_port(rule, port)]
            if not rules:
                problem(f"{where}: port {port} is declared but no NetworkPolicy rule lets it in")
            if port == INTERNAL_PORT:
                for rule in rules:
                    sources = rule.get("from") or []
                    if not sources or not all(set(source) == {"podSelector"} and only_tailor(source["podSelector"]) for source in sources):
                        problem(f"{where}: a NetworkPolicy lets the internal port {port} in from beyond Tailor's pods")
    if len(problems) == before:
        print(f"ok: kubernetes: {checked} tailor containers with their secret files mounted from Secrets "
              f"({', '.join(sorted(secrets))}); {len(policies)} NetworkPolicy keeping {INTERNAL_PORT} to Tailor's pods")


def matches(selector: dict, labels: dict) -> bool:
    wanted = selector.get("matchLabels") or {}
    if selector.get("matchExpressions"):
        return False  # not used here; refuse rather than guess
    return all(labels.get(key) == value for key, value in wanted.items())


def only_tailor(selector: dict) -> bool:
    """The selector names Tailor's pods: it asks for the app label and is not empty."""
    return (selector.get("matchLabels") or {}).get("app.kubernetes.io/name") == "tailor"


def rule_has_port(rule: dict, port: int) -> bool:
    ports = rule.get("ports")
    return not ports or any(entry.get("port") == port for entry in ports)


def main(argv: list[str]) -> int:
    resolved, compose, kubernetes = (Path(argument) for argument in argv)
    check_compose(resolved, compose)
    check_kubernetes(kubernetes)
    for text in problems:
        print(f"REFUSED  {text}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
