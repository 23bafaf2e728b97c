"""`confsched serve`: a local web view for chairs (timetable, what-if, versions, solve), built on the library."""

from __future__ import annotations

from pathlib import Path

from .app import create_app
from .workspace import Workspace

__all__ = ["Workspace", "create_app", "serve"]


def serve(
    data_path: Path,
    baseline_path: Path | None,
    out_dir: Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    time_limit: float = 30.0,
) -> None:
    """Run the web view until Ctrl-C; it reads DATA and the baseline, and writes new versions only into `out_dir`."""
    import uvicorn

    workspace = Workspace(data_path, baseline_path, out_dir, time_limit=time_limit)
    print(f"confsched serve: open http://{host}:{port}/ (Ctrl-C stops)", flush=True)
    uvicorn.run(create_app(workspace), host=host, port=port, log_level="warning")
