"""An uploaded spreadsheet kept between the preview and the import, for its uploader only.

The file holds personal data, so it is kept only as long as the two steps need
(STAGED_FOR), under the instance folder (or UPLOAD_FOLDER), named by a random
token and the uploader's id, and deleted when imported, abandoned or stale.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_login import current_user
from werkzeug.datastructures import FileStorage

#: How long an upload waits for its second step before it is deleted unread.
STAGED_FOR = 2 * 60 * 60
SUFFIXES = (".csv", ".xlsx")


@dataclass(frozen=True)
class StagedFile:
    token: str
    path: Path

    @property
    def filename(self) -> str:
        """The name the reader needs (its suffix says CSV or XLSX)."""
        return self.path.name


def _folder() -> Path:
    configured = current_app.config.get("UPLOAD_FOLDER")
    folder = Path(configured) if configured else Path(current_app.instance_path) / "uploads"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def stage(upload: FileStorage) -> StagedFile:
    """Keep an upload for its preview and import; old abandoned ones are swept away."""
    sweep()
    suffix = Path(upload.filename or "").suffix.lower()
    if suffix not in SUFFIXES:
        raise ValueError("only .csv and .xlsx files are staged")
    token = secrets.token_urlsafe(18)
    path = _folder() / f"{current_user.id}-{token}{suffix}"
    upload.save(path)
    path.chmod(0o600)
    return StagedFile(token, path)


def staged(token: str) -> StagedFile | None:
    """The current user's own staged upload under this token, if it is still kept."""
    if not token.replace("-", "").replace("_", "").isalnum():
        return None
    for suffix in SUFFIXES:
        path = _folder() / f"{current_user.id}-{token}{suffix}"
        if path.exists() and time.time() - path.stat().st_mtime < STAGED_FOR:
            return StagedFile(token, path)
    return None


def discard(file: StagedFile) -> None:
    file.path.unlink(missing_ok=True)


def sweep() -> int:
    """Delete staged uploads older than STAGED_FOR; how many were deleted."""
    stale = [
        p
        for p in _folder().iterdir()
        if p.is_file() and time.time() - p.stat().st_mtime > STAGED_FOR
    ]
    for path in stale:
        path.unlink(missing_ok=True)
    return len(stale)
