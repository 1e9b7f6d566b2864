"""vlab: learn virtualization by measuring real containers and VMs on your own machine."""

__version__ = "0.1.0"

from vlab.core.errors import VlabError  # noqa: E402

__all__ = ["VlabError", "__version__"]
