"""Infrastructure as Code (IaC, 코드형 인프라), live: declare servers, then plan, apply, destroy (S1.7–S1.8).

The declaration is data (``environment.toml`` or an ``Environment`` dataclass). vlab compares it with
the *actual state*, the containers on the engine labelled ``vlab.labs.iac=<environment name>``, and
makes only the difference:

>>> env = iac.load("environment.toml")                 # doctest: +SKIP
>>> print(iac.plan(env))        # what would change       (nothing is touched)
>>> iac.apply(env)              # make it so               (creates two servers)
>>> iac.apply(env)              # again: "No changes."     (idempotent)
>>> iac.apply(env.with_page("web", "<h1>Sale!</h1>"))   # exactly one server replaced
>>> iac.destroy(env.name)       # everything removed

The diff engine (``diff``) is pure and the same in both modes; only where the actual state comes
from differs. Live, it is the Docker engine (containers made through ``vlab.core.sandbox``: labelled,
limited, removed at the latest when the Python process ends). In replay mode there is no engine, so
the actual state is an in-memory *simulation*, and every plan says so. The declaration (``ServerDecl``,
``Environment``, TOML) lives in ``vlab.labs.iac_declaration`` and is re-exported here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace

import pandas as pd

from vlab.core import sandbox
from vlab.core.engine import connect, guarded
from vlab.core.errors import BadParameter, EngineError
from vlab.core.exercise import Feedback, checker, not_yet, passed, wrong
from vlab.core.i18n import N_, _
from vlab.labs import servers
from vlab.labs.iac_declaration import (
    ATTRIBUTES,
    CONFIG_LABEL,
    HASH_LABEL,
    LABEL,
    NAME,
    SERVER_LABEL,
    Environment,
    ServerDecl,
    check_name,
    config_hash,
    from_dict,
    load,
    loads,
    to_toml,
)

__all__ = [
    "ATTRIBUTES", "Actual", "ApplyReport", "CONFIG_LABEL", "Change", "EngineState", "Environment", "HASH_LABEL",
    "LABEL", "NAME", "Plan", "SERVER_LABEL", "ServerDecl", "SimulatedState", "apply", "break_server", "check_my_plan",
    "check_replaced", "compare_apply_prediction", "config_hash", "destroy",
    "diff", "fetch", "from_dict", "load", "loads", "network_name", "peek",
    "plan", "plan_cases", "show", "state", "to_toml"
]


# ----------------------------------------------------------------- the actual state
@dataclass
class Actual:
    """A server that exists now: its declared config (from its labels), whether it runs, where."""

    name: str
    config: dict
    hash: str
    running: bool
    id: str
    ip: str = ""


class EngineState:
    """The actual state on the Docker engine: containers labelled ``vlab.labs.iac=<env>``."""

    simulated = False

    def __init__(self, client=None):
        self.client = client or connect()

    def read(self, env: str) -> dict[str, Actual]:
        with guarded(N_("listing the environment's containers")):
            found = self.client.api.containers(all=True, filters={"label": [f"{LABEL}={env}"]})
        out: dict[str, Actual] = {}
        for c in sorted(found, key=lambda c: c.get("Created", 0)):
            labels = c.get("Labels") or {}
            try:
                cfg = json.loads(labels.get(CONFIG_LABEL, ""))
            except ValueError:
                cfg = {}
            name = labels.get(SERVER_LABEL, "") or c["Id"][:12]
            key = name if name not in out else f"{name}~{c['Id'][:6]}"  # a duplicate is always removed
            out[key] = Actual(key, cfg, labels.get(HASH_LABEL, ""), c.get("State") == "running", c["Id"],
                              sandbox.ip_of(c))
        return out

    def create(self, env: str, decl: ServerDecl) -> Actual:
        cfg = decl.config()
        h = config_hash(cfg)
        net = network_name(env)
        sandbox.ensure_network(net, f"iac-{env}", {LABEL: env}, self.client)
        limits = servers.server_limits(decl.memory, decl.cpus, network=net)
        kwargs = sandbox.create_kwargs(self.client, servers.server_script(decl.kind), image=servers.IMAGE,
                                       limits=limits, purpose=f"iac-{env}", name=f"vlab-iac-{env}-{decl.name}",
                                       hostname=decl.name, environment=servers.server_environment(decl.kind,
                                                                                                  cfg["page"]))
        kwargs["labels"].update({LABEL: env, SERVER_LABEL: decl.name, HASH_LABEL: h,
                                 CONFIG_LABEL: json.dumps(cfg, sort_keys=True)})
        # registered for removal at the latest when this Python process ends
        cid = sandbox.launch(self.client, kwargs, server=decl.name)
        try:
            with guarded(_("starting server {name}").format(name=decl.name)):
                ip = sandbox.ip_of(self.client.api.inspect_container(cid))
            servers.wait_ready(ip)
        except BaseException:
            sandbox.remove_quietly(cid, self.client)
            raise
        return Actual(decl.name, cfg, h, True, cid, ip)

    def break_server(self, env: str, name: str) -> None:
        """Stop one server behind the declaration's back, like a crash or a manual change (drift)."""
        actual = self.read(env).get(name)
        if actual is None:
            raise BadParameter(_("No server {name!r} runs in {env!r}").format(name=name, env=env),
                               _("Run iac.apply(...) first."))
        with guarded(_("stopping server {name}").format(name=name)):
            self.client.api.kill(actual.id)
            self.client.api.wait(actual.id, timeout=30)

    def delete(self, env: str, actual: Actual) -> None:
        with guarded(_("removing server {name}").format(name=actual.name)):
            sandbox.remove(actual.id, self.client)
            left = self.client.api.containers(all=True, filters={"label": [f"{LABEL}={env}"]})
            if not left:  # the environment's network goes with its last server
                for n in self.client.api.networks(names=[network_name(env)]):
                    if n.get("Name") == network_name(env):
                        sandbox.remove_network(n["Id"], self.client)


def network_name(env: str) -> str:
    """The environment's own bridge network (created with its first server, removed with its last)."""
    return f"vlab-iac-{env}"


class SimulatedState:
    """An in-memory stand-in for the engine (replay mode). Nothing runs; the diff logic is the real one."""

    simulated = True

    def __init__(self) -> None:
        self._envs: dict[str, dict[str, Actual]] = {}
        self._next = 0

    def read(self, env: str) -> dict[str, Actual]:
        return {k: replace(v) for k, v in self._envs.get(env, {}).items()}

    def create(self, env: str, decl: ServerDecl) -> Actual:
        cfg = decl.config()
        self._next += 1
        actual = Actual(decl.name, cfg, config_hash(cfg), True, f"simulated-{self._next:04d}")
        self._envs.setdefault(env, {})[decl.name] = actual
        return actual

    def delete(self, env: str, actual: Actual) -> None:
        self._envs.get(env, {}).pop(actual.name, None)

    def break_server(self, env: str, name: str) -> None:
        """Simulate a crash (drift) of ``name``, like stopping its container by hand."""
        if name not in self._envs.get(env, {}):
            raise BadParameter(_("No simulated server {name!r} in {env!r}").format(name=name, env=env))
        self._envs[env][name].running = False


_SIMULATED = SimulatedState()


def state(kind: str = "auto"):
    """Where the actual state comes from: ``"engine"``, ``"simulated"``, or ``"auto"`` (by the course mode)."""
    if kind not in ("auto", "engine", "simulated"):
        raise BadParameter(_("state={kind!r} is not understood").format(kind=kind),
                           _("Use 'auto', 'engine' or 'simulated'."))
    if kind == "auto":
        from vlab.core.mode import current

        kind = "simulated" if current().replay else "engine"
    return _SIMULATED if kind == "simulated" else EngineState()


# ----------------------------------------------------------------- the diff engine
@dataclass(frozen=True)
class Change:
    """One planned change: ``create``, ``replace``, ``delete`` or ``keep`` one server."""

    action: str
    server: str
    diff: tuple[tuple[str, object, object], ...] = ()
    reason: str = ""

    SYMBOLS = {"create": "+", "delete": "-", "replace": "~", "keep": " "}
    WORDS = {"create": N_("create"), "delete": N_("delete"), "replace": N_("replace"), "keep": N_("keep")}

    def __str__(self) -> str:
        head = f"  {self.SYMBOLS[self.action]} {self.server}: {_(self.WORDS.get(self.action, self.action))}"
        if self.reason:
            head += f" ({_(self.reason)})"
        return "\n".join([head, *(f"        {attr}: {_short(old)} → {_short(new)}" for attr, old, new in self.diff)])


def _short(value: object, limit: int = 80) -> str:
    text = json.dumps(value, ensure_ascii=False) if value is not None else _("(none)")
    return text if len(text) <= limit else text[: limit - 1] + "…\""


@dataclass
class Plan:
    """What must change so that the actual state matches the declaration."""

    env: str
    changes: list[Change] = field(default_factory=list)
    simulated: bool = False

    def of(self, action: str) -> list[str]:
        return [c.server for c in self.changes if c.action == action]

    @property
    def empty(self) -> bool:
        return all(c.action == "keep" for c in self.changes)

    def summary(self) -> str:
        """One deterministic line: the counts, or 'No changes.'."""
        if self.empty:
            return _("No changes. The actual state matches the declaration.")
        return _("Plan: {create} to create, {replace} to replace, {delete} to delete, {keep} unchanged.").format(
            create=len(self.of("create")), replace=len(self.of("replace")), delete=len(self.of("delete")),
            keep=len(self.of("keep")))

    def __str__(self) -> str:
        lines = []
        if self.simulated:
            lines.append(_("[SIMULATED state: replay mode, no engine. The diff logic is the real one; "
                           "the 'actual' servers exist only in memory.]"))
        lines.append(_("Environment {env!r}:").format(env=self.env))
        lines += [str(c) for c in self.changes] or [_("  (no servers declared or running)")]
        lines.append(self.summary())
        return "\n".join(lines)

    def _repr_pretty_(self, p, cycle) -> None:
        p.text(str(self))


def diff(desired: Environment, actual: dict[str, Actual]) -> Plan:
    """Compare a declaration with the actual state. Pure: no engine, no side effects."""
    changes: list[Change] = []
    want = desired.desired()
    for name, cfg in want.items():
        have = actual.get(name)
        if have is None:
            changes.append(Change("create", name, tuple((a, None, cfg[a]) for a in ATTRIBUTES)))
            continue
        delta = tuple((a, have.config.get(a), cfg[a]) for a in ATTRIBUTES if have.config.get(a) != cfg[a])
        if delta or have.hash != config_hash(cfg):
            changes.append(Change("replace", name, delta, N_("declaration changed")))
        elif not have.running:
            changes.append(Change("replace", name, (), N_("container is not running")))
        else:
            changes.append(Change("keep", name))
    for name in actual:
        if name not in want:
            changes.append(Change("delete", name, (), N_("no longer declared")))
    return Plan(desired.name, changes)


def _resolve(spec: Environment | str) -> Environment:
    if isinstance(spec, str):
        return Environment(check_name(spec, N_("Environment name")))
    if not isinstance(spec, Environment):
        raise BadParameter(_("Expected an Environment or its name, got {type}").format(type=type(spec).__name__),
                           _("Use iac.load('environment.toml') to read a declaration."))
    return spec


def plan(spec: Environment, backend=None) -> Plan:
    """What ``apply(spec)`` would do now. Touches nothing."""
    spec = _resolve(spec)
    backend = backend or state()
    p = diff(spec, backend.read(spec.name))
    p.simulated = backend.simulated
    return p


@dataclass
class ApplyReport:
    """What ``apply`` or ``destroy`` did: the plan it followed and the changes it completed."""

    plan: Plan
    done: list[Change] = field(default_factory=list)
    complete: bool = True
    verb: str = "apply"

    @property
    def changed(self) -> bool:
        return any(c.action != "keep" for c in self.done)

    def summary(self) -> str:
        if not self.changed and self.complete:
            if self.verb == "destroy":
                return _("Nothing to destroy: no server of this environment exists.")
            return _("No changes. The actual state already matches the declaration.")
        counts = {a: sum(c.action == a for c in self.done) for a in ("create", "replace", "delete")}
        text = _("Applied: {create} created, {replace} replaced, {delete} deleted.").format(**counts)
        return text if self.complete else text + _(" INTERRUPTED: run plan() to see what is left.")

    def __str__(self) -> str:
        return str(self.plan) + "\n" + self.summary()

    def _repr_pretty_(self, p, cycle) -> None:
        p.text(str(self))


def _execute(spec: Environment, p: Plan, backend, verb: str = "apply") -> ApplyReport:
    report = ApplyReport(p, verb=verb)
    current = backend.read(spec.name)
    try:
        for change in p.changes:
            if change.action in ("delete", "replace"):
                backend.delete(spec.name, current[change.server])
            if change.action in ("create", "replace"):
                backend.create(spec.name, spec.server(change.server))
            report.done.append(change)
    except (KeyboardInterrupt, EngineError) as exc:
        report.complete = False
        if isinstance(exc, EngineError):
            exc.partial = report
            raise
    return report


def apply(spec: Environment, backend=None) -> ApplyReport:
    """Make the actual state match the declaration; only the difference is changed. Idempotent."""
    spec = _resolve(spec)
    backend = backend or state()
    p = plan(spec, backend)
    return _execute(spec, p, backend)


def destroy(spec: Environment | str, backend=None) -> ApplyReport:
    """Remove every server of the environment (``spec`` or its name)."""
    env = Environment(_resolve(spec).name)
    backend = backend or state()
    return _execute(env, plan(env, backend), backend, "destroy")


def show(spec: Environment | str, backend=None) -> pd.DataFrame:
    """The actual state of an environment: one row per server that exists now."""
    env = _resolve(spec)
    backend = backend or state()
    rows = [{"server": a.name, "kind": a.config.get("kind", "?"), "running": a.running,
             "config hash": a.hash, "container": a.id[:12],
             "address": f"{a.ip}:{servers.PORT}" if a.ip else (_("(simulated)") if backend.simulated else "")}
            for a in sorted(backend.read(env.name).values(), key=lambda a: a.name)]
    return pd.DataFrame(rows, columns=["server", "kind", "running", "config hash", "container", "address"])


def break_server(spec: Environment | str, name: str, backend=None) -> None:
    """Make drift on purpose: stop one server without telling the declaration (simulated in replay mode)."""
    env = _resolve(spec)
    (backend or state()).break_server(env.name, check_name(name, N_("Server name")))


def peek(spec: Environment | str, server: str, path: str = "/", backend=None) -> str:
    """The body a server of the environment answers now, or a clear note when the state is simulated."""
    backend = backend or state()
    if backend.simulated:
        return _("(simulated state in replay mode: there is no real server to ask)")
    return fetch(spec, server, path, backend).body


def fetch(spec: Environment | str, server: str, path: str = "/", backend=None) -> servers.Response:
    """Send a real HTTP request to a server of the environment (live only)."""
    env = _resolve(spec)
    backend = backend or state()
    if backend.simulated:
        raise EngineError(_("Replay mode: the servers are simulated, so there is nothing to send a request to."),
                          _("Start Docker to run this step live."))
    actual = backend.read(env.name).get(server)
    if actual is None or not actual.ip:
        raise BadParameter(_("Server {server!r} of {env!r} is not running").format(server=server, env=env.name),
                           _("Run iac.apply(...) first."))
    return servers.request(actual.ip, path, server=server)


# ----------------------------------------------------------------- exercises (notebook 02)
def _reference_plan(desired: dict, actual: dict) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {"create": [], "replace": [], "delete": []}
    for name, h in desired.items():
        if name not in actual:
            out["create"].append(name)
        elif actual[name][0] != h or not actual[name][1]:
            out["replace"].append(name)
    out["delete"] = [n for n in actual if n not in desired]
    return {k: sorted(v) for k, v in out.items()}


def plan_cases(env: Environment) -> list[tuple[str, dict, dict]]:
    """Situations for the my_plan exercise, built from the learner's own declaration: (what, desired, actual)."""
    desired = {n: config_hash(c) for n, c in env.desired().items()}
    first = next(iter(desired))
    return [
        ("nothing exists yet", desired, {}),
        ("everything runs as declared", desired, {n: (h, True) for n, h in desired.items()}),
        (f"{first} runs an old configuration", desired,
         {n: ("old" if n == first else h, True) for n, h in desired.items()}),
        (f"{first} was stopped by hand (drift)", desired, {n: (h, n != first) for n, h in desired.items()}),
        ("an old server 'legacy' is no longer declared", desired,
         {**{n: (h, True) for n, h in desired.items()}, "legacy": ("x", True)}),
    ]


@checker
def check_my_plan(my_plan: object, env: Environment) -> Feedback:
    """Exercise 2: ``my_plan(desired, actual)`` returns the create / replace / delete lists of a plan."""
    if not callable(my_plan):
        return wrong(_("my_plan should be a function"), _("Define it with def my_plan(desired, actual): ..."))
    for what, desired, actual in plan_cases(env):
        got = my_plan(dict(desired), dict(actual))
        if got is Ellipsis or (isinstance(got, dict) and any(v is Ellipsis for v in got.values())):
            return not_yet()
        want = _reference_plan(desired, actual)
        if not isinstance(got, dict) or set(got) != set(want):
            return wrong(_("when {what}, my_plan returned {got!r}").format(what=what, got=got),
                         _("Return {\"create\": [...], \"replace\": [...], \"delete\": [...]}."))
        got = {k: sorted(v) for k, v in got.items()}
        if got != want:
            bad = next(k for k in want if got[k] != want[k])
            return wrong(_("when {what}: {bad} should be {want}, yours is {got}").format(
                             what=what, bad=bad, want=want[bad], got=got[bad]),
                         _("Create what is declared but missing; replace what runs another hash or is stopped; "
                           "delete what runs but is not declared."))
    return passed(_("your plan agrees with vlab's on all {value} situations, including drift.").format(
                      value=len(plan_cases(env))))


@checker
def check_replaced(names: object, p: Plan) -> Feedback:
    """Exercise 1: the names of the servers a plan replaces, computed from ``plan.changes``."""
    want = sorted(p.of("replace"))
    if isinstance(names, str) or not isinstance(names, list | tuple | set):
        return wrong(_("{names!r} is not a list of server names").format(names=names),
                     _("Collect c.server for each change c."))
    got = sorted(str(n) for n in names)
    if got == want:
        return passed(_("only {value} is replaced: an edit changes exactly the servers it touches.").format(
                          value=', '.join(want) or 'nothing'))
    if set(got) == {c.server for c in p.changes}:
        return wrong(_("that is every server in the plan"), _("Keep only changes whose action is \"replace\"."))
    return wrong(_("{got} is not the list of replaced servers").format(got=got),
                 _("Keep the changes with c.action == \"replace\"."))


def compare_apply_prediction(predicted: object, report: ApplyReport) -> str:
    """Set the learner's predicted number of containers a repeated apply creates or replaces against the report."""
    changed = sum(c.action in ("create", "replace") for c in report.done)
    fact = _("Measured: the second apply created or replaced {n} container(s). Apply changes only the difference "
             "between the declaration and the actual state; after a successful apply there is none "
             "(idempotence).").format(n=changed)
    if not isinstance(predicted, int) or isinstance(predicted, bool):
        return _("No prediction recorded. {context}").format(context=fact)
    if predicted == changed:
        return _("Your prediction was right. {fact}").format(fact=fact)
    return _("You predicted {n}. {fact}").format(n=predicted, fact=fact)
