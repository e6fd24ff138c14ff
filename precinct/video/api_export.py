"""Evidence package from the case page: every video lead of the case as one ZIP (audited)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import FileResponse

from precinct.core.access import Actor
from precinct.core.auth import Permission
from precinct.core.db import utcnow
from precinct.video import clip_service, evidence
from precinct.web.deps import check_csrf, get_db, get_settings, require

router = APIRouter()
CaseEditor = Annotated[Actor, require(Permission.CASE_EDIT)]


@router.post(
    "/video/evidence/{case_number}", include_in_schema=False, dependencies=[Depends(check_csrf)]
)
def evidence_zip(request: Request, actor: CaseEditor, case_number: str) -> FileResponse:
    """Clips, crops, routes, manifest (SHA-256) and report of the case's video leads, zipped;
    the package stays under the data folder's `evidence/` and the export is audited."""
    data_dir = get_settings(request).data_dir
    stamp = utcnow().strftime("%Y%m%dT%H%M%S")
    folder = data_dir / "evidence" / f"{case_number}-{stamp}"
    db = get_db(request)
    with db.read() as session:
        try:
            req = evidence.ExportRequest(case_number, data_dir, folder)
            pkg = evidence.build_package(session, actor, req)
        except (evidence.EvidenceError, clip_service.ClipError) as exc:
            raise HTTPException(400, str(exc)) from exc
    with db.write() as session:
        evidence.record_export(session, pkg)
    archive = evidence.zip_folder(folder, folder.with_suffix(".zip"))
    return FileResponse(archive, media_type="application/zip", filename=archive.name)
