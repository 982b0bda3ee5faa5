"""The deployment files say what the app needs: they parse, and agree with the app and the Dockerfile."""

from __future__ import annotations

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
