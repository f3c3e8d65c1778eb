"""The Kubernetes manifests in deploy/, as a deployer applies them: each overlay rendered by kustomize
(`kubectl kustomize`, the kustomize built into kubectl) and checked for what its deployment relies on,
wired to each other and to the settings careerfw actually reads."""

from __future__ import annotations

import ast
import functools
import os
import re
import shutil
import subprocess
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
import yaml

from bot.config import Settings

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
OVERLAYS = ("single-node", "ha", "ha-cloudnativepg")
HA = ("ha", "ha-cloudnativepg")
# Read by libraries or the shell, not by careerfw: they keep the model loading from disk only.
LIBRARY_ENV = {"HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "PATH", "PYTHONUNBUFFERED"}
_SETTING_READERS = {"_flag", "_int", "_path", "_str", "_choice", "_database_url"}
GIT_SYNC_IMAGE = re.compile(r"registry\.k8s\.io/git-sync/git-sync:v4\.\d+\.\d+$")
# Created by the CloudNativePG operator, so no example file describes it.
OPERATOR_SECRETS = {"careerfw-db-app"}

Object = dict[str, Any]


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
    for expected in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "CAREERFW_STATE_DB", "CAREERFW_SCHEDULER",
                     "CAREERFW_DATABASE_URL", "CAREERFW_RELOAD_SECONDS"):
        assert expected in names
    assert "UTC" not in names and "socket" not in names


# --- rendering ----------------------------------------------------------------------------------------


def kustomize_command() -> list[str]:
    """A standalone kustomize, or the one built into kubectl; without either the tests cannot render
    and say so (and fail under CI, where kubectl is part of the machine)."""
    if found := shutil.which("kustomize"):
        return [found, "build"]
    if found := shutil.which("kubectl"):
        return [found, "kustomize"]
    message = "neither kustomize nor kubectl is installed, so the overlays cannot be rendered"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@functools.cache
def _render(directory: Path, *options: str) -> tuple[Object, ...]:
    result = subprocess.run([*kustomize_command(), *options, str(directory)], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, f"kustomize cannot build {directory}:\n{result.stderr}"
    return tuple(doc for doc in yaml.safe_load_all(result.stdout) if doc)


class Rendered:
    """One overlay's objects after kustomize, with the lookups a deployer does by eye."""

    def __init__(self, directory: Path, *options: str) -> None:
        self.directory = directory
        self.objects: dict[tuple[str, str], Object] = {}
        for doc in _render(directory, *options):
            key = (doc["kind"], doc["metadata"]["name"])
            assert key not in self.objects, f"{key} rendered twice from {directory}"
            self.objects[key] = doc

    def all(self, kind: str) -> list[Object]:
        return [o for (k, _), o in self.objects.items() if k == kind]

    def one(self, kind: str) -> Object:
        found = self.all(kind)
        assert len(found) == 1, f"expected one {kind} in {self.directory.name}, found {len(found)}"
        return found[0]

    def get(self, kind: str, name: str) -> Object:
        return self.objects[(kind, name)]

    def workloads(self) -> list[Object]:
        return self.all("Deployment") + self.all("CronJob")

    def env(self, container: Object) -> dict[str, str]:
        """The environment a container starts with: ConfigMaps as rendered, Secrets as their example
        files describe them (real Secrets are never in the manifests)."""
        env: dict[str, str] = {}
        for source in container.get("envFrom", []):
            if "configMapRef" in source:
                env |= {k: str(v) for k, v in self.get("ConfigMap", source["configMapRef"]["name"])["data"].items()}
            if "secretRef" in source:
                env |= example_secrets()[source["secretRef"]["name"]]
        for item in container.get("env", []):
            if "value" in item:
                env[item["name"]] = str(item["value"])
            elif ref := item["valueFrom"].get("secretKeyRef"):
                data = example_secrets().get(ref["name"]) or {ref["key"]: operator_value(ref["name"], ref["key"])}
                env[item["name"]] = data[ref["key"]]
            else:
                ref = item["valueFrom"]["configMapKeyRef"]
                env[item["name"]] = str(self.get("ConfigMap", ref["name"])["data"][ref["key"]])
        return env

    def settings(self, container: Object) -> Settings:
        return Settings.from_env(self.env(container))


def operator_value(secret: str, key: str) -> str:
    # What CloudNativePG writes under `uri` in <cluster>-app: a complete PostgreSQL URL.
    assert secret in OPERATOR_SECRETS and key == "uri", f"no example describes Secret {secret} key {key}"
    return "postgresql://careerfw:generated@careerfw-db-rw:5432/careerfw"


@functools.cache
def example_secrets() -> dict[str, dict[str, str]]:
    secrets: dict[str, dict[str, str]] = {}
    for path in DEPLOY.rglob("*.example.yaml"):
        doc = yaml.safe_load(path.read_text("utf-8"))
        assert doc["kind"] == "Secret", path
        secrets[doc["metadata"]["name"]] = {k: str(v) for k, v in doc["stringData"].items()}
    return secrets


@pytest.fixture(scope="module", params=OVERLAYS)
def overlay(request) -> Rendered:
    return Rendered(DEPLOY / "overlays" / request.param)


@pytest.fixture(scope="module", params=HA)
def ha(request) -> Rendered:
    return Rendered(DEPLOY / "overlays" / request.param)


@pytest.fixture(scope="module")
def single() -> Rendered:
    return Rendered(DEPLOY / "overlays" / "single-node")


def pod_spec(obj: Object) -> Object:
    if obj["kind"] == "CronJob":
        return obj["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return obj["spec"]["template"]["spec"]


def pod_labels(obj: Object) -> dict[str, str]:
    template = obj["spec"]["jobTemplate"]["spec"]["template"] if obj["kind"] == "CronJob" else obj["spec"]["template"]
    return template["metadata"]["labels"]


def is_git_sync(container: Object) -> bool:
    return "git-sync" in container["image"]


def app_container(obj: Object) -> Object:
    """The careerfw container of a workload (git-sync may run beside it)."""
    (container,) = [c for c in pod_spec(obj)["containers"] if not is_git_sync(c)]
    return container


def all_containers(obj: Object) -> list[Object]:
    spec = pod_spec(obj)
    return spec.get("initContainers", []) + spec["containers"]


def selects(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return selector.items() <= labels.items()


def _mebibytes(quantity: str) -> float:
    number, unit = re.fullmatch(r"(\d+(?:\.\d+)?)(Mi|Gi)", quantity).groups()  # type: ignore[union-attr]
    return float(number) * (1024 if unit == "Gi" else 1)


# --- every overlay ----------------------------------------------------------------------------------


def test_the_layout_is_a_base_and_overlays() -> None:
    assert (DEPLOY / "base" / "kustomization.yaml").is_file()
    assert not (DEPLOY / "kustomization.yaml").exists(), "deploy/ itself is not an overlay: pick one"
    for name in OVERLAYS:
        kustomization = yaml.safe_load((DEPLOY / "overlays" / name / "kustomization.yaml").read_text("utf-8"))
        assert kustomization["kind"] == "Kustomization"


def test_applying_an_overlay_never_writes_a_secret(overlay: Rendered) -> None:
    # Applying the manifests must never overwrite real credentials with the examples' placeholders.
    assert overlay.all("Secret") == []
    referenced = set()
    for obj in overlay.workloads():
        for container in all_containers(obj):
            referenced |= {s["secretRef"]["name"] for s in container.get("envFrom", []) if "secretRef" in s}
            referenced |= {e["valueFrom"]["secretKeyRef"]["name"] for e in container.get("env", [])
                           if "secretKeyRef" in e.get("valueFrom", {})}
    assert referenced, "the bot needs its Slack credentials from a Secret"
    # Every Secret a pod reads has an example file saying its keys, or is one an operator creates.
    assert referenced <= set(example_secrets()) | OPERATOR_SECRETS


def test_http_replicas_behind_a_service(overlay: Rendered) -> None:
    deployment = overlay.one("Deployment")
    labels = pod_labels(deployment)
    assert selects(deployment["spec"]["selector"]["matchLabels"], labels)
    service = overlay.one("Service")
    assert selects(service["spec"]["selector"], labels)
    container = app_container(deployment)
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    target = service["spec"]["ports"][0]["targetPort"]
    assert target in ports or target in ports.values()
    settings = overlay.settings(container)
    assert settings.mode == "http"
    assert settings.port in ports.values()


def test_probes_hit_healthz_on_the_served_port(overlay: Rendered) -> None:
    container = app_container(overlay.one("Deployment"))
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        get = container[probe]["httpGet"]
        assert get["path"] == "/healthz"
        assert ports.get(get["port"], get["port"]) == overlay.settings(container).port


def test_no_replica_runs_the_scheduler_and_the_cronjob_nudges(overlay: Rendered) -> None:
    assert overlay.settings(app_container(overlay.one("Deployment"))).scheduler_enabled is False
    cron = overlay.get("CronJob", "careerfw-nudge")
    assert cron["spec"]["concurrencyPolicy"] == "Forbid"
    job = app_container(cron)
    assert job["command"][:2] == ["careerfw", "nudge"]
    assert overlay.settings(job).nudge_channel


def test_the_schema_upgrade_is_run_by_hand_against_the_same_database(overlay: Rendered) -> None:
    upgrade = overlay.get("CronJob", "careerfw-db-upgrade")
    assert upgrade["spec"]["suspend"] is True  # `kubectl create job --from=cronjob/...` runs it
    container = app_container(upgrade)
    assert container["command"] == ["careerfw", "db", "upgrade"]
    serving = overlay.settings(app_container(overlay.one("Deployment")))
    assert overlay.settings(container).database_url == serving.database_url


def test_secrets_come_from_a_secret(overlay: Rendered) -> None:
    secret_names = {"SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "CAREERFW_DATABASE_URL"}
    for obj in overlay.workloads():
        for container in all_containers(obj):
            literal = {e["name"] for e in container.get("env", []) if "value" in e}
            assert not secret_names & literal, obj["metadata"]["name"]
    for configmap in overlay.all("ConfigMap"):
        assert not secret_names & set(configmap["data"]), configmap["metadata"]["name"]
    assert "SLACK_BOT_TOKEN" in overlay.env(app_container(overlay.one("Deployment")))


def test_resources_and_non_root(overlay: Rendered) -> None:
    dockerfile_user = re.search(r"^USER (\d+)", (REPO / "Dockerfile").read_text(), re.M)
    assert dockerfile_user
    for obj in overlay.workloads():
        spec = pod_spec(obj)
        assert spec["securityContext"]["runAsNonRoot"] is True
        assert str(spec["securityContext"]["runAsUser"]) == dockerfile_user.group(1)
        for container in all_containers(obj):
            assert container.get("securityContext", {}).get("runAsUser", 1) != 0
            assert container["securityContext"]["allowPrivilegeEscalation"] is False
            # Every container, sidecars too, declares memory, so the scheduler counts what the pod needs.
            requests, limits = container["resources"]["requests"], container["resources"]["limits"]
            assert _mebibytes(limits["memory"]) >= _mebibytes(requests["memory"]) > 0
    # The serving container's figures are the measured ones (docs/evaluation.md): about 236-260 MB RSS.
    resources = app_container(overlay.one("Deployment"))["resources"]
    assert _mebibytes(resources["requests"]["memory"]) >= 260 / 1.048576
    assert resources["requests"]["cpu"]


def test_every_env_name_is_one_its_program_reads(overlay: Rendered) -> None:
    known = config_env_names() | LIBRARY_ENV
    used: dict[str, str] = {}
    for obj in overlay.workloads():
        for container in all_containers(obj):
            names = overlay.env(container)
            if is_git_sync(container):
                # git-sync v4 reads GITSYNC_*; the older GIT_SYNC_* names are deprecated.
                assert all(n.startswith("GITSYNC_") for n in names), sorted(names)
                continue
            used |= dict.fromkeys(names, f"{obj['kind']}/{obj['metadata']['name']}")
    dockerfile = re.sub(r"\\\n", " ", (REPO / "Dockerfile").read_text("utf-8"))
    runtime_stage = dockerfile[dockerfile.rindex("\nFROM ") :]  # the build stage's pip settings never ship
    for line in runtime_stage.splitlines():
        if line.startswith("ENV "):
            used |= dict.fromkeys(re.findall(r"([A-Za-z_][A-Za-z0-9_]*)=", line), "Dockerfile")
    unknown = {name: where for name, where in used.items() if name not in known}
    assert not unknown, f"variables bot/config.py never reads: {unknown}"


# --- single-node: SQLite on one ReadWriteOnce volume ------------------------------------------------


def test_single_node_is_one_replica_without_autoscaling(single: Rendered) -> None:
    assert single.one("Deployment")["spec"]["replicas"] == 1
    assert single.all("HorizontalPodAutoscaler") == []
    # A PodDisruptionBudget over one replica would block every node drain.
    assert single.all("PodDisruptionBudget") == []


def test_single_node_keeps_all_state_in_sqlite_on_the_one_volume(single: Rendered) -> None:
    pvc = single.one("PersistentVolumeClaim")
    assert pvc["spec"]["accessModes"] == ["ReadWriteOnce"]
    app_labels = pod_labels(single.one("Deployment"))
    writers = single.workloads()
    assert {w["metadata"]["name"] for w in writers} == {"careerfw", "careerfw-nudge", "careerfw-db-upgrade"}
    for obj in writers:
        spec = pod_spec(obj)
        container = app_container(obj)
        settings = single.settings(container)
        assert settings.database_url is None, "single-node is SQLite"
        volumes = {v["name"]: v for v in spec["volumes"]}
        mount = next(m for m in container["volumeMounts"] if settings.state_db.is_relative_to(m["mountPath"]))
        claim = {"claimName": pvc["metadata"]["name"]}
        assert volumes[mount["name"]] == {"name": mount["name"], "persistentVolumeClaim": claim}
        # ReadWriteOnce: every writer runs on the node that holds the volume, beside the app's pod.
        (term,) = spec["affinity"]["podAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
        assert term["topologyKey"] == "kubernetes.io/hostname"
        assert selects(term["labelSelector"]["matchLabels"], app_labels)


# --- ha: PostgreSQL, several replicas -----------------------------------------------------------------


def test_ha_has_no_node_bound_volume_and_no_affinity(ha: Rendered) -> None:
    assert ha.all("PersistentVolumeClaim") == []
    for obj in ha.workloads():
        spec = pod_spec(obj)
        assert "affinity" not in spec, obj["metadata"]["name"]
        for volume in spec.get("volumes", []):
            assert "persistentVolumeClaim" not in volume and "hostPath" not in volume, volume


def test_ha_replicas_read_postgresql_from_one_secret(ha: Rendered) -> None:
    refs = set()
    for obj in ha.workloads():
        container = app_container(obj)
        (item,) = [e for e in container.get("env", []) if e["name"] == "CAREERFW_DATABASE_URL"]
        ref = item["valueFrom"]["secretKeyRef"]
        refs.add((ref["name"], ref["key"]))
        url = ha.settings(container).database_url
        assert url and url.startswith("postgresql"), obj["metadata"]["name"]
    # The replicas, the nudge's ledger and the schema upgrade all use the same database.
    assert len(refs) == 1, refs
    if ha.all("Cluster"):
        # CloudNativePG names the Secret it creates <cluster>-app and puts the full URL under `uri`.
        assert refs == {(ha.one("Cluster")["metadata"]["name"] + "-app", "uri")}


def test_ha_autoscales_from_two_replicas_on_cpu(ha: Rendered) -> None:
    deployment = ha.one("Deployment")
    hpa = ha.one("HorizontalPodAutoscaler")
    assert hpa["apiVersion"] == "autoscaling/v2"
    target = hpa["spec"]["scaleTargetRef"]
    assert (target["apiVersion"], target["kind"]) == ("apps/v1", "Deployment")
    assert target["name"] == deployment["metadata"]["name"]
    assert hpa["spec"]["minReplicas"] >= 2
    assert hpa["spec"]["maxReplicas"] > hpa["spec"]["minReplicas"]
    # The autoscaler owns the count: a `replicas` here would reset it on every apply.
    assert deployment["spec"].get("replicas", 2) >= 2 and "replicas" not in deployment["spec"]
    (metric,) = hpa["spec"]["metrics"]
    assert metric["type"] == "Resource" and metric["resource"]["name"] == "cpu"
    assert metric["resource"]["target"]["type"] == "Utilization"
    # CPU utilisation is measured against the request, so the container must make one.
    assert app_container(deployment)["resources"]["requests"]["cpu"]


def test_ha_disruption_budget_covers_the_replicas_and_lets_drains_through(ha: Rendered) -> None:
    pdb = ha.one("PodDisruptionBudget")
    selector = pdb["spec"]["selector"]["matchLabels"]
    assert selects(selector, pod_labels(ha.one("Deployment")))
    for cron in ha.all("CronJob"):
        assert not selects(selector, pod_labels(cron)), "a finished job pod must not count towards the budget"
    min_replicas = ha.one("HorizontalPodAutoscaler")["spec"]["minReplicas"]
    if "maxUnavailable" in pdb["spec"]:
        assert 1 <= pdb["spec"]["maxUnavailable"] < min_replicas
    else:
        assert 1 <= pdb["spec"]["minAvailable"] < min_replicas


# --- content from Git: the git-sync component ----------------------------------------------------------


def _git_sync_wiring(rendered: Rendered, obj: Object) -> tuple[list[Object], PurePosixPath]:
    """The workload's git-sync containers, checked against each other and the bot; returns them and
    the path of the published link."""
    syncs = [c for c in all_containers(obj) if is_git_sync(c)]
    assert syncs, f"{obj['metadata']['name']} has no git-sync container"
    envs = [rendered.env(c) for c in syncs]
    assert all(e == envs[0] for e in envs), "every git-sync container must sync the same repository the same way"
    env = envs[0]
    assert env["GITSYNC_REPO"] and env["GITSYNC_REF"]
    root = PurePosixPath(env["GITSYNC_ROOT"])
    link = root / env["GITSYNC_LINK"]  # a relative --link is under --root
    bot = app_container(obj)
    volumes = {v["name"]: v for v in pod_spec(obj)["volumes"]}
    for sync in syncs:
        assert GIT_SYNC_IMAGE.match(sync["image"]), sync["image"]
        # git-sync's README: --root a folder inside the volume, not the volume itself.
        (mount,) = [m for m in sync["volumeMounts"] if root.is_relative_to(m["mountPath"])]
        assert root != PurePosixPath(mount["mountPath"])
        assert "emptyDir" in volumes[mount["name"]]
        # The bot mounts the same volume at the same path, read-only: the link resolves alike in both.
        shared = [m for m in bot["volumeMounts"] if m["name"] == mount["name"]]
        assert shared == [{"name": mount["name"], "mountPath": mount["mountPath"], "readOnly": True}]
    content = PurePosixPath(rendered.settings(bot).content_dir)
    assert content.is_relative_to(link), f"CAREERFW_CONTENT {content} is not under git-sync's link {link}"
    return syncs, link


def test_git_sync_clones_before_the_bot_starts_and_keeps_syncing(overlay: Rendered) -> None:
    deployment = overlay.one("Deployment")
    syncs, _ = _git_sync_wiring(overlay, deployment)
    init = [c for c in pod_spec(deployment)["initContainers"] if is_git_sync(c)]
    sidecar = [c for c in pod_spec(deployment)["containers"] if is_git_sync(c)]
    assert len(init) == 1 and "--one-time" in init[0]["args"]
    assert len(sidecar) == 1 and "--one-time" not in sidecar[0].get("args", [])
    env = overlay.env(sidecar[0])
    # The default 0 deletes the previous checkout at once, under a reload that may still be reading it.
    assert env.get("GITSYNC_STALE_WORKTREE_TIMEOUT", "0") not in ("0", "0s")
    # The reload watch is what notices the flip; without it the new commit would wait for a restart.
    assert overlay.settings(app_container(deployment)).reload_seconds > 0


def test_the_nudge_reads_the_same_checkout_as_the_bot(overlay: Rendered) -> None:
    nudge = overlay.get("CronJob", "careerfw-nudge")
    syncs, link = _git_sync_wiring(overlay, nudge)
    assert all("--one-time" in c["args"] for c in syncs)  # a Job's pod must be able to finish
    assert [c["name"] for c in pod_spec(nudge)["initContainers"]] == [c["name"] for c in syncs]
    _, bot_link = _git_sync_wiring(overlay, overlay.one("Deployment"))
    assert link == bot_link
    assert overlay.settings(app_container(nudge)).content_dir == overlay.settings(
        app_container(overlay.one("Deployment"))).content_dir


def test_a_private_repository_over_ssh(tmp_path: Path) -> None:
    """The git-sync-ssh component on top of git-sync: every git-sync container gets the key Secret where
    git-sync looks for it, and SSH turned on."""
    (tmp_path / "kustomization.yaml").write_text(yaml.safe_dump({
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "resources": [os.path.relpath(DEPLOY / "overlays" / "ha", tmp_path)],
        "components": [os.path.relpath(DEPLOY / "components" / "git-sync-ssh", tmp_path)],
    }))
    # A kustomization outside deploy/ may only load files under its own folder unless told otherwise.
    rendered = Rendered(tmp_path, "--load-restrictor", "LoadRestrictionsNone")
    for obj in (rendered.one("Deployment"), rendered.get("CronJob", "careerfw-nudge")):
        syncs, _ = _git_sync_wiring(rendered, obj)
        volumes = {v["name"]: v for v in pod_spec(obj)["volumes"]}
        for sync in syncs:
            env = rendered.env(sync)
            assert env["GITSYNC_SSH"] == "true"
            key_file = PurePosixPath(env.get("GITSYNC_SSH_KEY_FILE", "/etc/git-secret/ssh"))
            (mount,) = [m for m in sync["volumeMounts"] if key_file.is_relative_to(m["mountPath"])]
            secret = volumes[mount["name"]]["secret"]
            assert secret["secretName"] == "careerfw-git-ssh"
            assert secret["defaultMode"] & 0o007 == 0, "the private key must not be world-readable"
        # Only git-sync sees the key.
        assert all(m["name"] != "git-secret" for m in app_container(obj)["volumeMounts"])
