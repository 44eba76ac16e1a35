"""Real processes for the browser suite: `tailor local` with keys and three gateways,
the public API called over HTTP, and polling with a deadline.

Nothing here sleeps in place of waiting for a condition: every wait is `wait_until`,
which polls a predicate until it holds or its deadline passes (and then says what it
waited for and the last error seen).
"""

from __future__ import annotations

import json
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / ".build" / "browser-screenshots"
HOST = "127.0.0.1"
NODES = 3
#: The shopper the README's tour and docs/api.md use: a demo shopper with a history.
TOUR_SHOPPER = "u00042"


def wait_until(what: str, predicate, timeout: float = 10.0, interval: float = 0.1):
    """Polls `predicate` until it returns something truthy (returned), or fails after
    `timeout` seconds naming `what` and the last exception the predicate raised."""
    deadline = time.monotonic() + timeout
    last_error = None
    while True:
        try:
            value = predicate()
            if value:
                return value
        except Exception as error:  # noqa: BLE001 - reported if the deadline passes
            last_error = error
        if time.monotonic() >= deadline:
            detail = f" (last error: {last_error!r})" if last_error else ""
            raise AssertionError(f"{what}: not within {timeout:g} s{detail}")
        time.sleep(interval)


def _bindable(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind((HOST, port))
            return True
        except OSError:
            return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def free_run(count: int, avoid: set[int]) -> int:
    """The first of `count` consecutive free ports, none in `avoid` (best effort: checked by binding)."""
    while True:
        first = random.randrange(20000, 60000)
        ports = range(first, first + count)
        if not avoid.intersection(ports) and all(_bindable(p) for p in ports):
            return first


class APIError(Exception):
    pass


def call(port: int, method: str, path: str, key: str | None = None, body=None, origin: str | None = None, timeout: float = 10):
    """One public-API call to the gateway on `port`: (status, decoded JSON or text)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"http://{HOST}:{port}{path}", data=data, method=method)
    if data is not None:
        request.add_header("content-type", "application/json")
    if key:
        request.add_header("authorization", f"Bearer {key}")
    if origin:
        request.add_header("origin", origin)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, text = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, text = error.code, error.read()
    try:
        return status, json.loads(text)
    except ValueError:
        return status, text.decode(errors="replace")


def fetch_bytes(url: str, timeout: float = 10) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


class Cluster:
    """`tailor local --api-on-nodes --nodes 3` with a fresh admin key and the demo shop
    (small), on free ports: node i serves the public API (and the console) at
    `port + i - 1`; the demo storefront on `storefront_port` when this build has one."""

    def __init__(self, binary: Path):
        self.binary = binary
        self.port = 0
        self.node_port = 0
        self.storefront_port: int | None = None
        self.storefront_url: str | None = None
        self.admin_key = "admin-" + secrets.token_hex(24)
        self.public_key: str | None = None
        self.private_key: str | None = None
        self.lines: list[str] = []
        self.process: subprocess.Popen | None = None
        self._key_file: str | None = None
        self.log_path = ROOT / ".build" / "browser-tailor-local.log"

    # The ports of the three gateways.
    @property
    def ports(self) -> list[int]:
        return [self.port + i for i in range(NODES)]

    def url(self, node: int = 0) -> str:
        return f"http://{HOST}:{self.port + node}"

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def has_option(self, name: str) -> bool:
        env = {k: v for k, v in os.environ.items() if not k.startswith("TAILOR_")}
        helptext = subprocess.run([str(self.binary), "local", "--help"], capture_output=True, text=True, env=env, timeout=30)
        return name in helptext.stdout

    def start(self, timeout: float = 90):
        self.port = free_run(NODES, set())
        self.node_port = free_run(NODES + 1, set(self.ports))
        arguments = [
            str(self.binary), "local", "--nodes", str(NODES), "--api-on-nodes",
            "--port", str(self.port), "--node-port", str(self.node_port),
            "--demo-small", "--partitions", "32",
        ]
        if self.has_option("--storefront-port"):
            avoid = set(self.ports) | set(range(self.node_port, self.node_port + NODES + 1))
            self.storefront_port = free_run(1, avoid)
            arguments += ["--storefront-port", str(self.storefront_port)]
        fd, self._key_file = tempfile.mkstemp(prefix="tailor-browser-admin-key.")
        with os.fdopen(fd, "w") as f:
            f.write(self.admin_key + "\n")
        os.chmod(self._key_file, 0o600)
        arguments += ["--admin-key-file", self._key_file]
        # `tailor` refuses TAILOR_* variables that are not its settings (TAILOR_BIN).
        env = {k: v for k, v in os.environ.items() if not k.startswith("TAILOR_")}
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            arguments, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env, text=True, bufsize=1,
        )
        threading.Thread(target=self._read, daemon=True).start()
        started = time.monotonic()

        def ready():
            if self.process.poll() is not None:
                raise SystemExit(f"tailor local exited ({self.process.returncode}) during start-up:\n{self.output}")
            return all(fetch_bytes(f"http://{HOST}:{p}/readyz", timeout=1)[0] == 200 for p in self.ports) and self._keys()

        try:
            wait_until("every gateway's /readyz and the printed keys", ready, timeout=timeout, interval=0.2)
        except AssertionError as error:
            raise AssertionError(f"{error}\n--- tailor local output ---\n{self.output[-6000:]}") from None
        match = re.search(r"Demo storefront:\s+(http://\S+)", self.output)
        if match:
            self.storefront_url = match.group(1).rstrip("/") + "/"
            self.storefront_port = int(urllib.parse.urlsplit(self.storefront_url).port)
        self.ready_seconds = time.monotonic() - started

    def _keys(self) -> bool:
        public = re.search(r"public\s+\(storefront[^)]*\):\s*(\S+)", self.output)
        private = re.search(r"private\s+\(shop servers\):\s*(\S+)", self.output)
        if public and private:
            self.public_key, self.private_key = public.group(1), private.group(1)
            return True
        return False

    def _read(self):
        with open(self.log_path, "w") as log:
            for line in self.process.stdout:
                self.lines.append(line)
                log.write(line)
                log.flush()

    def stop(self, timeout: float = 30):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._key_file:
            os.unlink(self._key_file)
            self._key_file = None

    # Calls with the keys `tailor local` made.
    def admin(self, method: str, path: str, body=None, node: int = 0):
        return call(self.port + node, method, path, key=self.admin_key, body=body)

    def private(self, method: str, path: str, body=None, node: int = 0):
        return call(self.port + node, method, path, key=self.private_key, body=body)

    def public(self, method: str, path: str, body=None, node: int = 0):
        # The public key allows the gateway's own origin (see LocalCommand's keys).
        return call(self.port + node, method, path, key=self.public_key, body=body, origin=self.url(0))

    def product_category(self, product: str) -> str | None:
        status, answer = self.private("GET", "/v1/products?" + urllib.parse.urlencode({"q": product, "limit": 100}, quote_via=urllib.parse.quote))
        if status != 200:
            raise APIError(f"GET /v1/products?q={product} answered {status}: {answer}")
        return next((p["category"] for p in answer["products"] if p["id"] == product), None)

    def category_paths(self) -> dict[str, str]:
        """Every category path by the storefront's slug of it (`Sports > Running > Shoes`
        is `sports-running-shoes`: letters and digits kept, the rest one dash)."""
        status, answer = self.private("GET", "/v1/categories")
        if status != 200:
            raise APIError(f"GET /v1/categories answered {status}: {answer}")
        return {re.sub(r"[^0-9a-z]+", "-", c["path"].lower()).strip("-"): c["path"] for c in answer["categories"]}

    def category_products(self, category: str) -> set[str]:
        found: set[str] = set()
        offset = 0
        while True:
            # %20, not +, for the spaces of ` > `: the gateway reads a query's + as a plus.
            query = urllib.parse.urlencode({"category": category, "limit": 100, "offset": offset}, quote_via=urllib.parse.quote)
            status, answer = self.private("GET", "/v1/products?" + query)
            if status != 200:
                raise APIError(f"GET /v1/products?{query} answered {status}: {answer}")
            found.update(p["id"] for p in answer["products"])
            offset += 100
            if offset >= answer["total"] or not answer["products"]:
                return found

    def clicks(self, placement: str) -> int:
        status, answer = self.private("GET", "/v1/reports/recommendations?" + urllib.parse.urlencode({"placement": placement}, quote_via=urllib.parse.quote))
        if status != 200:
            raise APIError(f"GET /v1/reports/recommendations answered {status}: {answer}")
        return int(answer["totals"]["clicks"])
