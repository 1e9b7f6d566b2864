"""Infrastructure as Code, the declaration: servers as data (``ServerDecl``, ``Environment``), read from and written
to TOML, and the configuration hash that tells a changed server from an unchanged one. ``vlab.labs.iac`` re-exports
all of it; the actual state, the diff engine and apply/destroy live there.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, replace
from pathlib import Path

from vlab.core import sandbox
from vlab.core.errors import BadParameter, DataError, ToolMissing
from vlab.core.i18n import N_, _
from vlab.labs import servers

__all__ = [
    "ATTRIBUTES", "CONFIG_LABEL", "Environment", "HASH_LABEL", "LABEL", "NAME", "SERVER_LABEL", "ServerDecl",
    "check_name", "config_hash", "from_dict", "load", "loads", "to_toml",
]


LABEL = "vlab.labs.iac"
SERVER_LABEL = "vlab.labs.iac.server"
HASH_LABEL = "vlab.labs.iac.hash"
CONFIG_LABEL = "vlab.labs.iac.config"
NAME = re.compile(r"[a-z][a-z0-9-]{0,23}")
ATTRIBUTES = ("kind", "page", "memory", "cpus", "image")


# ----------------------------------------------------------------- the declaration
def check_name(value: object, what: str) -> str:
    if not isinstance(value, str) or not NAME.fullmatch(value):
        raise BadParameter(_("{what} {value!r} is not a valid name").format(what=_(what), value=value),
                           _("Use 1–24 lower-case letters, digits or '-', starting with a letter (e.g. 'shop')."))
    return value


@dataclass(frozen=True)
class ServerDecl:
    """One declared server: its name, kind (web, app, file, db), page text and limits."""

    name: str
    kind: str = "web"
    page: str | None = None
    memory: str = "32m"
    cpus: float = 0.5

    def __post_init__(self) -> None:
        check_name(self.name, N_("Server name"))
        servers.kind(self.kind)
        servers.check_page(self.page)
        sandbox.parse_memory(self.memory)
        object.__setattr__(self, "cpus", sandbox.check_cpus(self.cpus))

    def config(self) -> dict:
        """The attributes that define this server; a change in any of them means a new container."""
        page = self.page if self.page is not None else servers.KINDS[self.kind].default_page
        return {"kind": self.kind, "page": page, "memory": str(self.memory), "cpus": self.cpus,
                "image": servers.IMAGE}


def config_hash(config: dict) -> str:
    return hashlib.sha256(json.dumps(config, sort_keys=True).encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Environment:
    """A declared environment: a name and its servers. Immutable; the ``with_*`` methods return edited copies."""

    name: str
    servers: tuple[ServerDecl, ...] = ()

    def __post_init__(self) -> None:
        check_name(self.name, N_("Environment name"))
        object.__setattr__(self, "servers", tuple(self.servers))
        names = [s.name for s in self.servers]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise BadParameter(_("Server names must be unique; repeated: {names}").format(names=", ".join(dup)),
                               _("Rename one of them."))
        if len(self.servers) > 8:
            raise BadParameter(_("At most 8 servers per environment on a course machine"), _("Remove some servers."))

    def server(self, name: str) -> ServerDecl:
        for s in self.servers:
            if s.name == name:
                return s
        raise BadParameter(_("No server named {name!r} in {env!r}").format(name=name, env=self.name),
                           _("Declared: {names}.").format(names=", ".join(s.name for s in self.servers) or _("none")))

    def with_page(self, server: str, page: str) -> Environment:
        """A copy where ``server`` serves ``page``."""
        target = self.server(server)
        return replace(self, servers=tuple(replace(s, page=page) if s is target else s for s in self.servers))

    def with_server(self, name: str, kind: str = "web", **attrs) -> Environment:
        """A copy with one more server."""
        if any(s.name == name for s in self.servers):
            raise BadParameter(_("{env!r} already declares a server {name!r}").format(env=self.name, name=name),
                               _("Pick another name."))
        return replace(self, servers=(*self.servers, ServerDecl(name, kind, **attrs)))

    def without_server(self, name: str) -> Environment:
        """A copy without ``name``."""
        self.server(name)
        return replace(self, servers=tuple(s for s in self.servers if s.name != name))

    def desired(self) -> dict[str, dict]:
        return {s.name: s.config() for s in self.servers}


def from_dict(data: object, *, source: str = "declaration") -> Environment:
    """Build an Environment from parsed TOML/JSON: ``{"name": ..., "servers": {"web": {"kind": ...}, ...}}``."""
    if not isinstance(data, dict):
        raise DataError(_("{source} must be a table with 'name' and [servers.*].").format(source=source),
                        _("See notebooks/environment.toml."))
    unknown = set(data) - {"name", "servers"}
    if unknown:
        raise DataError(_("{source}: unknown top-level key(s) {keys}").format(source=source, keys=sorted(unknown)),
                        _("Only 'name' and [servers.*]."))
    table = data.get("servers", {})
    if not isinstance(table, dict):
        raise DataError(_("{source}: 'servers' must be a table of [servers.NAME] sections.").format(source=source))
    decls = []
    for name, attrs in table.items():
        if not isinstance(attrs, dict):
            raise DataError(_("{source}: [servers.{name}] must be a table.").format(source=source, name=name))
        extra = set(attrs) - {"kind", "page", "memory", "cpus"}
        if extra:
            raise DataError(_("{source}: [servers.{name}] has unknown key(s) {keys}").format(
                source=source, name=name, keys=sorted(extra)), _("Allowed: kind, page, memory, cpus."))
        decls.append(ServerDecl(name=name, **attrs))
    return Environment(name=data.get("name", ""), servers=tuple(decls))


def _toml():
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        try:
            import tomli as tomllib  # type: ignore[no-redef]
        except ModuleNotFoundError as exc:
            raise ToolMissing(_("Reading TOML needs Python 3.11+ or the tomli package."),
                              _("pip install tomli (or use Python 3.11+).")) from exc
    return tomllib


def loads(text: str, *, source: str = "declaration") -> Environment:
    """Parse a TOML declaration."""
    if not isinstance(text, str):
        raise BadParameter(_("text={text!r} is not TOML text").format(text=text),
                           _("Pass a string, or use iac.load(path)."))
    tomllib = _toml()
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataError(_("{source} is not valid TOML: {error}").format(source=source, error=exc),
                        _("Check quotes and [section] headers.")) from exc
    return from_dict(data, source=source)


def load(path: str | Path = "environment.toml") -> Environment:
    """Read a TOML declaration file."""
    if not isinstance(path, str | Path):
        raise BadParameter(_("path={path!r} is not a file path").format(path=path),
                           _("For example iac.load('environment.toml')."))
    p = Path(path).expanduser()
    if not p.is_file():
        raise DataError(_("No declaration file at {path}").format(path=p),
                        _("Run the notebook from the notebooks/ folder, or give a path."))
    return loads(p.read_text(encoding="utf-8"), source=p.name)


def to_toml(env: Environment) -> str:
    """Write a declaration back as TOML text (what the learner would save)."""
    lines = [f"name = {json.dumps(env.name)}", ""]
    for s in env.servers:
        lines.append(f"[servers.{s.name}]")
        lines.append(f"kind = {json.dumps(s.kind)}")
        if s.page is not None:
            lines.append(f"page = {json.dumps(s.page, ensure_ascii=False)}")
        lines += [f"memory = {json.dumps(str(s.memory))}", f"cpus = {s.cpus}", ""]
    return "\n".join(lines)
