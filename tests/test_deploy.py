"""The deployment files say what the app needs: they parse, and agree with the app and the Dockerfile."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_kubernetes_manifest_is_a_deployment_and_a_service_that_match() -> None:
    documents = list(yaml.safe_load_all((ROOT / "deploy" / "kubernetes.yaml").read_text()))
    kinds = {doc["kind"]: doc for doc in documents}
    assert set(kinds) == {"Deployment", "Service"}
    deployment, service = kinds["Deployment"], kinds["Service"]
    pod = deployment["spec"]["template"]
    assert deployment["spec"]["selector"]["matchLabels"].items() <= pod["metadata"]["labels"].items()
    assert service["spec"]["selector"].items() <= pod["metadata"]["labels"].items()
    container = pod["spec"]["containers"][0]
    assert container["command"][0] == "backprop-explorer" and "0.0.0.0" in container["command"]
    assert container["readinessProbe"]["httpGet"]["path"] == "/healthz"
    assert service["spec"]["ports"][0]["targetPort"] == container["ports"][0]["name"]


def test_dockerfile_runs_the_readme_start_command_as_a_non_root_user() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert 'CMD ["backprop-explorer", "--host", "0.0.0.0"' in dockerfile
    assert "USER explorer" in dockerfile and "HEALTHCHECK" in dockerfile and "/healthz" in dockerfile


def _dockerfile_instruction(name: str) -> str:
    """The text of a Dockerfile instruction, its continuation lines joined."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    return next(line for line in text.splitlines() if line.startswith(name + " "))[len(name) + 1:]


def test_the_images_start_command_and_healthcheck_work_here() -> None:
    """The image cannot be built here (no Docker engine), so run its CMD and HEALTHCHECK directly."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = str(s.getsockname()[1])
    command = [port if word == "8000" else word for word in json.loads(_dockerfile_instruction("CMD"))]
    assert shutil.which(command[0]), f"{command[0]} is not installed: pip install . first"
    healthcheck = _dockerfile_instruction("HEALTHCHECK").split(" CMD ", 1)[1].replace(":8000/", f":{port}/")
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while (check := subprocess.run(healthcheck, shell=True, capture_output=True)).returncode != 0:
            assert server.poll() is None, f"{command} exited with {server.returncode}"
            assert time.monotonic() < deadline, f"HEALTHCHECK still failing after 30 s: {check.stderr[-300:]!r}"
            time.sleep(0.2)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            assert json.load(response)["status"] == "ok"
    finally:
        server.terminate()
        server.wait(timeout=15)
