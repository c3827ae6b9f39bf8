"""deploy/helm/leadex: rendered and linted by Helm's own engine (its Go SDK, through
helm-python-sdk), and every rendered manifest validated against the Kubernetes schemas."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import helm_python as helm
import kubernetes_validate
import pytest
import yaml

from cli.main import build_parser
from workers.main import QUEUE_KINDS

CHART = Path(__file__).parents[2] / "deploy" / "helm" / "leadex"
KUBE_VERSION = "1.30.0"
SECRETS = {"databaseUrl": "postgresql://leadex:pw@pg:5432/leadex", "secretKey": "0" * 64}


def _render(values: dict[str, Any]) -> list[dict[str, Any]]:
    with helm.Chart.load(str(CHART)) as chart:
        rendered = chart.render(values, name="acme", namespace="leadex")
    documents: list[dict[str, Any]] = []
    for path, text in sorted(rendered.items()):
        if path.endswith("NOTES.txt"):
            continue
        documents += [doc for doc in yaml.safe_load_all(text) if doc]
    return documents


def _validate(documents: list[dict[str, Any]]) -> None:
    for document in documents:
        kubernetes_validate.validate(document, KUBE_VERSION, strict=True)


def _by_kind(documents: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for d in documents if d["kind"] == kind}


INFO = 1  # Helm's lint severities: 1 info, 2 warning, 3 error


def test_the_chart_lints_clean() -> None:
    report = helm.lint(str(CHART), {"secrets": SECRETS}, strict=True, kube_version=KUBE_VERSION)
    assert report["total_charts_linted"] == 1
    assert report["errors"] == [], report
    assert all(message["severity"] <= INFO for message in report["messages"]), report


def test_the_default_release_renders_to_valid_manifests() -> None:
    documents = _render({"secrets": SECRETS})
    _validate(documents)
    deployments = _by_kind(documents, "Deployment")
    assert set(deployments) == {
        "acme-leadex-api",
        "acme-leadex-worker-workflows",
        "acme-leadex-worker-research",
        "acme-leadex-worker-browser",
        "acme-leadex-worker-delivery",
    }
    parser = build_parser()
    polled: set[str] = set()
    for name, deployment in deployments.items():
        pod = deployment["spec"]["template"]["spec"]
        container = pod["containers"][0]
        parser.parse_args(container["args"])
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert container["securityContext"]["readOnlyRootFilesystem"] is True
        assert container["livenessProbe"] and container["readinessProbe"], name
        assert container["lifecycle"]["preStop"]["exec"]["command"][0] == "sleep"
        if "--queues" in container["args"]:
            polled |= set(container["args"][container["args"].index("--queues") + 1].split(","))
            env = {item["name"]: item.get("value") for item in container["env"]}
            grace = float(env["LEADEX_WORKER_SHUTDOWN_GRACE_SECONDS"])
            # Kubernetes waits longer than the worker lets its activities finish.
            assert pod["terminationGracePeriodSeconds"] > grace
    assert polled == set(QUEUE_KINDS)
    api = deployments["acme-leadex-api"]["spec"]["template"]["spec"]["containers"][0]
    assert api["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert api["livenessProbe"]["httpGet"]["path"] == "/healthz"
    # CPU autoscaling on the API, research and browser workers; a budget for each Deployment.
    hpas = _by_kind(documents, "HorizontalPodAutoscaler")
    assert set(hpas) == {
        "acme-leadex-api",
        "acme-leadex-worker-research",
        "acme-leadex-worker-browser",
    }
    assert set(_by_kind(documents, "PodDisruptionBudget")) == set(deployments)
    # Migrations and the Temporal setup are hooks that run before install and upgrade.
    jobs = _by_kind(documents, "Job")
    assert {job["spec"]["template"]["spec"]["containers"][0]["args"][0] for job in jobs.values()}
    for job in jobs.values():
        assert job["metadata"]["annotations"]["helm.sh/hook"] == "pre-install,pre-upgrade"
        parser.parse_args(job["spec"]["template"]["spec"]["containers"][0]["args"])
    config = _by_kind(documents, "ConfigMap")["acme-leadex-config"]["data"]
    assert config["LEADEX_TEMPORAL_NAMESPACE"] == "leadex"
    secret = _by_kind(documents, "Secret")["acme-leadex-secrets"]["stringData"]
    assert secret["LEADEX_SECRET_KEY"] == SECRETS["secretKey"]


def test_temporal_cloud_with_mtls_or_an_api_key_and_the_backlog_example() -> None:
    documents = _render(
        {
            "existingSecret": "leadex-prod",
            "temporal": {
                "address": "leadex.a1b2c.tmprl.cloud:7233",
                "registerNamespace": False,
                "tls": {"existingSecret": "temporal-client-cert"},
                "apiKey": {"existingSecret": "temporal-api-key"},
            },
            "workers": {"research": {"autoscaling": {"backlog": {"enabled": True}}}},
            "api": {"ingress": {"enabled": True, "host": "leads.acme.test"}},
        }
    )
    _validate(documents)
    assert not _by_kind(documents, "Secret"), "an existing Secret is used, none is made"
    config = _by_kind(documents, "ConfigMap")["acme-leadex-config"]["data"]
    assert config["LEADEX_TEMPORAL_TLS"] == "true"
    for deployment in _by_kind(documents, "Deployment").values():
        pod = deployment["spec"]["template"]["spec"]
        container = pod["containers"][0]
        env = {item["name"]: item for item in container["env"]}
        assert env["LEADEX_TEMPORAL_TLS_CERT"]["value"] == "/etc/leadex/temporal-tls/tls.crt"
        assert env["LEADEX_TEMPORAL_API_KEY"]["valueFrom"]["secretKeyRef"]["name"] == (
            "temporal-api-key"
        )
        assert {"secretRef": {"name": "leadex-prod"}} in container["envFrom"]
        assert any(
            v.get("secret", {}).get("secretName") == "temporal-client-cert" for v in pod["volumes"]
        )
    setup = _by_kind(documents, "Job")["acme-leadex-temporal-setup"]
    assert "--skip-namespace" in setup["spec"]["template"]["spec"]["containers"][0]["args"]
    research = _by_kind(documents, "HorizontalPodAutoscaler")["acme-leadex-worker-research"]
    external = [m for m in research["spec"]["metrics"] if m["type"] == "External"]
    assert external[0]["external"]["metric"]["selector"]["matchLabels"] == {
        "task_queue": "leadex-research"
    }
    assert _by_kind(documents, "Ingress")


def test_a_release_without_its_secrets_does_not_render() -> None:
    with pytest.raises(helm.HelmError, match=r"secrets\.databaseUrl"):
        _render({})


def test_an_invalid_manifest_is_caught_by_the_schemas() -> None:
    documents = _render({"secrets": SECRETS})
    deployment = _by_kind(documents, "Deployment")["acme-leadex-api"]
    deployment["spec"]["replicas"] = "two"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBE_VERSION, strict=True)
