"""Packaging: the metadata is in setup.cfg; this file only puts the bundled example campaign
and the templates into the package when a wheel is built.

The repository keeps ``data/`` (the example campaign), ``examples/`` (more campaigns) and
``templates/`` at its top level,
where users and developers edit them. An installed vanban (a wheel, not the editable install)
needs them inside the package: ``build_py`` copies them to ``generator/bundled/`` in the
build tree, leaving out what a user's own run may have left there (collected returns, hidden
files).
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
BUNDLED = ("data", "templates", "examples")


class BuildWithBundle(build_py):
    def run(self):
        super().run()
        if self.editable_mode:  # an editable install reads the repository's folders
            return
        target = Path(self.build_lib) / "generator" / "bundled"
        for name in BUNDLED:
            shutil.rmtree(target / name, ignore_errors=True)
            shutil.copytree(ROOT / name, target / name,
                            ignore=shutil.ignore_patterns("bao-cao", ".*", "~$*", "__pycache__"))


setup(cmdclass={"build_py": BuildWithBundle})
