"""The real app plus one endpoint that skips all work, the baseline for the API's throughput.

It accepts the same POST, reads the body as the real endpoint must, and answers
constant JSON: what remains of the real endpoint's time over this one is validation,
NumPy and serialisation.
"""

from fastapi import Request
from fastapi.responses import JSONResponse

from app.main import create_app

app = create_app()
_CONSTANT = {"output": [[37.0, 47.0], [67.0, 77.0]]}


@app.post("/bench/bare")
async def bare(request: Request) -> JSONResponse:
    await request.body()
    return JSONResponse(_CONSTANT)
