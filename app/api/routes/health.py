"""Liveness for load balancers and the container's HEALTHCHECK."""

from fastapi import APIRouter

from ... import __version__

router = APIRouter(tags=["service"])


@router.get("/healthz", summary="Liveness check")
def healthz() -> dict[str, str]:
    return {"status": "ok", "version": __version__}
