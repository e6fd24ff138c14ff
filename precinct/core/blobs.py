"""Content-addressed files: the name is the content's SHA-256, so identical content is stored once
and a stored file is never rewritten."""

from __future__ import annotations

import hashlib
from pathlib import Path


def blob_path(folder: Path, sha256: str, suffix: str = ".jpg") -> Path:
    return folder / sha256[:2] / f"{sha256}{suffix}"


def save_blob(folder: Path, data: bytes, suffix: str = ".jpg") -> str:
    """Store `data` under `folder` (written to a temporary name, then renamed); its SHA-256."""
    sha = hashlib.sha256(data).hexdigest()
    path = blob_path(folder, sha, suffix)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
    return sha
