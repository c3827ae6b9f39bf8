"""deploy/docker: the compose file checked against the Compose Specification, and the image.

Where the docker CLI has its compose plugin (CI images that have it), `docker compose config`
validates the file too; elsewhere the schema and the checks below stand in for it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from dockerfile_parse import DockerfileParser

from cli.main import build_parser
from core.config import Settings
from workers.main import QUEUE_KINDS

DOCKER = Path(__file__).parents[2] / "deploy" / "docker"
COMPOSE_ENV = {"LEADEX_SECRET_KEY": "0" * 64}
THIRD_PARTY_ENV = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION"}


def _interpolate(value: Any, env: dict[str, str]) -> Any:
    """Compose's ${VAR}, ${VAR:-default} and ${VAR:?error}, and $$ for a literal $, applied
    as Compose applies them: to the string values of the parsed file."""
    if isinstance(value, dict):
        return {key: _interpolate(item, env) for key, item in value.items()}
    if isinstance(value, list):
        return [_interpolate(item, env) for item in value]
    if not isinstance(value, str):
        return value

    def replace(match: re.Match[str]) -> str:
        name, op, arg = match.group(1), match.group(2), match.group(3)
        found = env.get(name)
        if op == ":-":
            return found or arg
        if op == ":?" and not found:
            raise ValueError(f"{name}: {arg}")
        return found or ""

    return re.sub(r"\$\{([A-Z0-9_]+)(?:(:-|:\?)([^}]*))?\}", replace, value).replace("$$", "$")


def _compose(env: dict[str, str] | None = None) -> dict[str, Any]:
    document = yaml.safe_load((DOCKER / "compose.yaml").read_text())
    assert isinstance(document, dict)
    interpolated: dict[str, Any] = _interpolate(document, env if env is not None else COMPOSE_ENV)
    return interpolated


def _schema() -> dict[str, Any]:
    vendored = resources.files("check_jsonschema.builtin_schemas.vendor") / "compose-spec.json"
    schema: dict[str, Any] = json.loads(vendored.read_text())
    return schema


def _has_compose_plugin() -> bool:
    docker = shutil.which("docker")
    if docker is None:
        return False
    probe = subprocess.run([docker, "compose", "version"], capture_output=True, check=False)
    return probe.returncode == 0


def test_the_compose_file_follows_the_compose_specification() -> None:
    document = _compose()
    jsonschema.validate(document, _schema())
    # The schema is strict enough to catch a typo in a service's keys.
    broken = _compose()
    broken["services"]["api"]["replica"] = 2
    with pytest.raises(jsonschema.ValidationError, match="replica"):
        jsonschema.validate(broken, _schema())
    if _has_compose_plugin():
        result = subprocess.run(
            ["docker", "compose", "-f", str(DOCKER / "compose.yaml"), "config", "--quiet"],
            capture_output=True,
            text=True,
            env={**os.environ, **COMPOSE_ENV},
            check=False,
        )
        assert result.returncode == 0, result.stderr


def test_the_compose_file_refuses_to_start_without_a_shared_secret_key() -> None:
    with pytest.raises(ValueError, match="LEADEX_SECRET_KEY"):
        _compose({})


def test_the_topology_is_the_documented_one() -> None:
    services = _compose()["services"]
    # Temporal persists to the PostgreSQL service, and its UI points at it.
    assert services["temporal"]["environment"]["DB"] == "postgres12"
    assert services["temporal"]["environment"]["POSTGRES_SEEDS"] == "postgres"
    assert services["temporal-ui"]["environment"]["TEMPORAL_ADDRESS"] == "temporal:7233"
    # Two API replicas behind the proxy, which waits for them to be healthy.
    assert services["api"]["deploy"]["replicas"] == 2
    assert services["proxy"]["depends_on"]["api"]["condition"] == "service_healthy"
    nginx = (DOCKER / "nginx.conf").read_text()
    assert "server api:8000" in nginx
    assert re.search(r"/stream\$ \{[^}]*proxy_buffering off;", nginx, re.S)
    # Every task-queue kind has a worker service.
    polled: set[str] = set()
    for name, service in services.items():
        command = service.get("command", [])
        if command[:1] == ["worker"]:
            polled |= set(command[command.index("--queues") + 1].split(","))
            assert service["healthcheck"]["test"][0] == "CMD", name
    assert polled == set(QUEUE_KINDS)
    assert {"worker-research", "worker-browser", "worker-delivery"} <= set(services)


def test_migrations_and_temporal_setup_run_once_before_the_rest() -> None:
    services = _compose()["services"]
    for one_shot in ("migrate", "temporal-setup", "minio-setup"):
        assert services[one_shot]["restart"] == "no"
    assert services["migrate"]["command"] == ["migrate"]
    assert services["temporal-setup"]["command"][:2] == ["temporal", "setup"]
    for name, service in services.items():
        if name == "api" or name.startswith("worker-"):
            depends = service["depends_on"]
            for one_shot in ("migrate", "temporal-setup", "minio-setup"):
                assert depends[one_shot]["condition"] == "service_completed_successfully", name


def test_every_leadex_command_and_setting_in_the_compose_file_exists() -> None:
    services = _compose()["services"]
    parser = build_parser()
    known = {name.upper() for name in Settings.model_fields}
    known |= {"LEADEX_" + name for name in known}
    for name, service in services.items():
        if service.get("image", "").startswith("leadex") or "build" in service:
            parser.parse_args(service["command"])  # exits on an unknown command or flag
            for variable in service["environment"]:
                assert variable in known | THIRD_PARTY_ENV | {"ANTHROPIC_API_KEY"}, (
                    name,
                    variable,
                )
            settings = Settings(
                **{
                    key.removeprefix("LEADEX_").lower(): value
                    for key, value in service["environment"].items()
                    if key.startswith("LEADEX_") and value != ""
                }
            )
            assert settings.resolved_database_url.startswith("postgresql://")
            assert settings.resolved_artifact_storage_url.startswith("s3://")


def test_the_image_is_one_small_non_root_image_with_chromium() -> None:
    parser = DockerfileParser(path=str(DOCKER / "Dockerfile"))
    stages: list[list[dict[str, Any]]] = []
    for instruction in parser.structure:
        if instruction["instruction"] == "FROM":
            stages.append([])
        if stages:
            stages[-1].append(instruction)
    assert len(stages) == 2, "a build stage and a runtime stage"
    build, runtime = stages
    final = {i["instruction"] for i in runtime}

    def values(kind: str) -> list[str]:
        return [str(i["value"]) for i in runtime if i["instruction"] == kind]

    # The final stage installs no compilers and copies the built virtualenv only.
    assert any("build-essential" in str(i["value"]) for i in build)
    assert not any("build-essential" in value for value in values("RUN"))
    assert any("chromium" in value for value in values("RUN"))
    assert values("COPY") == ["--from=build /opt/leadex /opt/leadex"]
    # Non-root, with a health check, and the one entry point for every part.
    user = values("USER")[-1]
    assert user.split(":")[0] not in {"0", "root"}
    assert "HEALTHCHECK" in final and "/healthz" in values("HEALTHCHECK")[0]
    assert '"leadex-server"' in values("ENTRYPOINT")[0]
    assert "LEADEX_BROWSER_EXECUTABLE=/usr/bin/chromium" in " ".join(values("ENV"))
    # Everything the build stage copies exists, and the context keeps the rest out.
    root = DOCKER.parents[1]
    copied = [str(i["value"]).split()[0] for i in build if i["instruction"] == "COPY"]
    for source in copied:
        assert (root / source).exists(), source
    ignore = (DOCKER / "Dockerfile.dockerignore").read_text().split()
    for source in copied:
        assert f"!{source.rstrip('/')}/" in ignore or f"!{source}" in ignore, source
