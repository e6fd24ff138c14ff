"""Use case: the evidence package of a case's video leads — clips (burned-in camera and time,
boxes drawn), best crops, each route (JSON), optionally the synopsis of each camera's part, a
manifest (every file's SHA-256; for each clip the source file's SHA-256, camera and times; who
exported and when) and an HTML report. The export is audited with the manifest's hash."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import shutil
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from precinct.core import audit
from precinct.core.access import Actor
from precinct.core.auth import Permission
from precinct.core.db import utcnow
from precinct.registry.service import sha256_file
from precinct.video import clip_service, synopsis_service, trace_service
from precinct.video.index import crop_path
from precinct.video.store import VideoTrack


def zip_folder(folder: Path, target: Path) -> Path:
    """The package as one ZIP file (for download)."""
    return Path(shutil.make_archive(str(target.with_suffix("")), "zip", folder))


class EvidenceError(ValueError):
    """The package cannot be made as asked."""


@dataclass
class Package:
    folder: Path
    case_number: str
    exporter: str
    items: list[dict[str, Any]] = field(default_factory=list)

    def add(self, path: Path, kind: str, **facts: Any) -> None:
        rel = path.relative_to(self.folder).as_posix()
        self.items.append({"file": rel, "kind": kind, "sha256": sha256_file(path)} | facts)


@dataclass(frozen=True)
class ExportRequest:
    """`mode`: how the clips are cut (exact re-encode with burn-in, or keyframe-aligned copy)."""

    case_number: str
    data_dir: Path
    out: Path
    synopsis: bool = False
    mode: clip_service.ClipMode = clip_service.ClipMode.EXACT


def _track_facts(track: VideoTrack) -> dict[str, Any]:
    return {
        "track_id": track.id,
        "camera": track.camera.code,
        "camera_name": track.camera.name,
        "start": track.start_at.isoformat(),
        "end": track.end_at.isoformat(),
        "source_file": Path(track.footage.original_path).name,
        "source_sha256": track.footage.sha256,
    }


def _export_track(pkg: Package, track: VideoTrack, req: ExportRequest) -> None:
    facts, data_dir = _track_facts(track), req.data_dir
    name = f"{track.camera.code}-{track.start_at:%Y%m%dT%H%M%S}-{track.id}"
    clip = pkg.folder / "clips" / f"{name}.mp4"
    clip.parent.mkdir(parents=True, exist_ok=True)
    result = clip_service.render_clip(track, clip, req.mode)
    pkg.add(clip, "clip", **(facts | result.facts()))
    if track.crop_sha256 and crop_path(data_dir, track.crop_sha256).is_file():
        crop = pkg.folder / "crops" / f"{name}.jpg"
        crop.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(crop_path(data_dir, track.crop_sha256), crop)
        pkg.add(crop, "crop", **facts)


def _export_synopsis(pkg: Package, session: Session, track: VideoTrack) -> None:
    req = synopsis_service.SynopsisRequest(
        track.camera.code,
        track.start_at - timedelta(minutes=5),
        track.end_at + timedelta(minutes=5),
    )
    out = pkg.folder / "synopsis" / f"{track.camera.code}-{track.start_at:%H%M%S}.mp4"
    out.parent.mkdir(parents=True, exist_ok=True)
    syn = synopsis_service.build(session, req, out)
    pkg.add(
        out,
        "synopsis",
        camera=req.camera,
        start=req.start.isoformat(),
        end=req.end.isoformat(),
        speed=syn.speed,
        tracks=len(syn.entries),
    )


def export_case(session: Session, actor: Actor, req: ExportRequest) -> Package:
    """Write the package into the empty folder `req.out` and audit the export."""
    pkg = build_package(session, actor, req)
    record_export(session, pkg)
    return pkg


def build_package(session: Session, actor: Actor, req: ExportRequest) -> Package:
    """Write the package (reads only: may run in a read session; audit with `record_export`)."""
    case_number, out, synopsis = req.case_number, req.out, req.synopsis
    actor.require(Permission.CASE_EDIT)
    leads = trace_service.case_leads(session, actor, case_number)
    if not leads:
        raise EvidenceError(f"case {case_number}: no video lead to export")
    if out.exists() and any(out.iterdir()):
        raise EvidenceError(f"{out}: folder is not empty")
    out.mkdir(parents=True, exist_ok=True)
    pkg = Package(out, case_number, actor.username)
    routes = []
    for lead in leads:
        tracks = trace_service.lead_tracks(session, lead)
        for track in tracks:
            _export_track(pkg, track, req)
            if synopsis:
                _export_synopsis(pkg, session, track)
        routes.append(
            {
                "lead": lead.id,
                "kind": lead.kind,
                "note": lead.note,
                "stops": [_track_facts(t) for t in tracks],
            }
        )
    route_file = out / "routes.json"
    route_file.write_text(json.dumps(routes, ensure_ascii=False, indent=1), encoding="utf-8")
    pkg.add(route_file, "routes")
    _finish(pkg, routes)
    return pkg


def _finish(pkg: Package, routes: list[dict[str, Any]]) -> None:
    manifest = {
        "case_number": pkg.case_number,
        "exported_by": pkg.exporter,
        "exported_at": utcnow().isoformat(),
        "items": pkg.items,
    }
    path = pkg.folder / "manifest.json"
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    report = report_html(manifest, routes, pkg.folder)
    (pkg.folder / "report.html").write_text(report, encoding="utf-8")


def record_export(session: Session, pkg: Package) -> None:
    """The export in the audit log, with the manifest's SHA-256."""
    digest = hashlib.sha256((pkg.folder / "manifest.json").read_bytes()).hexdigest()
    audit.append(
        session,
        audit.AuditEvent(
            pkg.exporter,
            audit.AuditAction.EXPORT,
            "video_evidence",
            pkg.case_number,
            case_number=pkg.case_number,
            detail={"manifest_sha256": digest, "files": len(pkg.items)},
        ),
    )


def _crop_src(folder: Path, rel: str) -> str:
    """The crop embedded in the report (a data URI), so the report alone shows it."""
    data = base64.b64encode((folder / rel).read_bytes()).decode("ascii")
    return f"data:image/jpeg;base64,{data}"


def report_html(manifest: dict[str, Any], routes: list[dict[str, Any]], folder: Path) -> str:
    """A self-contained report: routes with times, crops (embedded), clips (links relative to the
    package) and the manifest's hashes; nothing outside the package is referenced."""
    e = html.escape
    parts = [
        "<!doctype html><meta charset='utf-8'>",
        f"<title>视频证据 {e(manifest['case_number'])}</title>",
        "<style>body{font-family:sans-serif;margin:2rem}td,th{border:1px solid #ccc;padding:4px}"
        "table{border-collapse:collapse}img{height:120px}</style>",
        f"<h1>视频证据包 Video evidence · {e(manifest['case_number'])}</h1>",
        f"<p>导出人 Exported by {e(manifest['exported_by'])} · {e(manifest['exported_at'])}</p>",
    ]
    for route in routes:
        parts.append(
            f"<h2>线索 Lead {route['lead']} ({e(route['kind'])}) {e(route['note'])}</h2><ol>"
        )
        parts += [
            f"<li>{e(s['camera'])} {e(s['camera_name'])} · {e(s['start'])} — {e(s['end'])}</li>"
            for s in route["stops"]
        ]
        parts.append("</ol>")
    parts.append(
        "<h2>文件清单 Manifest</h2><table><tr><th>file</th><th>kind</th><th>SHA-256</th>"
        "<th>source SHA-256</th><th>clip (mode, true start)</th></tr>"
    )
    for item in manifest["items"]:
        link = e(item["file"])
        if item["kind"] == "crop":
            shown = f"<img src='{_crop_src(folder, item['file'])}' alt='{link}'><br>{link}"
        else:
            shown = f"<a href='{link}'>{link}</a>"
        parts.append(
            f"<tr><td>{shown}</td><td>{e(item['kind'])}</td><td><code>{item['sha256']}</code>"
            f"</td><td><code>{e(item.get('source_sha256', ''))}</code></td>"
            f"<td>{e(item.get('clip_mode', ''))} {e(item.get('clip_start', ''))}</td></tr>"
        )
    parts.append("</table>")
    return "\n".join(parts)
