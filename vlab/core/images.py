"""Build the course's container images locally, offline, from the host's static busybox.

No registry is needed: ``FROM scratch`` + a static busybox gives a ~1 MB image with a
shell, httpd, nc, dd and adjtimex. Builds are cached by a content hash label, so
``ensure()`` is cheap when the image is already there. A registry pull is only a fallback.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import struct
import tarfile
import threading
from dataclasses import dataclass
from pathlib import Path

from vlab.core.engine import connect, guarded
from vlab.core.errors import BadParameter, EngineError, ImageMissing, ToolMissing
from vlab.core.i18n import N_, _

__all__ = [
    "BUSYBOX_CANDIDATES", "HASH_LABEL", "IMAGES", "ImageSpec", "PADDING_MIB", "build", "content_hash", "ensure",
    "ensure_all", "find_busybox", "forget", "is_static_elf", "present", "pull_fallback", "really_fat", "spec"
]

BUSYBOX_CANDIDATES = ("/bin/busybox", "/usr/bin/busybox", "/usr/local/bin/busybox")
HASH_LABEL = "vlab.image.hash"

_BASE = """FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
RUN mkdir -p /tmp /root /www /data /proc /sys /dev /etc && chmod 1777 /tmp && \\
    echo 'root:x:0:0:root:/root:/bin/sh' > /etc/passwd && \\
    echo 'nobody:x:65534:65534:nobody:/:/bin/false' >> /etc/passwd && \\
    echo 'root:x:0:' > /etc/group && echo 'nogroup:x:65534:' >> /etc/group
LABEL vlab=1 org.opencontainers.image.description="vlab course image: static busybox"
CMD ["/bin/sh"]
"""

_FAT = _BASE + """RUN dd if=/dev/urandom of=/padding.bin bs=1M count=64 2>/dev/null
LABEL org.opencontainers.image.description="vlab course image: busybox plus a 64 MiB layer"
"""


@dataclass(frozen=True)
class ImageSpec:
    """One course image: its tag, Dockerfile and what it is for."""

    name: str
    tag: str
    dockerfile: str
    purpose: str


# Without a host busybox (Docker Desktop, macOS, Windows) the fat image is built on a pulled busybox.
PADDING_MIB = 64
_FAT_LAYER = f"""RUN dd if=/dev/urandom of=/padding.bin bs=1M count={PADDING_MIB} 2>/dev/null
LABEL vlab=1 org.opencontainers.image.description="vlab course image: busybox plus a {PADDING_MIB} MiB layer"
"""

IMAGES: dict[str, ImageSpec] = {
    "busybox": ImageSpec("busybox", "vlab/busybox:1", _BASE, "tiny image (~1 MB) used by every lab"),
    "fat": ImageSpec("fat", "vlab/fat:1", _FAT, "the same plus a 64 MiB layer, to compare image size"),
}


def spec(name: str) -> ImageSpec:
    """Look up a course image by short name or tag; unknown names raise BadParameter."""
    for s in IMAGES.values():
        if name in (s.name, s.tag):
            return s
    raise BadParameter(f"Unknown course image {name!r}", f"Use one of: {', '.join(IMAGES)}.")


def find_busybox() -> Path:
    """Path of a *static* busybox binary on the host; ToolMissing with the fix otherwise."""
    for cand in BUSYBOX_CANDIDATES:
        p = Path(cand)
        if p.exists() and is_static_elf(p):
            return p
    found = shutil.which("busybox")
    if found and is_static_elf(Path(found)):
        return Path(found)
    raise ToolMissing(
        "No static busybox binary found on this machine.",
        "Install it: `sudo apt-get install busybox-static` (Debian/Ubuntu) or `dnf install busybox`.",
    )


def is_static_elf(path: Path) -> bool:
    """True for an ELF executable with no program interpreter (statically linked)."""
    try:
        data = path.read_bytes()
    except OSError:
        return False
    if data[:4] != b"\x7fELF" or data[4] != 2:  # 64-bit only
        return False
    endian = "<" if data[5] == 1 else ">"
    phoff = struct.unpack_from(endian + "Q", data, 0x20)[0]
    phentsize, phnum = struct.unpack_from(endian + "HH", data, 0x36)
    for i in range(phnum):
        p_type = struct.unpack_from(endian + "I", data, phoff + i * phentsize)[0]
        if p_type == 3:  # PT_INTERP
            return False
    return True


def content_hash(s: ImageSpec, busybox: Path) -> str:
    h = hashlib.sha256(s.dockerfile.encode())
    h.update(busybox.read_bytes())
    return h.hexdigest()[:16]


def _context(s: ImageSpec, busybox: Path, digest: str) -> io.BytesIO:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        df = (s.dockerfile + f'LABEL {HASH_LABEL}="{digest}"\n').encode()
        info = tarfile.TarInfo("Dockerfile")
        info.size = len(df)
        tar.addfile(info, io.BytesIO(df))
        tar.add(str(busybox), arcname="busybox")
    buf.seek(0)
    return buf


def present(name: str, client=None) -> bool:
    """True when the course image exists locally (any build)."""
    import docker.errors

    client = client or connect()
    try:
        with guarded(N_("looking up an image")):
            client.api.inspect_image(spec(name).tag)
        return True
    except ImageMissing:
        return False
    except docker.errors.ImageNotFound:
        return False


def build(name: str = "busybox", client=None, *, force: bool = False) -> str:
    """Build the course image ``name`` if missing or stale; return its tag. Idempotent."""
    s = spec(name)
    client = client or connect()
    busybox = find_busybox()
    digest = content_hash(s, busybox)
    if not force:
        try:
            with guarded(N_("looking up an image")):
                labels = client.api.inspect_image(s.tag)["Config"].get("Labels") or {}
            if labels.get(HASH_LABEL) == digest:
                return s.tag
        except ImageMissing:
            pass
    _build_context(client, s.tag, _context(s, busybox, digest),
                   "Run `vlab doctor` and check that busybox-static is installed.")
    _ready[(s.name, _engine_key(client))] = s.tag
    return s.tag


def _build_context(client, tag: str, context: io.BytesIO, hint: str) -> None:
    """Build ``tag`` from a tar build context, offline (no pull, no network); ImageMissing on failure."""
    with guarded(_("building image {tag}").format(tag=tag)):
        stream = client.api.build(fileobj=context, custom_context=True, tag=tag, rm=True, forcerm=True, pull=False,
                                  network_mode="none", decode=True, labels={"vlab": "1"})
        for chunk in stream:
            if "error" in chunk:
                raise ImageMissing(f"Building {tag} failed: {chunk['error'].strip()}", hint)


def pull_fallback(name: str = "busybox", client=None) -> str:
    """For machines without a static busybox that reach a registry (Docker Desktop): pull busybox.

    ``busybox`` is the pulled image, tagged. ``fat`` is really built on it: the pulled busybox plus a
    64 MiB layer, never plain busybox under another name (the comparison would compare identical images).
    """
    s = spec(name)
    client = client or connect()
    try:
        with guarded(N_("pulling busybox from a registry")):
            client.api.pull("busybox", tag="latest")
    except EngineError as exc:
        raise ImageMissing(
            f"Course image {s.tag} is missing and cannot be built: no static busybox here, and pulling busybox "
            f"failed ({exc.message}).",
            "Install busybox-static (`sudo apt-get install busybox-static`) and run `vlab doctor --build`.",
        ) from exc
    if s.name == "busybox":
        with guarded(N_("tagging the pulled busybox")):
            client.api.tag("busybox:latest", *s.tag.split(":"))
        return s.tag
    dockerfile = ("FROM busybox:latest\n" + _FAT_LAYER).encode()
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        info = tarfile.TarInfo("Dockerfile")
        info.size = len(dockerfile)
        tar.addfile(info, io.BytesIO(dockerfile))
    buf.seek(0)
    _build_context(client, s.tag, buf, "The image:fat comparison needs an image really larger than busybox; "
                   "install busybox-static, or leave that variant out.")
    if not really_fat(client):
        raise ImageMissing(f"{s.tag} came out no larger than busybox, so image:fat would compare identical images.",
                           "Leave the image variant out here, or install busybox-static and run `vlab doctor`.")
    return s.tag


def really_fat(client=None) -> bool:
    """True when ``vlab/fat:1`` is at least the padding (64 MiB) larger than the busybox it is built on."""
    client = client or connect()
    try:
        with guarded(N_("looking up an image")):
            fat = client.api.inspect_image(spec("fat").tag)
            base_tag = spec("busybox").tag if _has(client, spec("busybox").tag) else "busybox:latest"
            base = client.api.inspect_image(base_tag)
    except ImageMissing:
        return False
    return int(fat.get("Size", 0)) >= int(base.get("Size", 0)) + (PADDING_MIB - 4) * 1024**2


def _has(client, tag: str) -> bool:
    try:
        with guarded(N_("looking up an image")):
            client.api.inspect_image(tag)
        return True
    except ImageMissing:
        return False


# Images already checked, per (image, engine) in this process: ensure() then costs nothing, so it never
# adds a hash of busybox and an image inspection to a timed region (a container-start figure, say).
_ready: dict[tuple[str, str], str] = {}
_ready_lock = threading.Lock()


def _engine_key(client) -> str:
    return str(getattr(getattr(client, "api", None), "base_url", None) or id(client))


def forget() -> None:
    """Forget which images were checked (after images were removed behind vlab's back)."""
    with _ready_lock:
        _ready.clear()


def ensure(name: str = "busybox", client=None) -> str:
    """Return the tag of a ready course image, building it offline (or pulling) if needed.

    Checked once per process and engine; later calls return the tag at once, without touching the engine.
    """
    s = spec(name)
    client = client or connect()
    key = (s.name, _engine_key(client))
    if key in _ready:
        return _ready[key]
    with _ready_lock:
        if key not in _ready:
            _ready[key] = _ensure(s, client)
    return _ready[key]


def _ensure(s: ImageSpec, client) -> str:
    try:
        return build(s.name, client)
    except ToolMissing:
        if present(s.name, client) and (s.name != "fat" or really_fat(client)):
            return s.tag
        return pull_fallback(s.name, client)


def ensure_all(client=None) -> list[str]:
    """Build every course image; return their tags."""
    return [ensure(n, client) for n in IMAGES]
