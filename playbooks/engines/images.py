"""The engine images of the version matrix, built from Debian packages without any registry.

A base per Debian suite (mmdebstrap → `docker import`), then one image per engine version
(`docker build --network host`, apt inside). Images that exist are reused. Adding a version is
one line in `VERSIONS`.
"""

from __future__ import annotations

import hashlib
import subprocess
import time
from dataclasses import dataclass

from .dockerd import Dockerd

MIRROR = "http://deb.debian.org/debian"
# sid's Release file is past its Valid-Until date on the mirror seen here.
_APT_OPTS = ['Acquire::Check-Valid-Until "false"', 'APT::Install-Recommends "false"']


@dataclass(frozen=True)
class Image:
    engine: str
    version: str
    suite: str
    packages: tuple[str, ...]

    @property
    def tag(self) -> str:
        return f"dbarch/{self.engine}:{self.version}"


def _pg(version: str, suite: str) -> Image:
    pkgs = (
        f"postgresql-{version}",
        f"postgresql-{version}-postgis-3",
        f"postgresql-{version}-hypopg",
        # the operations chapters: auditing, online rebuilds, partition upkeep, backups, failover
        f"postgresql-{version}-pgaudit",
        f"postgresql-{version}-repack",
        f"postgresql-{version}-partman",
        "pgbackrest",
        "pgbouncer",  # the suite's PgBouncer, run beside this PostgreSQL (engines/pgbouncer.py)
        "patroni",
        "python3-etcd",  # Patroni's etcd3 client: only recommended, and recommends are not installed
    )
    return Image("postgres", version, suite, pkgs)


VERSIONS: dict[str, dict[str, Image]] = {
    "postgres": {"15": _pg("15", "bookworm"), "17": _pg("17", "trixie"), "18": _pg("18", "sid")},
    "mariadb": {
        "10.11": Image("mariadb", "10.11", "bookworm", ("mariadb-server",)),
        "11.8": Image("mariadb", "11.8", "trixie", ("mariadb-server",)),
    },
    "mysql": {"9.7": Image("mysql", "9.7", "sid", ("mysql-server",))},
    "redis": {
        "7": Image("redis", "7", "bookworm", ("redis-server",)),
        "8": Image("redis", "8", "trixie", ("redis-server",)),
    },
}


def image(engine: str, version: str) -> Image:
    try:
        return VERSIONS[engine][version]
    except KeyError:
        known = ", ".join(f"{e}:{v}" for e, vs in VERSIONS.items() for v in vs)
        raise ValueError(f"{engine}:{version} is not in the matrix; known: {known}") from None


def exists(dockerd: Dockerd, tag: str) -> bool:
    try:
        dockerd.docker("image", "inspect", "--format", "{{.Id}}", tag)
    except RuntimeError:
        return False
    return True


def size_mb(dockerd: Dockerd, tag: str) -> float:
    return int(dockerd.docker("image", "inspect", "--format", "{{.Size}}", tag)) / 1e6


def build_base(dockerd: Dockerd, suite: str) -> float | None:
    """`dbarch/debian:<suite>` from mmdebstrap; seconds taken, or None when it existed."""
    tag = f"dbarch/debian:{suite}"
    if exists(dockerd, tag):
        return None
    t0 = time.monotonic()
    argv = ["mmdebstrap", "--variant=apt", "--quiet"]
    argv += [f"--aptopt={opt}" for opt in _APT_OPTS]
    argv += [suite, "-", MIRROR]
    strap = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    imp = subprocess.run(
        ["docker", "--host", f"unix://{dockerd.socket}", "import", "-", tag],
        stdin=strap.stdout,
        capture_output=True,
    )
    assert strap.stdout is not None
    strap.stdout.close()
    err = strap.stderr.read().decode(errors="replace") if strap.stderr else ""
    if strap.wait() != 0 or imp.returncode != 0:
        detail = err[-1500:] or imp.stderr.decode(errors="replace")[-1500:]
        raise RuntimeError(f"base image {tag} failed: {detail}")
    return time.monotonic() - t0


def dockerfile(img: Image) -> str:
    lines = [
        f"FROM dbarch/debian:{img.suite}",
        "RUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "
        + " ".join(img.packages)
        + " && apt-get clean && rm -rf /var/lib/apt/lists/*",
    ]
    if img.engine == "postgres":
        lines.append(f"ENV PATH=/usr/lib/postgresql/{img.version}/bin:$PATH")
    recipe = hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]
    lines.append(f"LABEL {RECIPE_LABEL}={recipe}")  # a changed recipe is a different image
    return "\n".join(lines) + "\n"


RECIPE_LABEL = "dbarch.recipe"


def up_to_date(dockerd: Dockerd, img: Image) -> bool:
    """The image exists and was built from the recipe `dockerfile` gives today."""
    if not exists(dockerd, img.tag):
        return False
    label = dockerd.docker(
        "image", "inspect", "--format", f'{{{{index .Config.Labels "{RECIPE_LABEL}"}}}}', img.tag
    )
    return f"LABEL {RECIPE_LABEL}={label.strip()}\n" in dockerfile(img)


def build(dockerd: Dockerd, img: Image) -> float | None:
    """The image of one engine version; seconds taken, or None when it was up to date. An image
    of an older recipe is rebuilt (its layers go when nothing uses them)."""
    if up_to_date(dockerd, img):
        return None
    t0 = time.monotonic()
    build_base(dockerd, img.suite)
    dockerd.docker(
        "build",
        "--network",
        "host",
        "--force-rm",
        "--tag",
        img.tag,
        "-",
        input=dockerfile(img).encode(),
    )
    dockerd.docker("image", "prune", "--force")  # the replaced image, now untagged
    return time.monotonic() - t0
