"""`pip install --no-build-isolation .` builds the `nlhf` extension module with the project's CMake.

scikit-build-core is not packaged in Debian 12, so this small setuptools hook runs CMake itself. Build
isolation would fetch setuptools from PyPI, hence --no-build-isolation (Debian's python3-setuptools).
"""
import os
import pathlib
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = pathlib.Path(__file__).resolve().parent


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        build_dir = pathlib.Path(self.build_temp) / "cmake"
        build_dir.mkdir(parents=True, exist_ok=True)
        generator = ["-G", "Ninja"] if shutil.which("ninja") else []
        subprocess.run(["cmake", "-S", str(ROOT), "-B", str(build_dir), *generator, "-DCMAKE_BUILD_TYPE=Release",
                        "-DBUILD_TESTING=OFF", "-DNLHF_PYTHON=ON", f"-DPython_EXECUTABLE={sys.executable}"],
                       check=True)
        subprocess.run(["cmake", "--build", str(build_dir), "--target", "nlhf_python", "-j", str(os.cpu_count() or 2)],
                       check=True)
        built = next((build_dir / "python").glob("nlhf.*.so"))
        destination = pathlib.Path(self.get_ext_fullpath(ext.name))
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built, destination)


setup(
    name="nlhf",
    version="0.1.0",
    description="Nash learning from human feedback: certified Nash equilibria of preference games",
    ext_modules=[Extension("nlhf", sources=[])],
    cmdclass={"build_ext": CMakeBuild},
    python_requires=">=3.9",
    install_requires=["numpy"],
    zip_safe=False,
)
