"""The operator's signing key and certificate.

Production configures real ones (``SILKPOST_SIGNING_KEY_FILE``/``_CERT_FILE``). Without
them, a self-signed demo pair is created once under the data dir, clearly named as such,
so every path works out of the box; customs would reject it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from flask import current_app

from declarations.signing import Signer, make_demo_key_and_certificate

DEMO_COMMON_NAME = "Silkpost DEMO signing certificate - not valid for customs"


def _paths() -> tuple[Path, Path, bool]:
    cfg = current_app.config
    if cfg.get("SIGNING_KEY_FILE") and cfg.get("SIGNING_CERT_FILE"):
        return Path(cfg["SIGNING_KEY_FILE"]), Path(cfg["SIGNING_CERT_FILE"]), False
    folder = Path(cfg["SILKPOST_DATA_DIR"]) / "signing" / "demo"
    return folder / "key.pem", folder / "cert.pem", True


def _make_demo_pair(folder: Path) -> None:
    """Create the demo pair once, whichever process gets there first: the pair is written
    into a fresh folder that is then renamed into place in one step, so two workers starting
    together can never sign with two different keys (the loser keeps the winner's pair)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".demo-", dir=folder.parent))
    key_pem, cert_pem = make_demo_key_and_certificate(DEMO_COMMON_NAME)
    (staging / "cert.pem").write_bytes(cert_pem)
    (staging / "key.pem").write_bytes(key_pem)
    (staging / "key.pem").chmod(0o600)
    try:
        os.rename(staging, folder)
    except OSError:  # another process renamed its pair first
        shutil.rmtree(staging, ignore_errors=True)


def signer() -> Signer:
    """The operator's signer, loaded once per app; without configured files, the demo pair
    is made on first use."""
    cache = current_app.extensions.setdefault("silkpost.signer", {})
    if "signer" not in cache:
        key_path, cert_path, demo = _paths()
        if demo and not key_path.exists():
            _make_demo_pair(key_path.parent)
        cache["signer"] = Signer(key_path.read_bytes(), cert_path.read_bytes())
    return cache["signer"]
