"""One exception tree for everything that can go wrong in vlab.

Every error carries a one-line ``hint`` that tells the learner what to do.
``str(err)`` gives "message\n  → fix: hint", which is what notebooks and the CLI show.
"""

from __future__ import annotations

from vlab.core.i18n import N_, _

__all__ = [
    "BadParameter", "ContainerGone", "DataError", "EngineConflict", "EngineError", "EngineInVM", "EngineLost",
    "EngineNotRunning", "EnginePermissionDenied", "EngineRejected", "EngineTooOld", "ImageMissing", "RuntimeRefused",
    "ToolMissing", "VlabError"
]


class VlabError(Exception):
    """Base of all vlab errors: a message plus a one-line fix hint."""

    hint: str = N_("Run `vlab doctor` to see what is missing.")

    def __init__(self, message: str, hint: str | None = None, *, partial: object = None) -> None:
        super().__init__(message)
        self.message = message
        if hint is not None:
            self.hint = hint
        #: Results gathered before the failure (a DataFrame, list, …), never thrown away.
        self.partial = partial

    def __str__(self) -> str:
        """The message and the fix in the learner's language (constant texts are in the catalog)."""
        return _("{message}\n  → fix: {hint}").format(message=_(self.message), hint=_(self.hint))

    def _render_traceback_(self) -> list[str]:
        """IPython hook: show the message and the fix, not a traceback wall."""
        return [f"\x1b[31m{type(self).__name__}\x1b[0m: {self}"]


class BadParameter(VlabError, ValueError):
    """A caller passed an argument vlab cannot use."""

    hint = N_("Check the argument named in the message; `help(function)` lists valid values.")


class EngineError(VlabError):
    """Something is wrong between vlab and the Docker engine."""


class EngineNotRunning(EngineError):
    hint = N_(
        "Start Docker: on Debian/Ubuntu as root run `./course.sh test` or `dockerd &`; "
        "on macOS/Windows start Docker Desktop. Until then the course runs in replay mode."
    )


class EnginePermissionDenied(EngineError):
    hint = N_(
        "Add yourself to the docker group (`sudo usermod -aG docker $USER`, then log out and in), "
        "or use rootless Docker (`dockerd-rootless-setuptool.sh install`)."
    )


class EngineTooOld(EngineError):
    hint = N_("Upgrade Docker Engine to 20.10 or newer (API 1.41+).")


class EngineLost(EngineError):
    """The daemon went away in the middle of a run."""

    hint = N_("The Docker daemon stopped mid-run. Start it again (`dockerd &` or Docker Desktop) "
              "and re-run the cell; partial results were kept.")


class RuntimeRefused(EngineError):
    """The daemon answered, but the OCI runtime (runc, crun, runsc) refused to start the container.

    Never a socket permission problem: the daemon's reply proves the socket works.
    """

    hint = N_("The container runtime refused; its own words are above. `vlab doctor` names the engine "
              "and runtime; try the default runtime (runc).")


class ContainerGone(EngineError):
    """HTTP 404: the container (or network) is no longer there: removed, auto-removed, or cleaned."""

    hint = N_("Something removed it first (auto-remove, `vlab clean`, another notebook); re-run the cell.")


class EngineConflict(EngineError):
    """HTTP 409: the engine refused because of the object's state (a name in use, a removal in progress)."""

    hint = N_("Wait a moment and re-run the cell; `vlab clean` removes vlab's leftovers.")


class EngineRejected(EngineError):
    """HTTP 400/403: the engine rejected the request itself (a limit or option it does not accept)."""

    hint = N_("The engine's own words above name the option it refused; change that argument.")


class ImageMissing(EngineError):
    hint = N_("Build the course images with `vlab doctor --build` (no registry needed).")


class EngineInVM(EngineError):
    """The docker context points at an engine inside a VM (Docker Desktop, colima…)."""

    hint = N_("Results still work, but times include the engine VM; `uname -r` shows the VM's kernel.")


class ToolMissing(VlabError):
    """A host tool (qemu, busybox, a kernel image, runc…) is not installed."""


class DataError(VlabError):
    """A recorded-data or results file is missing, malformed or corrupted."""

    hint = N_("Re-install vlab (`pip install -e .`) or re-record with `vlab record`.")
