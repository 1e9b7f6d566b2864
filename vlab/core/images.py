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
from dataclasses import dataclass
from pathlib import Path

from vlab.core.engine import connect, guarded
from vlab.core.errors import BadParameter, ImageMissing, ToolMissing

BUSYBOX_CANDIDATES = ("/bin/busybox", "/usr/bin/busybox", "/usr/local/bin/busybox")
HASH_LABEL = "vlab.image.hash"

_BASE = """FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
RUN mkdir -p /tmp /root /www /proc /sys /dev /etc && chmod 1777 /tmp && \\
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
        with guarded("looking up an image"):
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
            with guarded("looking up an image"):
                labels = client.api.inspect_image(s.tag)["Config"].get("Labels") or {}
            if labels.get(HASH_LABEL) == digest:
                return s.tag
        except ImageMissing:
            pass
    with guarded(f"building image {s.tag}"):
        stream = client.api.build(
            fileobj=_context(s, busybox, digest),
            custom_context=True,
            tag=s.tag,
            rm=True,
            forcerm=True,
            pull=False,
            network_mode="none",
            decode=True,
            labels={"vlab": "1"},
        )
        log = []
        for chunk in stream:
            if "error" in chunk:
                raise ImageMissing(f"Building {s.tag} failed: {chunk['error'].strip()}",
                                   "Run `vlab doctor` and check that busybox-static is installed.")
            log.append(chunk.get("stream", ""))
    return s.tag


def pull_fallback(name: str = "busybox", client=None) -> str:
    """Optional path for machines that do reach a registry: pull busybox and tag it."""
    s = spec(name)
    client = client or connect()
    with guarded("pulling busybox from a registry"):
        client.api.pull("busybox", tag="latest")
        client.api.tag("busybox:latest", *s.tag.split(":"))
    return s.tag


def ensure(name: str = "busybox", client=None) -> str:
    """Return the tag of a ready course image, building it offline (or pulling) if needed."""
    try:
        return build(name, client)
    except ToolMissing:
        if present(name, client):
            return spec(name).tag
        try:
            return pull_fallback(name, client)
        except Exception as exc:  # noqa: BLE001
            raise ImageMissing(
                f"Course image {spec(name).tag} is missing and cannot be built: no static busybox here.",
                "Install busybox-static (`sudo apt-get install busybox-static`) and run `vlab doctor --build`.",
            ) from exc


def ensure_all(client=None) -> list[str]:
    """Build every course image; return their tags."""
    return [ensure(n, client) for n in IMAGES]
