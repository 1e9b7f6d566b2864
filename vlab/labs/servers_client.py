"""The client side of the servers lab: real HTTP requests from the notebook to a server container.

``request(host, path)`` sends one GET straight to a container's bridge address (never through a proxy) and gives
a ``Response``; ``wait_ready(host)`` waits until the server accepts connections. Only private or loopback
addresses are allowed: the course talks to its own containers only.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from vlab.core.engine import describe
from vlab.core.errors import BadParameter, DataError, EngineError
from vlab.core.i18n import _

__all__ = ["PORT", "READY_TIMEOUT_S", "REQUEST_TIMEOUT_S", "Response", "request", "wait_ready"]

PORT = 8080  # above 1024, so httpd needs no NET_BIND_SERVICE capability
READY_TIMEOUT_S = 15.0
REQUEST_TIMEOUT_S = 10.0


@dataclass
class Response:
    """One HTTP exchange, as the client saw it."""

    server: str
    method: str
    path: str
    status: int
    reason: str
    headers: dict[str, str]
    body: str
    ms: float
    body_sha256: str = ""
    replayed: bool = False

    @property
    def content_type(self) -> str:
        return next((v for k, v in self.headers.items() if k.lower() == "content-type"), "")

    @property
    def server_time(self) -> str:
        """When the server says it answered: the JSON ``server_time`` of a WAS answer, else the Date header."""
        try:
            data = json.loads(self.body)
            if isinstance(data, dict) and "server_time" in data:
                return str(data["server_time"])
        except ValueError:
            pass
        return next((v for k, v in self.headers.items() if k.lower() == "date"), "")

    def json(self) -> dict:
        try:
            return json.loads(self.body)
        except ValueError as exc:
            raise DataError(_("The answer from {server}{path} is not JSON.").format(server=self.server, path=self.path),
                            _("Only the app and db servers answer in JSON.")) from exc

    def _repr_html_(self) -> str:
        import html

        tag = " <i>{}</i>".format(_("(replayed recording)")) if self.replayed else ""
        heads = "".join(f"<tr><td>{html.escape(k)}</td><td>{html.escape(v)}</td></tr>" for k, v in self.headers.items())
        return (_("{request} → {status} from the {server} server").format(
                    request=f"<b>{self.method} {html.escape(self.path)}</b>",
                    status=f"<b>{self.status} {html.escape(self.reason)}</b>", server=f"<b>{self.server}</b>")
                + f"{tag}<table>{heads}</table><pre>{html.escape(self.body[:600])}</pre>")


def _check_host(host: str) -> None:
    try:
        addr = ipaddress.ip_address(host)
    except ValueError as exc:
        raise BadParameter(_("{host!r} is not an IP address").format(host=host),
                           _("The course only talks to containers on this machine.")) from exc
    if not (addr.is_private or addr.is_loopback):
        raise BadParameter(_("{host} is not an address on this machine").format(host=host),
                           _("The course only sends requests to its own containers (private or loopback addresses)."))


# The course's own containers sit on this machine's bridge: a proxy (http_proxy, HTTPS_PROXY, ALL_PROXY, as on
# many university networks) cannot reach them, so requests to them go direct, whatever the environment says.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def request(host: str, path: str, *, server: str = "?", port: int = PORT,
            timeout: float = REQUEST_TIMEOUT_S) -> Response:
    """Send one real HTTP GET to ``host:port`` and return what came back (4xx/5xx included)."""
    _check_host(host)
    if not isinstance(path, str) or not path.startswith("/"):
        raise BadParameter(_("path={path!r} must start with '/'").format(path=path),
                           _("For example '/' or '/cgi-bin/app?n=10'."))
    url = f"http://{host}:{port}{path}"
    t0 = time.perf_counter()
    try:
        resp = _DIRECT.open(url, timeout=timeout)  # noqa: S310 - http to our own container, never via a proxy
        status, reason, headers, raw = resp.status, resp.reason, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        status, reason, headers, raw = err.code, err.reason or "", dict(err.headers or {}), err.read()
    except (urllib.error.URLError, OSError) as exc:
        raise EngineError(_("No answer from the {server} server at {host}:{port}: {error}").format(
            server=server, host=host, port=port, error=exc),
                          _("Check that the server container is still running (re-run the cell that starts it).")) \
            from exc
    ms = (time.perf_counter() - t0) * 1e3
    return Response(server, "GET", path, int(status), str(reason), {str(k): str(v) for k, v in headers.items()},
                    raw.decode(errors="replace"), ms, hashlib.sha256(raw).hexdigest())


def wait_ready(host: str, port: int = PORT, timeout: float = READY_TIMEOUT_S) -> None:
    """Wait until something accepts TCP connections on ``host:port``."""
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=1.0):
                return
        except OSError as exc:
            last = exc
            time.sleep(0.05)
    hint = _("Check that the container runs (`docker ps --filter label=vlab`).")
    try:
        if describe().in_vm:
            hint = _("Your engine runs inside a VM (Docker Desktop, colima…): container bridge addresses are not "
                     "reachable from this machine. Run the notebook on Linux, or use replay mode.")
    except EngineError:
        pass
    raise EngineError(_("The server at {host}:{port} did not answer within {timeout:.0f} s ({error}).").format(
        host=host, port=port, timeout=timeout, error=last), hint)


