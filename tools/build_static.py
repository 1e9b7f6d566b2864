"""Build the static course website: a thin wrapper over the Sphinx site build (site/build.py).

    python tools/build_static.py              # same as ./course.sh site: every edition into _site/
    python tools/build_static.py --lang en    # one edition
    python tools/build_static.py --fresh      # rewrite every page (executed notebooks stay cached)

The notebooks are executed in replay mode with myst-nb (cached), rendered with sphinx-book-theme, and the
Jupyter widgets HTML manager is served from the site itself. See site/build.py.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD_SCRIPT = ROOT / "site" / "build.py"


def load_site_build():
    """The site/build.py module (site/ is not a package)."""
    spec = importlib.util.spec_from_file_location("vlab_site_build", BUILD_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def main(argv: list[str] | None = None) -> int:
    return load_site_build().main(argv)


if __name__ == "__main__":
    raise SystemExit(main())
