"""Servers, live: the notebook is the client of real server containers (S1.1–S1.6).

Four small servers, each a busybox ``httpd`` in a sandboxed container on the bridge network:

- ``web``  – web server (웹 서버): answers with static pages, the same bytes every time;
- ``app``  – web application server (WAS, 웹 애플리케이션 서버): a CGI program computes each answer
  (server time, a request counter, the sum 1+…+n for ``?n=``), so two identical requests differ;
- ``file`` – file server (파일 서버): hands out files byte for byte, with a listing and their SHA-256;
- ``db``   – a DBMS-like server (DBMS 서버): a tiny key-value store over HTTP, backed by files.

Python's ``urllib`` sends real HTTP requests to each container's bridge address (on this machine):
the client side is ``vlab.labs.servers_client`` (re-exported here); the CGI programs the servers run are
package data files in ``vlab/labs/servers_files/``.

>>> with running(["web", "app"]) as lab:               # doctest: +SKIP
...     lab.get("web", "/").body
...     lab.get("app", "/cgi-bin/app?n=10").json()

``tour()`` runs a fixed script of requests against all four and returns Results (kind ``servers``);
in replay mode it returns the recorded responses, clearly marked as replayed.
"""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from importlib import resources

import pandas as pd

from vlab.core import provenance, replay, sandbox, settings
from vlab.core.errors import BadParameter, DataError, EngineError
from vlab.core.exercise import Feedback, checker, passed, wrong
from vlab.core.i18n import N_, _
from vlab.core.results import Results
from vlab.core.validate import flag
from vlab.labs.servers_client import PORT, READY_TIMEOUT_S, REQUEST_TIMEOUT_S, Response, request, wait_ready

__all__ = [
    "IMAGE", "KINDS", "MAX_N", "MAX_PAGE", "PORT", "READY_TIMEOUT_S", "RECORDINGS", "REQUEST_TIMEOUT_S", "Response",
    "Server", "ServerKind", "ServerLab", "TOUR", "ask", "check_changed_keys", "check_page", "check_page_hashes",
    "compare_prediction", "facts", "inside", "kind", "kinds_table", "recorded_get",
    "request", "responses", "running", "server_environment", "server_limits",
    "server_script", "source", "table", "tour", "wait_ready"
]

IMAGE = "busybox"
MAX_N = 100_000
MAX_PAGE = 4096
_SAFE_VALUE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")

# ----------------------------------------------------------------- what each server runs
def _program(name: str) -> str:
    """A CGI program shipped as package data in ``vlab/labs/servers_files/``."""
    return resources.files("vlab.labs").joinpath("servers_files", name).read_text(encoding="utf-8")


@dataclass(frozen=True)
class ServerKind:
    """One kind of server: what software it runs, and how the course names it."""

    name: str
    title: str
    korean: str
    serves: str
    default_page: str
    cgi: dict[str, str] = field(default_factory=dict)
    sample_paths: tuple[str, ...] = ("/",)


KINDS: dict[str, ServerKind] = {
    "web": ServerKind(
        "web", N_("web server"), "웹 서버", N_("static pages: the same file, byte for byte, on every request"),
        "<html><body><h1>Hello from the web server (웹 서버)</h1><p>This page is a static file.</p></body></html>",
        sample_paths=("/", "/index.html"),
    ),
    "app": ServerKind(
        "app", N_("web application server (WAS)"), "웹 애플리케이션 서버",
        N_("dynamic results: a program runs for each request and computes the answer"),
        "<html><body><h1>Application server (WAS)</h1><p>Try /cgi-bin/app?n=10</p></body></html>",
        cgi={"app": _program("app.cgi")}, sample_paths=("/cgi-bin/app?n=10",),
    ),
    "file": ServerKind(
        "file", N_("file server"), "파일 서버", N_("files: stored bytes handed out unchanged, with a listing"),
        "<html><body><h1>File server</h1><p>Files are under /files/</p></body></html>",
        cgi={"index.cgi": _program("index.cgi")}, sample_paths=("/files/", "/files/notes.txt"),
    ),
    "db": ServerKind(
        "db", N_("DBMS server (key-value store)"), "DBMS 서버",
        N_("data: stores and looks up records on request (a tiny key-value store)"),
        "<html><body><h1>Key-value store</h1><p>Try /cgi-bin/kv?op=list</p></body></html>",
        cgi={"kv": _program("kv.cgi")}, sample_paths=("/cgi-bin/kv?op=list",),
    ),
}


def kind(name: str) -> ServerKind:
    """Look up a server kind by name; unknown names raise BadParameter."""
    if not isinstance(name, str) or name not in KINDS:
        raise BadParameter(_("Unknown server kind {name!r}").format(name=name),
                           _("Use one of: {names}.").format(names=", ".join(KINDS)))
    return KINDS[name]


def check_page(page: str | None) -> str | None:
    if page is None:
        return None
    if not isinstance(page, str) or len(page.encode()) > MAX_PAGE:
        raise BadParameter(_("page must be text of at most {n} bytes").format(n=MAX_PAGE),
                           _("Use a short HTML or text page."))
    return page


def server_script(kind_name: str) -> str:
    """The shell script a server container runs: write its pages and programs, then exec httpd."""
    k = kind(kind_name)
    lines = ["set -e", "mkdir -p /www/cgi-bin /www/files /data",
             'printf "%s" "$PAGE" > /www/index.html']
    for name, body in k.cgi.items():
        lines += [f"cat > /www/cgi-bin/{name} <<'VLAB_EOF'", body.rstrip("\n"), "VLAB_EOF",
                  f"chmod 755 /www/cgi-bin/{name}"]
    if kind_name == "file":
        lines += [
            "printf 'Lecture notes: a server is hardware plus the software running on it.\\n' > /www/files/notes.txt",
            "dd if=/dev/urandom of=/www/files/data.bin bs=1024 count=64 2>/dev/null",
        ]
    lines.append(f"exec httpd -f -p {PORT} -h /www")
    return "\n".join(lines) + "\n"


def server_environment(kind_name: str, page: str | None = None) -> dict[str, str]:
    return {"PAGE": check_page(page) if page is not None else kind(kind_name).default_page}


def server_limits(memory: str | int = "32m", cpus: float = 0.5, pids: int = 32,
                  network: str = "bridge") -> sandbox.Limits:
    """Sandbox limits for a server: a bridge network (it must be reachable), no capabilities at all."""
    return sandbox.Limits(memory=memory, cpus=cpus, pids=pids, network=network)


# ----------------------------------------------------------------- running servers
@dataclass
class Server:
    """A running server container and how to reach it."""

    name: str
    kind: str
    ip: str
    box: sandbox.Box
    port: int = PORT

    def get(self, path: str = "/") -> Response:
        return request(self.ip, path, server=self.name, port=self.port)

    def url(self, path: str = "/") -> str:
        return f"http://{self.ip}:{self.port}{path}"

    def look_inside(self) -> dict:
        """The server as hardware + software: the CPUs and memory it may use, and the processes it runs."""
        out = self.box.exec(
            "echo cpus=$(nproc); "
            "m=$(cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes); "
            "echo memory_limit=$m; echo software=$(tr '\\0' ' ' < /proc/1/cmdline)"
        ).stdout
        facts = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
        mem = facts.get("memory_limit", "")
        return {
            "server": self.name, "kind": KINDS[self.kind].title, "korean": KINDS[self.kind].korean,
            "cpus_visible": int(facts.get("cpus", "0") or 0),
            "memory_limit_mib": round(int(mem) / 2**20) if mem.isdigit() else None,
            "software": facts.get("software", "").strip(),
            "address": f"{self.ip}:{self.port}",
        }


class ServerLab:
    """Running servers by name. Made by ``running()``; removed when its ``with`` block ends."""

    def __init__(self, servers: dict[str, Server]):
        self.servers = servers

    def __getitem__(self, name: str) -> Server:
        if name not in self.servers:
            raise BadParameter(_("No running server named {name!r}").format(name=name),
                               _("Running: {names}.").format(names=", ".join(self.servers)))
        return self.servers[name]

    def get(self, name: str, path: str = "/") -> Response:
        return self[name].get(path)


def _check_kinds(kinds: Sequence[str]) -> list[str]:
    if isinstance(kinds, str):
        kinds = [kinds]
    if not hasattr(kinds, "__iter__"):
        raise BadParameter(_("kinds={kinds!r} is not a list of server kinds").format(kinds=kinds),
                           _("Use some of: {names}.").format(names=", ".join(KINDS)))
    kinds = list(kinds)
    if not kinds:
        raise BadParameter(_("kinds is empty"), _("Name at least one of: {names}.").format(names=", ".join(KINDS)))
    for k in kinds:
        kind(k)
    if len(set(kinds)) != len(kinds):
        raise BadParameter(_("kinds={kinds} names a server twice").format(kinds=kinds), _("Name each kind once."))
    return kinds


@contextmanager
def running(kinds: Sequence[str] = ("web", "app"), *, pages: dict[str, str] | None = None,
            memory: str = "32m", cpus: float = 0.5) -> Iterator[ServerLab]:
    """Start server containers of the given kinds; all are removed when the block ends, whatever happens."""
    kinds = _check_kinds(kinds)
    if pages is not None and not isinstance(pages, dict):
        raise BadParameter(_("pages={pages!r} must be a dict of kind → page text").format(pages=pages),
                           _("For example {'web': '<h1>Hi</h1>'}."))
    pages = dict(pages or {})
    for name, page in pages.items():
        if name not in kinds:
            raise BadParameter(_("pages names {name!r}, which is not started").format(name=name),
                               _("Start it: kinds={kinds}.").format(kinds=[*kinds, name]))
        check_page(page)
    server_limits(memory, cpus)  # validate before anything starts
    with _stack(kinds, pages, memory, cpus) as servers:
        yield ServerLab(servers)


@contextmanager
def _stack(kinds: list[str], pages: dict[str, str], memory: str, cpus: float) -> Iterator[dict[str, Server]]:
    with ExitStack() as stack:
        net = f"vlab-servers-{settings.run_id()}-{os.getpid()}-{next(_net_counter)}"
        net_id = sandbox.ensure_network(net, "servers")
        stack.callback(sandbox.remove_network, net_id)
        limits = server_limits(memory, cpus, network=net)
        servers: dict[str, Server] = {}
        for k in kinds:
            box = stack.enter_context(sandbox.start(server_script(k), image=IMAGE, limits=limits,
                                                    purpose=f"server-{k}", hostname=f"{k}-server",
                                                    environment=server_environment(k, pages.get(k))))
            servers[k] = Server(k, k, box.ip(), box)
        for s in servers.values():
            if not s.ip:
                raise EngineError(_("The {name} server got no address on network {net}.").format(name=s.name, net=net),
                                  _("Run `vlab doctor`; check that Docker can create bridge networks."))
            wait_ready(s.ip)
        yield servers


_net_counter = itertools.count()


# ----------------------------------------------------------------- the recorded tour
TOUR: list[tuple[str, str, str]] = [
    ("static twice", "web", "/"),
    ("static twice", "web", "/"),
    ("dynamic twice", "app", "/cgi-bin/app?n=10"),
    ("dynamic twice", "app", "/cgi-bin/app?n=10"),
    ("computed", "app", "/cgi-bin/app?n=100"),
    ("file listing", "file", "/files/"),
    ("file download", "file", "/files/notes.txt"),
    ("file download", "file", "/files/data.bin"),
    ("database", "db", "/cgi-bin/kv?op=set&key=course&value=virtualization"),
    ("database", "db", "/cgi-bin/kv?op=get&key=course"),
    ("database", "db", "/cgi-bin/kv?op=get&key=missing"),
    ("database", "db", "/cgi-bin/kv?op=list"),
    ("not found", "web", "/no-such-page.html"),
]


def _tour_live(quick: bool = False) -> Results:
    """Start the four servers, send the tour's requests, and keep every response (live only)."""
    rows: list[dict] = []
    inside: list[dict] = []
    partial = False
    try:
        with running(list(KINDS)) as lab:
            for s in lab.servers.values():
                inside.append(s.look_inside())
            for i, (step, name, path) in enumerate(TOUR):
                r = lab.get(name, path)
                rows.append(_row(i, step, r))
    except KeyboardInterrupt:
        partial = True
    samples = pd.DataFrame(rows)
    res = Results(
        kind="servers",
        samples=samples,
        summary=_summary(samples),
        provenance=provenance.collect({"kinds": list(KINDS), "port": PORT,
                                       "limits": "32m, 0.5 CPU, 32 pids, own bridge network"}),
        extra={"servers": [{k: v for k, v in d.items() if k != "address"} for d in inside]},
        partial=partial,
    )
    return res


def _row(i: int, step: str, r: Response) -> dict:
    body = r.body if len(r.body) <= 2000 else r.body[:2000]
    is_binary = r.path.endswith(".bin")
    return {"i": i, "step": step, "server": r.server, "method": r.method, "path": r.path, "status": r.status,
            "reason": r.reason, "content_type": r.content_type, "bytes": _length(r),
            "body": "" if is_binary else body, "body_sha256": r.body_sha256,
            "headers": json.dumps(r.headers), "ms": round(r.ms, 3)}


def _length(r: Response) -> int:
    h = next((v for k, v in r.headers.items() if k.lower() == "content-length"), "")
    return int(h) if h.isdigit() else len(r.body.encode())


def _summary(samples: pd.DataFrame) -> pd.DataFrame:
    if samples.empty:
        return pd.DataFrame()
    return (samples.groupby("server", sort=False)
            .agg(requests=("path", "size"), median_ms=("ms", "median"), statuses=("status", lambda s: sorted(set(s))))
            .reset_index())


def _check_tour(quick: bool = False) -> None:
    flag("quick", quick)


@replay.replayable("servers", check=_check_tour)
def tour(quick: bool = False) -> Results:
    """Run the fixed request script against web, app, file and db servers (recorded in replay mode)."""
    return _tour_live(quick)


RECORDINGS = {"servers": _tour_live}


def responses(results: Results, server: str | None = None) -> list[Response]:
    """The tour's responses as Response objects (marked replayed when they come from a recording)."""
    if results.samples.empty:
        return []
    out = []
    for row in results.samples.to_dict(orient="records"):
        if server is not None and row["server"] != server:
            continue
        out.append(Response(row["server"], row["method"], row["path"], int(row["status"]), row["reason"] or "",
                            json.loads(row["headers"]), row["body"] or "", float(row["ms"]),
                            row["body_sha256"], results.replayed))
    return out


def table(results: Results) -> pd.DataFrame:
    """One line per request: who answered what, and what changes between identical requests."""
    rows = []
    for r in responses(results):
        shown = r.body if r.content_type.startswith(("text", "application/json")) else f"<{_length(r)} bytes>"
        rows.append({"server": r.server, "request": f"{r.method} {r.path}", "status": r.status,
                     "type": r.content_type.split(";")[0], "server time": r.server_time,
                     "answer": " ".join(shown.split())[:90]})
    return pd.DataFrame(rows)


def facts(results: Results) -> dict[str, bool]:
    """Deterministic facts the tour shows (the same live and in replay)."""
    rs = responses(results)
    by = {}
    for r in rs:
        by.setdefault((r.server, r.path), []).append(r)
    web = by.get(("web", "/"), [])
    app = by.get(("app", "/cgi-bin/app?n=10"), [])
    computed = by.get(("app", "/cgi-bin/app?n=100"), [])
    listing = by.get(("file", "/files/"), [])
    files = {r.path.rsplit("/", 1)[-1]: r for r in rs if r.server == "file" and r.path != "/files/"}
    out = {
        "static page identical on two requests": len(web) == 2 and web[0].body_sha256 == web[1].body_sha256,
        "dynamic answer differs on two identical requests": len(app) == 2 and app[0].body != app[1].body,
        "request counter went up by one": len(app) == 2
        and app[1].json()["request_number"] == app[0].json()["request_number"] + 1,
        "WAS computed 1+2+…+100 = 5050": bool(computed) and computed[0].json()["sum_1_to_n"] == 5050,
    }
    if listing and files:
        listed = dict((ln.split("\t")[0], ln.split("\t")[2]) for ln in listing[0].body.splitlines() if "\t" in ln)
        out["downloaded files match the server's SHA-256"] = bool(listed) and all(
            listed.get(name) == r.body_sha256 for name, r in files.items())
    kv = {r.path: r for r in rs if r.server == "db"}
    got = kv.get("/cgi-bin/kv?op=get&key=course")
    missing = kv.get("/cgi-bin/kv?op=get&key=missing")
    if got is not None and missing is not None:
        out["database returns what was stored"] = got.status == 200 and got.json().get("value") == "virtualization"
        out["database answers 404 for a missing key"] = missing.status == 404
    return out


def inside(results: Results) -> pd.DataFrame:
    """Each server as hardware + software: CPUs and memory it may use, and the program it runs."""
    return pd.DataFrame(results.extra.get("servers", []))


def kinds_table() -> pd.DataFrame:
    """The four kinds of server (S1.3): English, Korean, what each one serves."""
    return pd.DataFrame([{"server": _(k.title), "Korean": k.korean, "serves": _(k.serves)} for k in KINDS.values()])


# ----------------------------------------------------------------- try it yourself
def _check_ask(server: str, path: str = "/") -> None:
    kind(server)
    if not isinstance(path, str) or not path.startswith("/"):
        raise BadParameter(_("path={path!r} must start with '/'").format(path=path),
                           _("For example '/cgi-bin/app?n=7'."))


@replay.replayable("servers", check=_check_ask)
def _ask(server: str, path: str = "/") -> Results:
    """One server, one request (live): a one-row Results shaped like the tour's, with the whole body."""
    with running([server]) as lab:
        r = lab.get(server, path)
    return Results("servers", pd.DataFrame([{**_row(0, "ask", r), "body": r.body}]))


def ask(server: str, path: str = "/") -> Response:
    """Start one server, send one request, remove the server. In replay mode: the recorded answer, if any.

    The request is a replayable measurement (kind ``servers``); replay picks this server's answer to this
    path from the recorded tour, and says which paths were recorded when there is none.
    """
    answers = responses(_ask(server, path), server)
    for r in answers:
        if r.path == path:
            return r
    raise DataError(_("Replay mode: no recorded answer for GET {path} from the {server} server.").format(
        path=path, server=server),
                    _("Recorded paths: {paths}. Start Docker to ask anything live.").format(
                        paths=", ".join(sorted({r.path for r in answers}))))


def source(results: Results) -> str:
    """One line saying where these responses come from: live now, or a replayed recording (and whose)."""
    if results.replayed:
        p = results.provenance
        return _("REPLAY: recorded responses from a real run of these servers on {host} "
                 "(kernel {kernel}, {date}). No container ran now.").format(
            host=p.get("host", "?"), kernel=p.get("kernel", "?"), date=p.get("date", "?"))
    return _("LIVE: these responses came from server containers started just now on this machine (now removed).")


# ------------------------------------------------------------------ exercises (notebook 01)
def _repeated_app_answers(results: Results) -> tuple[dict, dict]:
    """The WAS's answers to the first path it was asked twice (``?n=10`` in the tour)."""
    app = responses(results, "app")
    for i, a in enumerate(app):
        for b in app[i + 1:]:
            if a.path == b.path:
                return a.json(), b.json()
    raise DataError(_("The tour has no request the WAS answered twice."), _("Run servers.tour() again."))


@checker
def check_changed_keys(changed: object, results: Results) -> Feedback:
    """Exercise 1: the JSON keys whose values differ between the WAS's two answers to the same request."""
    a, b = _repeated_app_answers(results)
    want = sorted(k for k in a if a.get(k) != b.get(k))
    if isinstance(changed, str) or not isinstance(changed, list | tuple | set):
        return wrong(_("{changed!r} is not a list of keys").format(changed=changed),
                     _("Collect the keys k where first[k] != second[k]."))
    got = sorted(str(k) for k in changed)
    if got == want:
        same = sorted(k for k in a if k not in want)
        return passed(_("{join} changed; {join2} stayed the same. The WAS ran its program again: a new "
                        "request number and a new process (pid) for every request.").format(
                          join=', '.join(want), join2=', '.join(same)))
    unknown = [k for k in got if k not in a]
    if unknown:
        return wrong(_("{unknown} are not keys of the WAS's answer").format(unknown=unknown),
                     _("Its keys are: {join}.").format(
                                                                        join=', '.join(a)))
    return wrong(_("you found {got}; on these answers the keys that differ are not exactly those").format(got=got),
                 _("Compare every key: [k for k in first if first[k] != second[k]]. server_time has one-second "
                   "resolution, so it may or may not change."))


@checker
def check_page_hashes(hashes: object, results: Results) -> Feedback:
    """Exercise 2: the SHA-256 (hex) of the body of each web-server answer to ``/``, computed with hashlib."""
    want = [r.body_sha256 for r in responses(results, "web") if r.path == "/"]
    if isinstance(hashes, str) or not isinstance(hashes, list | tuple):
        return wrong(_("{type} is not a list of hex digests").format(type=type(hashes).__name__),
                     _("Build a list with one hashlib.sha256(...).hexdigest() per response."))
    if len(hashes) != len(want):
        return wrong(_("{hashes} hashes for {want} answers to /").format(hashes=len(hashes), want=len(want)),
                     _("Keep only responses whose path is \"/\"."))
    if not all(isinstance(h, str) for h in hashes):
        return wrong(_("each hash should be a hex string"), _("Call .hexdigest() on the hash object."))
    if list(hashes) != want:
        return wrong(_("your hashes differ from the ones the client computed"),
                     _("Hash the body's bytes: hashlib.sha256(r.body.encode()).hexdigest()."))
    verdict = "identical: a static page" if len(set(want)) == 1 else "different"
    return passed(_("the {want} answers to / hash to {want2}…, {verdict}.").format(
                      want=len(want), want2=want[0][:16], verdict=verdict))


def recorded_get() -> tuple[str, str]:
    """Replay stand-in for notebook 01's plain-interface cell: the recorded tour's first GET to the web server, as
    the live cell prints it, and a note that says it is recorded."""
    s = replay.load("servers").samples
    row = s[(s["server"] == "web") & (s["method"] == "GET")].iloc[0]
    line = "GET {path} → {status} {ctype} | {body}".format(
        path=row["path"], status=int(row["status"]), ctype=row["content_type"], body=str(row["body"]).strip())
    return line, _("recorded: no engine here, so this is the web server's answer to the same kind of GET, as "
                   "servers.tour() recorded it on a real machine.")


def compare_prediction(predicted_same: object, results: Results) -> str:
    """Set the learner's prediction (are two identical WAS requests answered identically?) against the tour."""
    a, b = _repeated_app_answers(results)
    differ = sorted(k for k in a if a.get(k) != b.get(k))
    fact = (_("Measured: the WAS's two answers to the same request differ in {keys}, because it runs its "
              "program again for every request; the web server's two answers to / are byte for byte the same "
              "file.").format(keys=", ".join(differ))
            if differ else _("Measured: the WAS's two answers were identical this time."))
    if not isinstance(predicted_same, bool):
        return _("No prediction recorded. {context}").format(context=fact)
    right = predicted_same == (not differ)
    return (_("Your prediction was right. {fact}") if right else _("Not what you predicted. {fact}")).format(fact=fact)
