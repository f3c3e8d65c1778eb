"""The Kubernetes manifests in deploy/: the objects a scale-out deployment needs, wired to each other
and to the settings careerfw actually reads."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.config import Settings

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
# Read by libraries or the shell, not by careerfw: they keep the model loading from disk only.
LIBRARY_ENV = {"HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "PATH", "PYTHONUNBUFFERED"}
_SETTING_READERS = {"_flag", "_int", "_path", "_str", "_choice"}


def config_env_names() -> set[str]:
    """Every environment variable bot/config.py reads, from its source rather than a hand list."""
    tree = ast.parse((REPO / "bot" / "config.py").read_text("utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in _SETTING_READERS and len(node.args) >= 2:
            arg = node.args[1]  # _reader(env, "NAME", ...)
        elif isinstance(func, ast.Attribute) and func.attr == "get" and node.args:
            arg = node.args[0]  # env.get("NAME") / os.environ.get("NAME")
        else:
            continue
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            names.add(arg.value)
    return names


def test_config_env_names_are_found() -> None:
    # Guards the derivation itself: these are documented contract names.
    names = config_env_names()
    for expected in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "CAREERFW_STATE_DB", "CAREERFW_SCHEDULER"):
        assert expected in names
    assert "UTC" not in names and "socket" not in names


def _load_all() -> dict[tuple[str, str], dict[str, Any]]:
    objects: dict[tuple[str, str], dict[str, Any]] = {}
    for path in sorted(DEPLOY.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text("utf-8")):
            if doc and doc.get("kind") != "Kustomization":
                key = (doc["kind"], doc["metadata"]["name"])
                assert key not in objects, f"{key} defined twice"
                objects[key] = doc
    return objects


@pytest.fixture(scope="module")
def objects() -> dict[tuple[str, str], dict[str, Any]]:
    return _load_all()


def _one(objects: dict[tuple[str, str], dict[str, Any]], kind: str) -> dict[str, Any]:
    found = [o for (k, _), o in objects.items() if k == kind]
    assert len(found) == 1, f"expected one {kind}, found {len(found)}"
    return found[0]


def _pod_spec(obj: dict[str, Any]) -> dict[str, Any]:
    if obj["kind"] == "CronJob":
        return obj["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return obj["spec"]["template"]["spec"]


def _env(objects: dict[tuple[str, str], dict[str, Any]], container: dict[str, Any]) -> dict[str, str]:
    """The environment a container starts with, ConfigMap and Secret references resolved."""
    env: dict[str, str] = {}
    for source in container.get("envFrom", []):
        if "configMapRef" in source:
            env |= {k: str(v) for k, v in objects[("ConfigMap", source["configMapRef"]["name"])]["data"].items()}
        if "secretRef" in source:
            secret = objects[("Secret", source["secretRef"]["name"])]
            env |= {k: str(v) for k, v in secret["stringData"].items()}
    for item in container.get("env", []):
        if "value" in item:
            env[item["name"]] = str(item["value"])
        else:
            ref = item["valueFrom"].get("secretKeyRef") or item["valueFrom"]["configMapKeyRef"]
            kind = "Secret" if "secretKeyRef" in item["valueFrom"] else "ConfigMap"
            data = objects[(kind, ref["name"])].get("stringData") or objects[(kind, ref["name"])]["data"]
            env[item["name"]] = str(data[ref["key"]])
    return env


def test_kustomization_lists_every_manifest_but_the_example_secret(objects) -> None:
    kustomization = yaml.safe_load((DEPLOY / "kustomization.yaml").read_text("utf-8"))
    listed = set(kustomization["resources"])
    on_disk = {p.name for p in DEPLOY.glob("*.yaml")} - {"kustomization.yaml"}
    assert listed == on_disk - {"secret.example.yaml"}
    # Applying the manifests must never overwrite real credentials with placeholders.
    assert "secret.example.yaml" not in listed


def test_kinds(objects) -> None:
    kinds = {k for k, _ in objects}
    assert {"Deployment", "Service", "CronJob", "PersistentVolumeClaim", "Secret", "ConfigMap"} <= kinds


def test_http_replicas_behind_a_service(objects) -> None:
    deployment = _one(objects, "Deployment")
    assert deployment["spec"]["replicas"] >= 2
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert deployment["spec"]["selector"]["matchLabels"].items() <= labels.items()
    service = _one(objects, "Service")
    assert service["spec"]["selector"].items() <= labels.items()
    (container,) = _pod_spec(deployment)["containers"]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    target = service["spec"]["ports"][0]["targetPort"]
    assert target in ports or target in ports.values()
    settings = Settings.from_env(_env(objects, container))
    assert settings.mode == "http"
    assert settings.port in ports.values()


def test_probes_hit_healthz_on_the_served_port(objects) -> None:
    deployment = _one(objects, "Deployment")
    (container,) = _pod_spec(deployment)["containers"]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    for probe in ("readinessProbe", "livenessProbe"):
        get = container[probe]["httpGet"]
        assert get["path"] == "/healthz"
        assert ports.get(get["port"], get["port"]) == Settings.from_env(_env(objects, container)).port


def test_no_replica_runs_the_scheduler_and_the_cronjob_nudges(objects) -> None:
    deployment = _one(objects, "Deployment")
    (container,) = _pod_spec(deployment)["containers"]
    assert Settings.from_env(_env(objects, container)).scheduler_enabled is False
    cron = _one(objects, "CronJob")
    assert cron["spec"]["concurrencyPolicy"] == "Forbid"
    (job,) = _pod_spec(cron)["containers"]
    assert job["command"][:2] == ["careerfw", "nudge"]
    assert Settings.from_env(_env(objects, job)).nudge_channel


def test_state_db_on_the_one_volume_every_writer_shares(objects) -> None:
    pvc_name = _one(objects, "PersistentVolumeClaim")["metadata"]["name"]
    for kind in ("Deployment", "CronJob"):
        spec = _pod_spec(_one(objects, kind))
        (container,) = spec["containers"]
        volumes = {v["name"]: v for v in spec["volumes"]}
        state_db = Settings.from_env(_env(objects, container)).state_db
        mount = next(m for m in container["volumeMounts"] if state_db.is_relative_to(m["mountPath"]))
        assert volumes[mount["name"]]["persistentVolumeClaim"]["claimName"] == pvc_name
        # ReadWriteOnce: SQLite writers must share a node, so every writer pod is affine to the app's pods.
        affinity = spec["affinity"]["podAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
        assert affinity[0]["topologyKey"] == "kubernetes.io/hostname"


def test_secrets_come_from_a_secret(objects) -> None:
    for kind in ("Deployment", "CronJob"):
        (container,) = _pod_spec(_one(objects, kind))["containers"]
        literal = {e["name"] for e in container.get("env", []) if "value" in e}
        assert not {"SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"} & literal
        secret_refs = [s["secretRef"]["name"] for s in container["envFrom"] if "secretRef" in s]
        secret = objects[("Secret", secret_refs[0])]
        assert "SLACK_BOT_TOKEN" in secret["stringData"]
    configmap = _one(objects, "ConfigMap")
    assert not any(k.startswith("SLACK_") for k in configmap["data"])


def test_resources_and_non_root(objects) -> None:
    dockerfile_user = re.search(r"^USER (\d+)", (REPO / "Dockerfile").read_text(), re.M)
    assert dockerfile_user
    for kind in ("Deployment", "CronJob"):
        spec = _pod_spec(_one(objects, kind))
        assert spec["securityContext"]["runAsNonRoot"] is True
        assert str(spec["securityContext"]["runAsUser"]) == dockerfile_user.group(1)
        (container,) = spec["containers"]
        requests, limits = container["resources"]["requests"], container["resources"]["limits"]
        assert _mebibytes(limits["memory"]) >= _mebibytes(requests["memory"]) > 0


def _mebibytes(quantity: str) -> float:
    number, unit = re.fullmatch(r"(\d+(?:\.\d+)?)(Mi|Gi)", quantity).groups()  # type: ignore[union-attr]
    return float(number) * (1024 if unit == "Gi" else 1)


def test_every_env_name_is_one_config_reads(objects) -> None:
    known = config_env_names() | LIBRARY_ENV
    used: dict[str, str] = {}
    for obj in objects.values():
        if obj["kind"] in ("Deployment", "CronJob"):
            for container in _pod_spec(obj)["containers"]:
                used |= dict.fromkeys(_env(objects, container), f"{obj['kind']}/{obj['metadata']['name']}")
    dockerfile = re.sub(r"\\\n", " ", (REPO / "Dockerfile").read_text("utf-8"))
    runtime_stage = dockerfile[dockerfile.rindex("\nFROM ") :]  # the build stage's pip settings never ship
    for line in runtime_stage.splitlines():
        if line.startswith("ENV "):
            used |= dict.fromkeys(re.findall(r"([A-Za-z_][A-Za-z0-9_]*)=", line), "Dockerfile")
    unknown = {name: where for name, where in used.items() if name not in known}
    assert not unknown, f"variables bot/config.py never reads: {unknown}"
