"""Course images: checked once per process, and a fat image that is really fat even without a host busybox."""

from __future__ import annotations

import io
import tarfile

import pytest

from vlab.core import errors, images


class FakeApi:
    """Just enough of docker-py's low-level API to build, pull, tag and inspect images."""

    base_url = "http+docker://fake"

    def __init__(self, fat_extra_mib: int = 64):
        self.calls: list[str] = []
        self.sizes: dict[str, int] = {}
        self.dockerfiles: dict[str, str] = {}
        self.fat_extra = fat_extra_mib * 1024**2

    def inspect_image(self, tag):
        self.calls.append(f"inspect {tag}")
        if tag not in self.sizes:
            raise errors.ImageMissing(f"no such image: {tag}")
        return {"Size": self.sizes[tag], "Config": {"Labels": {}}}

    def pull(self, repo, tag):
        self.calls.append(f"pull {repo}:{tag}")
        self.sizes[f"{repo}:{tag}"] = 4 * 1024**2

    def tag(self, src, repo, tag):
        self.calls.append(f"tag {src} {repo}:{tag}")
        self.sizes[f"{repo}:{tag}"] = self.sizes[src]

    def build(self, fileobj, tag, **kw):
        self.calls.append(f"build {tag}")
        with tarfile.open(fileobj=fileobj) as tar:
            dockerfile = tar.extractfile("Dockerfile").read().decode()
        self.dockerfiles[tag] = dockerfile
        base = self.sizes.get("busybox:latest", 1024**2)
        self.sizes[tag] = base + (self.fat_extra if "padding" in dockerfile else 0)
        return iter([{"stream": "Successfully built"}])


class FakeClient:
    def __init__(self, **kw):
        self.api = FakeApi(**kw)


@pytest.fixture(autouse=True)
def _fresh_cache():
    images.forget()
    yield
    images.forget()


@pytest.fixture
def no_host_busybox(monkeypatch):
    """A machine like Docker Desktop: no static Linux busybox on the host."""
    def missing():
        raise errors.ToolMissing("No static busybox binary found on this machine.")

    monkeypatch.setattr(images, "find_busybox", missing)


def test_ensure_checks_once_per_process_and_engine(monkeypatch, tmp_path):
    busybox = tmp_path / "busybox"
    busybox.write_bytes(b"\x7fELF not really")
    hashed = []
    monkeypatch.setattr(images, "find_busybox", lambda: busybox)
    monkeypatch.setattr(images, "content_hash", lambda s, b: hashed.append(s.name) or "d1")
    client = FakeClient()
    assert images.ensure("busybox", client) == "vlab/busybox:1"
    first = list(client.api.calls)
    assert first and hashed == ["busybox"]
    for _ in range(5):  # what a timed loop does: no hash, no inspect, no build
        assert images.ensure("busybox", client) == "vlab/busybox:1"
    assert client.api.calls == first and hashed == ["busybox"]
    other = FakeClient()  # another engine (a private daemon, DOCKER_HOST changed) is checked on its own
    other.api.base_url = "http+docker://other"
    images.ensure("busybox", other)
    assert other.api.calls and hashed == ["busybox", "busybox"]
    images.forget()
    images.ensure("busybox", client)
    assert len(client.api.calls) > len(first)


def test_fat_without_host_busybox_is_really_larger(no_host_busybox):
    client = FakeClient()
    assert images.ensure("fat", client) == "vlab/fat:1"
    df = client.api.dockerfiles["vlab/fat:1"]
    assert df.startswith("FROM busybox:latest") and "count=64" in df  # built on it, not a re-tag of it
    assert not any(c.startswith("tag busybox:latest vlab/fat") for c in client.api.calls)
    assert client.api.sizes["vlab/fat:1"] >= client.api.sizes["busybox:latest"] + 60 * 1024**2
    assert images.really_fat(client)


def test_fat_that_comes_out_no_larger_is_refused_with_the_reason(no_host_busybox):
    client = FakeClient(fat_extra_mib=0)
    with pytest.raises(errors.ImageMissing) as exc:
        images.ensure("fat", client)
    assert "identical" in exc.value.message and exc.value.hint


def test_an_old_fat_tag_that_is_plain_busybox_is_rebuilt(no_host_busybox):
    client = FakeClient()
    client.api.sizes.update({"busybox:latest": 4 * 1024**2, "vlab/fat:1": 4 * 1024**2})  # a re-tagged busybox
    assert not images.really_fat(client)
    images.ensure("fat", client)
    assert "build vlab/fat:1" in client.api.calls and images.really_fat(client)


def test_no_busybox_and_no_registry_says_what_to_install(no_host_busybox):
    client = FakeClient()

    def no_registry(repo, tag):
        raise errors.EngineError("pull access denied: no registry reachable")

    client.api.pull = no_registry
    with pytest.raises(errors.ImageMissing) as exc:
        images.ensure("busybox", client)
    assert "busybox-static" in exc.value.hint and "pull" in exc.value.message


@pytest.mark.engine
def test_real_fat_image_is_larger_than_busybox(engine):
    fat = engine.api.inspect_image(images.ensure("fat", engine))["Size"]
    thin = engine.api.inspect_image(images.ensure("busybox", engine))["Size"]
    assert fat >= thin + 60 * 1024**2 and images.really_fat(engine)


def test_build_context_holds_the_dockerfile_and_busybox(tmp_path):
    bb = tmp_path / "busybox"
    bb.write_bytes(b"binary")
    ctx = images._context(images.spec("fat"), bb, "abc")
    with tarfile.open(fileobj=io.BytesIO(ctx.read())) as tar:
        assert sorted(tar.getnames()) == ["Dockerfile", "busybox"]
        assert b"padding.bin" in tar.extractfile("Dockerfile").read()
