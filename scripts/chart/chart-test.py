#!/usr/bin/env python3
"""Tests of charts/tuxhat, run by scripts/chart/test.sh (which installs helm and this script's
Python packages first, and puts Node 24 on PATH). Needs no cluster and no network:

  - helm lint --strict and helm template of every CI scenario (charts/tuxhat/ci/*-values.yaml)
    and of the examples in deploy/values/;
  - every rendered manifest validated against the Kubernetes API's JSON schemas of the oldest
    and newest supported minors, strictly (unknown fields refused), from the kubernetes-validate
    package; ServiceMonitor and KafkaTopic against scripts/chart/crd-schemas/;
  - assertions on the rendered objects (security contexts, checksums, secrets by reference,
    shards, hooks, network policies, ...) and on what the chart must refuse (helm must fail,
    with the expected hint);
  - drift between the chart and the code (topic list, environment variable names, the values
    schema and its generator, whose gateway config part comes from libs/config's zod schemas;
    every config file the chart renders parsed by libs/config itself).

Prints one line per test and `chart: N passed, M failed`; exits 1 on any failure.
  python chart-test.py --helm /path/to/helm [-k name-substring]
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import jsonschema
import kubernetes_validate
import yaml
from referencing import Registry, Resource

ROOT = Path(__file__).resolve().parents[2]
CHART = ROOT / "charts" / "tuxhat"
CRD_SCHEMAS = ROOT / "scripts" / "chart" / "crd-schemas"
# Oldest supported minor (Chart.yaml kubeVersion) and newest one the schemas cover.
KUBE_VERSIONS = ["1.29", "1.37"]
SCENARIOS = sorted((CHART / "ci").glob("*-values.yaml"))
EXAMPLES = sorted((ROOT / "deploy" / "values").glob("*.yaml"))
RELEASE = "t"
NAMESPACE = "sms"
HELM = "helm"


# --- helm ------------------------------------------------------------------------------------
def helm(*args):
    proc = subprocess.run([HELM, *args], capture_output=True, text=True)
    return proc.returncode, proc.stdout, proc.stderr


_render_cache = {}


def render(files=(), sets=(), show_hooks=True):
    """The rendered manifests (dicts), helm failing the test if it fails."""
    key = (tuple(str(f) for f in files), tuple(sets))
    if key not in _render_cache:
        args = ["template", RELEASE, str(CHART), "--namespace", NAMESPACE]
        for f in files:
            args += ["-f", str(f)]
        for s in sets:
            args += ["--set", s]
        rc, out, err = helm(*args)
        if rc != 0:
            raise AssertionError(f"helm template failed: {err.strip()}")
        _render_cache[key] = [d for d in yaml.safe_load_all(out) if d]
    return _render_cache[key]


def render_error(files=(), sets=(), set_json=()):
    """helm template's error output; fails the test if helm succeeds."""
    args = ["template", RELEASE, str(CHART), "--namespace", NAMESPACE]
    for f in files:
        args += ["-f", str(f)]
    for s in sets:
        args += ["--set", s]
    for s in set_json:
        args += ["--set-json", s]
    rc, _, err = helm(*args)
    if rc == 0:
        raise AssertionError(f"helm template succeeded but should have failed (values: {files} {sets} {set_json})")
    return err


def expect_refused(files=(), sets=(), set_json=(), hint=""):
    err = render_error(files, sets, set_json)
    if hint and not re.search(hint, err):
        raise AssertionError(f"helm failed without the expected hint /{hint}/: {err.strip()[:600]}")


def scenario(name):
    return CHART / "ci" / f"{name}-values.yaml"


MINIMAL, FULL, AIO = scenario("cluster-minimal"), scenario("cluster-full"), scenario("all-in-one")
MTLS = scenario("cluster-kafka-mtls")


# --- manifest schema validation ----------------------------------------------------------------
class ManifestValidator:
    """Validates manifests against kubernetes-validate's strict JSON schemas (cached per kind),
    CRDs against scripts/chart/crd-schemas/<kind>.<group>.json. Reports every error."""

    def __init__(self):
        self.base = Path(kubernetes_validate.__file__).parent / "kubernetes-json-schema"
        self.registries = {}
        self.validators = {}

    def _registry(self, schema_dir):
        if schema_dir not in self.registries:
            definitions = json.loads((schema_dir / "_definitions.json").read_text())
            self.registries[schema_dir] = Resource.from_contents(definitions) @ Registry()
        return self.registries[schema_dir]

    def validator(self, doc, version):
        api_version, kind = doc.get("apiVersion", ""), doc.get("kind", "")
        key = (version, api_version, kind)
        if key not in self.validators:
            schema_dir = self.base / f"v{version}.0-local-strict"
            if not schema_dir.is_dir():
                raise AssertionError(f"kubernetes-validate has no schemas for {version}")
            name = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
            path = schema_dir / f"{kind.lower()}-{name}.json"
            if path.is_file():
                schema = json.loads(path.read_text())
                validator = jsonschema.Draft202012Validator(schema, registry=Resource.from_contents(schema) @ self._registry(schema_dir))
            else:
                crd = CRD_SCHEMAS / f"{kind.lower()}.{api_version.split('/')[0]}.json"
                if not crd.is_file():
                    raise AssertionError(f"no schema for {kind} {api_version} (Kubernetes {version}) nor in {CRD_SCHEMAS}")
                validator = jsonschema.Draft7Validator(json.loads(crd.read_text()))
            self.validators[key] = validator
        return self.validators[key]

    def errors(self, doc, version):
        found = []
        for error in self.validator(doc, version).iter_errors(doc):
            where = ".".join(str(p) for p in error.absolute_path) or "(root)"
            found.append(f"{doc.get('kind')}/{doc.get('metadata', {}).get('name')}: {where}: {error.message[:200]}")
        return found


VALIDATOR = ManifestValidator()


def assert_valid_manifests(docs):
    problems = []
    for version in KUBE_VERSIONS:
        for doc in docs:
            problems += [f"[{version}] {p}" for p in VALIDATOR.errors(doc, version)]
    if problems:
        raise AssertionError("invalid manifests:\n    " + "\n    ".join(problems[:20]))


# --- helpers over rendered objects ---------------------------------------------------------------
def of_kind(docs, kind):
    return [d for d in docs if d["kind"] == kind]


def name(doc):
    return doc["metadata"]["name"]


def pod_spec(doc):
    return doc["spec"]["template"]["spec"]


def containers(doc):
    spec = pod_spec(doc)
    return spec.get("initContainers", []) + spec["containers"]


def env_of(container):
    return {e["name"]: e for e in container.get("env", [])}


def by_name(docs, kind, resource_name):
    matches = [d for d in docs if d["kind"] == kind and name(d) == resource_name]
    if len(matches) != 1:
        raise AssertionError(f"expected one {kind} {resource_name}, found {len(matches)}")
    return matches[0]


def full(component):
    return f"{RELEASE}-tuxhat-{component}"


def selects(selector, labels):
    return all(labels.get(k) == v for k, v in selector.items())


def check(condition, message):
    if not condition:
        raise AssertionError(message)


# --- the tests ------------------------------------------------------------------------------------
TESTS = []


def test(fn):
    TESTS.append(fn)
    return fn


@test
def validator_rejects_broken_manifests():
    """The schema validation can fail: a wrong type, an unknown field, a missing required field."""
    good = {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x"},
        "spec": {"replicas": 2, "selector": {"matchLabels": {"a": "b"}},
                 "template": {"metadata": {"labels": {"a": "b"}}, "spec": {"containers": [{"name": "c", "image": "i"}]}}},
    }
    check(VALIDATOR.errors(good, "1.37") == [], f"a valid Deployment was rejected: {VALIDATOR.errors(good, '1.37')}")
    wrong_type = json.loads(json.dumps(good))
    wrong_type["spec"]["replicas"] = "two"
    unknown = json.loads(json.dumps(good))
    unknown["spec"]["template"]["spec"]["containers"][0]["bogusField"] = 1
    missing = json.loads(json.dumps(good))
    del missing["spec"]["selector"]
    bad_monitor = {"apiVersion": "monitoring.coreos.com/v1", "kind": "ServiceMonitor", "metadata": {"name": "m"},
                   "spec": {"selector": {}, "endpoints": [{"port": "metrics", "intervall": "30s"}]}}
    bad_topic = {"apiVersion": "kafka.strimzi.io/v1beta2", "kind": "KafkaTopic", "metadata": {"name": "t", "labels": {}},
                 "spec": {"partitions": "6"}}
    for label, doc in [("replicas: \"two\"", wrong_type), ("unknown field", unknown), ("no selector", missing),
                       ("ServiceMonitor typo", bad_monitor), ("KafkaTopic without cluster label", bad_topic)]:
        for version in KUBE_VERSIONS:
            check(VALIDATOR.errors(doc, version), f"{label} passed validation for {version}")


def scenario_tests(path):
    label = path.name.replace("-values.yaml", "")

    def lint():
        rc, out, err = helm("lint", "--strict", str(CHART), "-f", str(path))
        check(rc == 0, f"helm lint --strict failed: {out[-800:]} {err[-800:]}")
    lint.__name__ = f"{label}: helm lint --strict"

    def valid():
        docs = render([path])
        check(docs, "nothing rendered")
        assert_valid_manifests(docs)
    valid.__name__ = f"{label}: every manifest valid for Kubernetes {' and '.join(KUBE_VERSIONS)}"

    def hardened():
        docs = render([path])
        workloads = of_kind(docs, "Deployment") + of_kind(docs, "Job")
        check(workloads, "no workloads")
        for w in workloads:
            spec = pod_spec(w)
            psc = spec.get("securityContext", {})
            check(psc.get("runAsNonRoot") is True, f"{name(w)}: pod runAsNonRoot")
            check(psc.get("seccompProfile", {}).get("type") == "RuntimeDefault", f"{name(w)}: pod seccomp")
            check(spec.get("automountServiceAccountToken") is False, f"{name(w)}: service account token mounted")
            for c in containers(w):
                sc = c.get("securityContext", {})
                check(sc.get("runAsNonRoot") is True, f"{name(w)}/{c['name']}: runAsNonRoot")
                check(sc.get("readOnlyRootFilesystem") is True, f"{name(w)}/{c['name']}: readOnlyRootFilesystem")
                check(sc.get("allowPrivilegeEscalation") is False, f"{name(w)}/{c['name']}: allowPrivilegeEscalation")
                check(sc.get("privileged") is False, f"{name(w)}/{c['name']}: privileged")
                check(sc.get("capabilities", {}).get("drop") == ["ALL"], f"{name(w)}/{c['name']}: capabilities drop ALL")
                check(sc.get("seccompProfile", {}).get("type") == "RuntimeDefault", f"{name(w)}/{c['name']}: seccomp")
                check(c.get("resources", {}).get("requests"), f"{name(w)}/{c['name']}: no resource requests")
                mounts = {m["mountPath"] for m in c.get("volumeMounts", [])}
                check("/tmp" in mounts, f"{name(w)}/{c['name']}: no writable /tmp")
    hardened.__name__ = f"{label}: every pod hardened (non-root, read-only root, no escalation, drop ALL, seccomp)"

    def checksums():
        docs = render([path])
        for d in of_kind(docs, "Deployment"):
            annotations = d["spec"]["template"]["metadata"].get("annotations", {})
            check(re.fullmatch(r"[0-9a-f]{64}", annotations.get("checksum/config", "")), f"{name(d)}: no checksum/config")
            component = d["metadata"]["labels"]["app.kubernetes.io/component"]
            if component in ("smpp-connector", "sns-connector"):
                check("checksum/carriers" in annotations, f"{name(d)}: no checksum/carriers")
            if component == "all-in-one":
                check("checksum/gateway-config" in annotations, f"{name(d)}: no checksum/gateway-config")
    checksums.__name__ = f"{label}: pods carry config checksums"

    def secrets_by_reference():
        docs = render([path])
        check(not of_kind(docs, "Secret"), "the chart rendered a Secret")
        secretish = re.compile(r"PASSWORD|SECRET|ACCESS_KEY|TOKEN|DATABASE_URL")
        for w in of_kind(docs, "Deployment") + of_kind(docs, "Job"):
            for c in containers(w):
                mounted = {m["mountPath"] for m in c.get("volumeMounts", [])
                           if "secret" in next((v for v in pod_spec(w).get("volumes", []) if v["name"] == m["name"]), {})}
                for e in c.get("env", []):
                    if e["name"].endswith("_FILE") and secretish.search(e["name"]):
                        # A file of a mounted Secret (renewed in place), never a value of its own.
                        check(any(e.get("value", "").startswith(f"{path}/") for path in mounted),
                              f"{name(w)}: {e['name']} is not a file of a mounted Secret")
                    elif secretish.search(e["name"]):
                        check("value" not in e and "secretKeyRef" in e.get("valueFrom", {}),
                              f"{name(w)}: {e['name']} is not taken from a Secret")
        for cm in of_kind(docs, "ConfigMap"):
            for key, text in (cm.get("data") or {}).items():
                check(not re.search(r"postgres(ql)?://[^\s@/]*:[^\s@/]*@", text), f"{name(cm)}/{key}: a database URL with a password")
                if key == "tuxhat.yaml":
                    config = yaml.safe_load(text)
                    for carrier in config.get("carriers", []):
                        settings = carrier.get(carrier["kind"], {})
                        for field in ("password", "accessKeyId", "secretAccessKey"):
                            if field in settings:
                                check(isinstance(settings[field], dict) and set(settings[field]) == {"env"},
                                      f"{name(cm)}: carrier {carrier['id']} {field} is not an env reference")
    secrets_by_reference.__name__ = f"{label}: no Secret rendered, secrets only by secretKeyRef"

    def services_target_named_ports():
        docs = render([path])
        pods = [(d["spec"]["template"]["metadata"]["labels"], containers(d)) for d in of_kind(docs, "Deployment")]
        for svc in of_kind(docs, "Service"):
            selector = svc["spec"]["selector"]
            matched = [cs for labels, cs in pods if selects(selector, labels)]
            check(matched, f"Service {name(svc)} selects no pod")
            for port in svc["spec"]["ports"]:
                target = port.get("targetPort")
                for cs in matched:
                    names = {p.get("name") for c in cs for p in c.get("ports", [])}
                    check(target in names, f"Service {name(svc)} targets port {target!r}, pods have {sorted(n for n in names if n)}")
        deployments = of_kind(docs, "Deployment")
        for a in deployments:
            for b in deployments:
                if a is not b:
                    check(not selects(a["spec"]["selector"]["matchLabels"], b["spec"]["template"]["metadata"]["labels"]),
                          f"Deployment {name(a)}'s selector matches {name(b)}'s pods")
    services_target_named_ports.__name__ = f"{label}: Services reach named ports; Deployment selectors do not overlap"

    def policies_and_budgets():
        docs = render([path])
        values = yaml.safe_load(path.read_text()) or {}
        np_on = (values.get("networkPolicy") or {}).get("enabled", False)
        policies = of_kind(docs, "NetworkPolicy")
        hpas = {d["spec"]["scaleTargetRef"]["name"]: d for d in of_kind(docs, "HorizontalPodAutoscaler")}
        pdbs = of_kind(docs, "PodDisruptionBudget")
        for d in of_kind(docs, "Deployment"):
            labels = d["spec"]["template"]["metadata"]["labels"]
            mine = [p for p in policies if selects(p["spec"]["podSelector"]["matchLabels"], labels)]
            if np_on:
                check(len(mine) == 1, f"{name(d)}: {len(mine)} NetworkPolicies select its pods, expected 1")
                spec = mine[0]["spec"]
                check(spec["policyTypes"] == ["Ingress", "Egress"], f"{name(mine[0])}: not default-deny both ways")
                egress_ports = {p.get("port") for rule in spec["egress"] for p in rule.get("ports", [])}
                check(53 in egress_ports, f"{name(mine[0])}: no DNS egress")
                component = labels["app.kubernetes.io/component"]
                ingress_ports = {p.get("port") for rule in spec.get("ingress", []) for p in rule.get("ports", [])}
                if component in ("ingress", "all-in-one"):
                    check({"http", "grpc"} <= ingress_ports, f"{name(mine[0])}: API ports not open")
                elif component == "admin":
                    check(ingress_ports == {"http", "ops"}, f"{name(mine[0])}: admin accepts {ingress_ports}")
                else:
                    check(ingress_ports <= {"ops"}, f"{name(mine[0])}: a consumer accepts {ingress_ports}")
                if component == "smpp-connector":
                    check(any(any("ipBlock" in peer for peer in rule.get("to", [])) for rule in spec["egress"]),
                          f"{name(mine[0])}: no egress to carriers")
            else:
                check(not mine, f"{name(d)}: NetworkPolicy rendered while networkPolicy.enabled is false")
            if name(d) in hpas:
                check("replicas" not in d["spec"], f"{name(d)}: replicas set although an HPA scales it")
                check(hpas[name(d)]["spec"]["metrics"], f"{name(d)}: HPA without metrics")
            if labels["app.kubernetes.io/component"] != "all-in-one":
                check(any(selects(p["spec"]["selector"]["matchLabels"], labels) for p in pdbs), f"{name(d)}: no PodDisruptionBudget")
        if np_on and of_kind(docs, "Job"):
            hook_policy = [p for p in policies if p["spec"]["podSelector"]["matchLabels"].get("tuxhat/hook") == "true"]
            check(len(hook_policy) == 1, "no NetworkPolicy for the hook Jobs")
            check(hook_policy[0]["metadata"]["annotations"]["helm.sh/hook"] == "pre-install,pre-upgrade",
                  "the hook Jobs' NetworkPolicy is not a hook (it would not exist before the Jobs)")
    policies_and_budgets.__name__ = f"{label}: NetworkPolicy per component iff enabled, PDBs, HPAs"

    def ops_endpoint():
        docs = render([path])
        values = yaml.safe_load(path.read_text()) or {}
        port = ((values.get("metrics") or {}).get("port")) or 9464
        for d in of_kind(docs, "Deployment"):
            c = pod_spec(d)["containers"][0]
            ops = [p for p in c.get("ports", []) if p.get("name") == "ops"]
            check(ops and ops[0]["containerPort"] == port, f"{name(d)}: no ops port {port}: {c.get('ports')}")
            annotations = d["spec"]["template"]["metadata"]["annotations"]
            check(annotations.get("prometheus.io/port") == str(port) and annotations.get("prometheus.io/scrape") == "true",
                  f"{name(d)}: no Prometheus annotations")
            for probe, path_ in [("readinessProbe", "/health/ready"), ("livenessProbe", "/health/live"), ("startupProbe", "/health/live")]:
                get = c.get(probe, {}).get("httpGet")
                if get:  # a component may replace a probe (cluster-full's dlr liveness is exec)
                    check(get == {"path": path_, "port": "ops"}, f"{name(d)}: {probe} {get}")
            check(c.get("readinessProbe", {}).get("httpGet", {}).get("path") == "/health/ready", f"{name(d)}: no readiness on /health/ready")
    ops_endpoint.__name__ = f"{label}: every pod serves the ops port, probed on /health/ready and /health/live"

    return [lint, valid, hardened, checksums, secrets_by_reference, services_target_named_ports, policies_and_budgets, ops_endpoint]


for _path in SCENARIOS:
    TESTS.extend(scenario_tests(_path))


@test
def ci_scenarios_exist():
    """The three CI scenarios the chart promises."""
    names = {p.name for p in SCENARIOS}
    check({"cluster-minimal-values.yaml", "cluster-full-values.yaml", "all-in-one-values.yaml"} <= names, f"found {names}")


@test
def cluster_minimal_one_deployment_per_service():
    docs = render([MINIMAL])
    deployments = {name(d): d for d in of_kind(docs, "Deployment")}
    components = ["ingress", "policy", "routing", "smpp-connector", "sns-connector", "dlr", "accounting", "admin"]
    expected = {full(c) for c in components}
    check(set(deployments) == expected, f"Deployments {sorted(deployments)}")
    for c in components:
        container = pod_spec(deployments[full(c)])["containers"][0]
        check(container["command"] == ["node"] and container["args"] == [f"dist/apps/{c}/src/main.js"], f"{c}: runs {container['args']}")
        env = env_of(container)
        check(env["DATABASE_URL"]["valueFrom"]["secretKeyRef"] == {"name": "tuxhat-database", "key": "url"}, f"{c}: DATABASE_URL")
    env_cm = by_name(docs, "ConfigMap", full("env"))["data"]
    check(env_cm["KAFKA_BROKERS"] == "kafka-bootstrap.kafka:9092" and env_cm["KAFKA_SSL"] == "false", f"env ConfigMap {env_cm}")
    ingress = env_of(pod_spec(deployments[full("ingress")])["containers"][0])
    check(ingress["HTTP_PORT"]["value"] == "8080" and ingress["GRPC_PORT"]["value"] == "50051"
          and ingress["HTTP_HOST"]["value"] == "0.0.0.0", "ingress ports/hosts")
    smpp = env_of(pod_spec(deployments[full("smpp-connector")])["containers"][0])
    check("SMPP_CARRIERS" not in smpp and "SMPP_SHARD" not in smpp, "unsharded smpp-connector got a carrier assignment")
    check(smpp["TELCO_A_SMPP_PASSWORD"]["valueFrom"]["secretKeyRef"] == {"name": "telco-a-smpp", "key": "password"}, "carrier secret")
    sns = env_of(pod_spec(deployments[full("sns-connector")])["containers"][0])
    check("TELCO_A_SMPP_PASSWORD" not in sns, "sns-connector got an SMPP carrier's password")
    check(not of_kind(docs, "ServiceMonitor") and not of_kind(docs, "HorizontalPodAutoscaler"), "optional resources rendered by default")


@test
def hooks_run_in_order():
    docs = render([FULL])
    jobs = {name(j): j for j in of_kind(docs, "Job")}
    weights = {}
    for component, script in [("migrate", "dist/scripts/db/migrate.js"), ("seed", "dist/scripts/db/seed.js"),
                              ("topics", "dist/scripts/kafka/provision-topics.js")]:
        job = jobs.get(full(component))
        check(job, f"no {component} Job")
        a = job["metadata"]["annotations"]
        check(a.get("helm.sh/hook") == "pre-install,pre-upgrade", f"{component}: hook {a.get('helm.sh/hook')}")
        check(a.get("helm.sh/hook-delete-policy") == "before-hook-creation", f"{component}: delete policy")
        weights[component] = int(a["helm.sh/hook-weight"])
        spec = job["spec"]
        check(spec.get("ttlSecondsAfterFinished") == 3600 and spec.get("backoffLimit") == 3, f"{component}: ttl/backoffLimit")
        check(pod_spec(job)["restartPolicy"] == "Never", f"{component}: restartPolicy")
        check(pod_spec(job)["containers"][0]["args"][0] == script, f"{component}: runs {pod_spec(job)['containers'][0]['args']}")
    check(weights["migrate"] < weights["seed"] < weights["topics"], f"hook order {weights}")
    hook_config = by_name(docs, "ConfigMap", full("hooks"))
    check(int(hook_config["metadata"]["annotations"]["helm.sh/hook-weight"]) < weights["migrate"], "the seed ConfigMap comes after the Jobs")
    check("hook-succeeded" in hook_config["metadata"]["annotations"]["helm.sh/hook-delete-policy"], "the seed ConfigMap is left behind")
    seed = pod_spec(jobs[full("seed")])
    check(seed["containers"][0]["args"] == ["dist/scripts/db/seed.js", "/etc/tuxhat/tuxhat.yaml"], "seed args")
    check(any(v.get("configMap", {}).get("name") == full("hooks") for v in seed["volumes"]), "seed does not mount the hook ConfigMap")
    check(not any(e.startswith("TELCO") for e in env_of(seed["containers"][0])), "seed got carrier passwords it does not need")
    topics = env_of(pod_spec(jobs[full("topics")])["containers"][0])
    check(topics["KAFKA_EXTRA_CONSUMER_GROUPS"]["value"] == "smpp-connector.telco-a,smpp-connector.telco-bc,sns-connector.aws",
          f"shard retry topics {topics['KAFKA_EXTRA_CONSUMER_GROUPS']['value']}")
    check(topics["KAFKA_REPLICATION_FACTOR"]["value"] == "3", "replication factor")
    migrate = env_of(pod_spec(jobs[full("migrate")])["containers"][0])
    check(migrate["TUXHAT_MIGRATIONS_DIR"]["value"] == "/app/prisma/migrations", "migrationsDir")
    for other in of_kind(docs, "Deployment"):
        check("helm.sh/hook" not in other["metadata"].get("annotations", {}), f"{name(other)} is a hook")


@test
def one_smpp_deployment_per_shard():
    docs = render([FULL])
    smpp = {name(d): d for d in of_kind(docs, "Deployment") if d["metadata"]["labels"]["app.kubernetes.io/component"] == "smpp-connector"}
    check(set(smpp) == {full("smpp-connector-telco-a"), full("smpp-connector-telco-bc")}, f"smpp Deployments {sorted(smpp)}")
    # telco-bc scales on its Kafka lag (an HPA, no fixed replicas)
    expected = {"telco-a": ("telco-a", 2, {"TELCO_A_SMPP_PASSWORD"}), "telco-bc": ("telco-b,telco-c", None, {"TELCO_B_SMPP_PASSWORD", "TELCO_C_SMPP_PASSWORD"})}
    for shard, (carriers, replicas, secrets) in expected.items():
        d = smpp[full(f"smpp-connector-{shard}")]
        env = env_of(pod_spec(d)["containers"][0])
        check(env["SMPP_CARRIERS"]["value"] == carriers and env["SMPP_SHARD"]["value"] == shard, f"{shard}: assignment env")
        carrier_secrets = {k for k in env if k.endswith("_PASSWORD") and k != "KAFKA_SASL_PASSWORD"}
        check(carrier_secrets == secrets, f"{shard}: carrier secrets {sorted(env)}")
        check(d["spec"].get("replicas") == replicas, f"{shard}: replicas {d['spec'].get('replicas')}")
        check(env["SMPP_READY_WHEN"]["value"] == "any", f"{shard}: SMPP_READY_WHEN")
        check(d["spec"]["strategy"] == {"type": "Recreate"}, f"{shard}: strategy {d['spec']['strategy']}")
        check(d["spec"]["selector"]["matchLabels"]["tuxhat/shard"] == shard, f"{shard}: selector")
    minimal = by_name(render([MINIMAL]), "Deployment", full("smpp-connector"))
    check(minimal["spec"]["strategy"]["rollingUpdate"] == {"maxSurge": 0, "maxUnavailable": 1},
          "RollingUpdate may add pods beyond the bind limit (maxSurge must be 0)")


@test
def all_in_one_single_deployment():
    docs = render([AIO])
    deployments = of_kind(docs, "Deployment")
    check(len(deployments) == 1 and name(deployments[0]) == full("all-in-one"), f"Deployments {[name(d) for d in deployments]}")
    d = deployments[0]
    check(d["spec"]["replicas"] == 1 and d["spec"]["strategy"] == {"type": "Recreate"}, "not 1 replica / Recreate")
    check(not of_kind(docs, "Job") and not of_kind(docs, "HorizontalPodAutoscaler"), "Jobs or HPA in allInOne mode")
    c = pod_spec(d)["containers"][0]
    check(c["args"] == ["dist/apps/gateway/src/main.js"], f"runs {c['args']}")
    env = env_of(c)
    check(env["TUXHAT_DATA_DIR"]["value"] == "/var/lib/tuxhat" and env["TUXHAT_CONFIG"]["value"] == "/etc/tuxhat/tuxhat.yaml", "data dir/config")
    check(env["HTTP_HOST"]["value"] == "0.0.0.0", "the API listens on loopback only")
    check("DATABASE_URL" not in env and "KAFKA_BROKERS" not in by_name(docs, "ConfigMap", full("env"))["data"], "Kafka or PostgreSQL wired")
    pvc = by_name(docs, "PersistentVolumeClaim", full("data"))
    check(pvc["spec"]["resources"]["requests"]["storage"] == "10Gi" and pvc["metadata"]["annotations"]["helm.sh/resource-policy"] == "keep", "PVC")
    volumes = {v["name"]: v for v in pod_spec(d)["volumes"]}
    check(volumes["data"]["persistentVolumeClaim"]["claimName"] == full("data"), "data volume")
    check({"mountPath": "/var/lib/tuxhat", "name": "data"} in c["volumeMounts"], "data volume not at TUXHAT_DATA_DIR")
    config = yaml.safe_load(by_name(docs, "ConfigMap", full("gateway-config"))["data"]["tuxhat.yaml"])
    check([t["id"] for t in config["tenants"]] == ["acme-bank"], "gateway config")


@test
def all_in_one_variants():
    docs = render([AIO], ["allInOne.persistence.enabled=false", "database.existingSecret=pg"])
    c = pod_spec(by_name(docs, "Deployment", full("all-in-one")))["containers"][0]
    check(env_of(c)["DATABASE_URL"]["valueFrom"]["secretKeyRef"]["name"] == "pg", "DATABASE_URL")
    check(not of_kind(docs, "PersistentVolumeClaim"), "a PVC although persistence is off")
    demo = render([], ["mode=allInOne"])
    c = pod_spec(by_name(demo, "Deployment", full("all-in-one")))["containers"][0]
    check("TUXHAT_CONFIG" not in env_of(c), "demo mode got a config file")
    check(not [k for k in env_of(c) if k.startswith(("ROUTING_", "CARRIER_HEALTH_"))], "the gateway's own defaults overridden")
    tuned = render([], ["mode=allInOne", "allInOne.carrierWaitMs=3600000", "allInOne.carrierRetryMs=1000",
                        "allInOne.health.minSubmits=20", "allInOne.health.faultRatio=1"])
    env = env_values(pod_spec(by_name(tuned, "Deployment", full("all-in-one")))["containers"][0])
    want = {"ROUTING_CARRIER_WAIT_MS": "3600000", "ROUTING_CARRIER_RETRY_MS": "1000",
            "CARRIER_HEALTH_MIN_SUBMITS": "20", "CARRIER_HEALTH_FAULT_RATIO": "1"}
    check({k: env.get(k) for k in want} == want, f"the all-in-one gateway's routing and health env: {env}")
    existing = render([], ["mode=allInOne", "gatewayConfig.existingConfigMap=my-config", "allInOne.persistence.existingClaim=my-claim"])
    d = by_name(existing, "Deployment", full("all-in-one"))
    volumes = {v["name"]: v for v in pod_spec(d)["volumes"]}
    check(volumes["gateway-config"]["configMap"]["name"] == "my-config", "existingConfigMap not mounted")
    check(volumes["data"]["persistentVolumeClaim"]["claimName"] == "my-claim", "existingClaim not used")
    check(not of_kind(existing, "PersistentVolumeClaim"), "a PVC although existingClaim is set")
    assert_valid_manifests(existing)


@test
def existing_config_map_gives_connectors_every_secret():
    docs = render([MINIMAL], ["gatewayConfig.existingConfigMap=tuxhat-config"])
    seed = pod_spec(by_name(docs, "Job", full("seed")))
    check(any(v.get("configMap", {}).get("name") == "tuxhat-config" for v in seed["volumes"]), "seed does not mount the existing ConfigMap")
    check(not [d for d in of_kind(docs, "ConfigMap") if name(d) == full("hooks")], "hook ConfigMap rendered although the config is external")
    smpp = env_of(pod_spec(by_name(docs, "Deployment", full("smpp-connector")))["containers"][0])
    check("TELCO_A_SMPP_PASSWORD" in smpp, "connector lacks a carrier secret")


@test
def strimzi_topics():
    docs = render([FULL], ["kafka.topics.provisioner=strimzi", "kafka.topics.strimzi.clusterName=main"])
    check(not [j for j in of_kind(docs, "Job") if name(j) == full("topics")], "topics Job rendered with provisioner strimzi")
    topics = {d["spec"]["topicName"]: d for d in of_kind(docs, "KafkaTopic")}
    for topic in ["sms.submitted.v1", "sms.deadletter.v1", "sms.outbound.v1.telco-a", "sms.outbound.v1.aws",
                  "tuxhat.retry.v1.policy", "tuxhat.retry.v1.smpp-connector.telco-bc", "tuxhat.retry.v1.sns-connector.aws"]:
        check(topic in topics, f"no KafkaTopic {topic}")
    spec = yaml.safe_load((CHART / "files" / "topics.yaml").read_text())
    lanes = len(spec["lanes"]) + 1
    expected = (sum(lanes if t.get("laned") else 1 for t in spec["topics"])
                + 4 * (lanes if spec["outbound"].get("laned") else 1) + len(spec["consumerGroups"]) + 3)
    check(len(topics) == expected, f"{len(topics)} KafkaTopics, expected {expected}")
    for lane in spec["lanes"]:
        check(f"sms.submitted.v1.{lane}" in topics and f"sms.outbound.v1.telco-a.{lane}" in topics, f"no {lane} lane topics")
    t = topics["sms.status.v1"]
    check(t["metadata"]["labels"]["strimzi.io/cluster"] == "main" and t["spec"]["replicas"] == 3 and t["spec"]["partitions"] == 6, "KafkaTopic spec")
    # kafka.topics of cluster-full: partitions and configuration by base name, every lane alike
    check(all(topics[n]["spec"]["partitions"] == 12 for n in topics if n.startswith("sms.submitted.v1")), "partition override")
    check(t["spec"]["config"] == {"retention.ms": "604800000", "min.insync.replicas": "2"}, f"config {t['spec'].get('config')}")
    check(topics["accounting.records.v2"]["spec"]["config"]["retention.ms"] == "2592000000", "topicConfig override")
    check(topics["carrier.health.v1"]["spec"]["config"]["retention.ms"] == "604800000", "kafka.topics.config over the contract's own")
    default = {d["spec"]["topicName"]: d for d in of_kind(render([FULL], ["kafka.topics.provisioner=strimzi", "kafka.topics.strimzi.clusterName=main",
                                                                          "kafka.topics.config=null"]), "KafkaTopic")}
    check(default["carrier.health.v1"]["spec"]["config"] == {"retention.ms": "3600000"}, "the contract's own topic config")
    check(t["metadata"]["annotations"]["helm.sh/resource-policy"] == "keep", "KafkaTopics deleted on uninstall")
    check(t["metadata"]["namespace"] == NAMESPACE, "KafkaTopic namespace")
    elsewhere = render([FULL], ["kafka.topics.provisioner=strimzi", "kafka.topics.strimzi.clusterName=main", "kafka.topics.strimzi.namespace=kafka"])
    check({d["metadata"]["namespace"] for d in of_kind(elsewhere, "KafkaTopic")} == {"kafka"}, "kafka.topics.strimzi.namespace ignored")
    assert_valid_manifests(docs)


@test
def deploy_examples_render():
    check(EXAMPLES, "no deploy/values examples")
    for example in EXAMPLES:
        rc, out, err = helm("lint", "--strict", str(CHART), "-f", str(example))
        check(rc == 0, f"{example.name}: helm lint failed: {out[-500:]} {err[-500:]}")
        assert_valid_manifests(render([example]))


@test
def observability_environment():
    """The env ConfigMap carries the ops, metrics, logging and OpenTelemetry settings of every process."""
    full_env = by_name(render([FULL]), "ConfigMap", full("env"))["data"]
    check({k: full_env[k] for k in ["OPS_HOST", "OPS_PORT", "METRICS_TENANT_LABEL", "KAFKA_LAG_INTERVAL_MS", "LOG_REDACT"]}
          == {"OPS_HOST": "0.0.0.0", "OPS_PORT": "9464", "METRICS_TENANT_LABEL": "false", "KAFKA_LAG_INTERVAL_MS": "30000",
              "LOG_REDACT": "true"}, f"env {full_env}")
    check(full_env["OTEL_SDK_DISABLED"] == "false" and full_env["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://otel-collector.observability:4318"
          and full_env["OTEL_TRACES_SAMPLER"] == "parentbased_traceidratio" and full_env["OTEL_TRACES_SAMPLER_ARG"] == "0.25"
          and full_env["OTEL_RESOURCE_ATTRIBUTES"] == "deployment.environment.name=production,service.namespace=tuxhat",
          f"tracing env {full_env}")
    check(full_env["TUXHAT_VERSION"] == "0.1.0", "TUXHAT_VERSION")
    minimal_env = by_name(render([MINIMAL]), "ConfigMap", full("env"))["data"]
    check("OTEL_EXPORTER_OTLP_ENDPOINT" not in minimal_env and minimal_env["OTEL_SDK_DISABLED"] == "false"
          and minimal_env["METRICS_TENANT_LABEL"] == "true", f"defaults {minimal_env}")
    off = by_name(render([MINIMAL], ["tracing.enabled=false"]), "ConfigMap", full("env"))["data"]
    check(off["OTEL_SDK_DISABLED"] == "true" and "OTEL_TRACES_SAMPLER" not in off, "tracing.enabled=false")
    aio = by_name(render([AIO]), "ConfigMap", full("env"))["data"]
    check(aio["OPS_HOST"] == "0.0.0.0" and "KAFKA_LAG_INTERVAL_MS" not in aio, "all-in-one ops env")


@test
def tracing_headers_and_collector_egress():
    docs = render([FULL])
    for d in of_kind(docs, "Deployment"):
        env = env_of(pod_spec(d)["containers"][0])
        check(env.get("OTEL_EXPORTER_OTLP_HEADERS", {}).get("valueFrom", {}).get("secretKeyRef") == {"name": "otel-headers", "key": "headers"},
              f"{name(d)}: OTEL_EXPORTER_OTLP_HEADERS not from the Secret")
    policy = by_name(docs, "NetworkPolicy", full("policy"))
    collector = [r for r in policy["spec"]["egress"] if any(p.get("port") == 4318 for p in r.get("ports", []))]
    check(collector and collector[0]["to"][0]["namespaceSelector"]["matchLabels"] == {"kubernetes.io/metadata.name": "observability"},
          f"no egress to the collector: {policy['spec']['egress']}")
    minimal = render([MINIMAL], ["networkPolicy.enabled=true", "smppConnector.networkPolicy.carrierEgress[0].ports[0].port=2775"])
    for p in of_kind(minimal, "NetworkPolicy"):
        check(not any(port.get("port") == 4318 for r in p["spec"]["egress"] for port in r.get("ports", [])), f"{name(p)}: collector egress without an endpoint")


@test
def hpa_on_kafka_lag():
    docs = render([FULL])
    hpas = {d["spec"]["scaleTargetRef"]["name"]: d for d in of_kind(docs, "HorizontalPodAutoscaler")}
    external = [m for m in hpas[full("policy")]["spec"]["metrics"] if m["type"] == "External"]
    check(external == [{"type": "External", "external": {
        "metric": {"name": "tuxhat_kafka_consumer_lag", "selector": {"matchLabels": {"group": "policy"}}},
        "target": {"type": "AverageValue", "averageValue": "500"}}}], f"policy HPA {external}")
    check(any(m["type"] == "Resource" for m in hpas[full("policy")]["spec"]["metrics"]), "policy HPA lost its CPU metric")
    shard = hpas[full("smpp-connector-telco-bc")]["spec"]
    check([m["external"]["metric"]["selector"]["matchLabels"]["group"] for m in shard["metrics"]] == ["smpp-connector.telco-bc"]
          and shard["maxReplicas"] == 1, f"shard HPA {shard}")
    check(not [m for m in hpas[full("dlr")]["spec"]["metrics"] if m["type"] == "External"], "dlr scales on lag without asking")


@test
def ops_scraped_by_service_monitors():
    docs = render([FULL])
    monitors = {name(m): m for m in of_kind(docs, "ServiceMonitor")}
    components = ["ingress", "policy", "routing", "smpp-connector", "sns-connector", "dlr", "accounting", "admin"]
    check(set(monitors) == {full(c) for c in components}, f"ServiceMonitors {sorted(monitors)}")
    for c in components:
        endpoint = monitors[full(c)]["spec"]["endpoints"][0]
        check(endpoint["port"] == "metrics" and endpoint["path"] == "/metrics", f"{c}: endpoint {endpoint}")
        service = by_name(docs, "Service", f"{full(c)}-metrics")
        check(service["spec"]["ports"][0]["targetPort"] == "ops", f"{c}: metrics Service targets {service['spec']['ports']}")


@test
def admin_api():
    docs = render([FULL])
    d = by_name(docs, "Deployment", full("admin"))
    c = pod_spec(d)["containers"][0]
    check(c["args"] == ["dist/apps/admin/src/main.js"], f"admin runs {c['args']}")
    env = env_of(c)
    check(env["HTTP_PORT"]["value"] == "8081" and env["HTTP_HOST"]["value"] == "0.0.0.0"
          and env["ADMIN_BOOTSTRAP_KEY_FILE"]["value"] == "/etc/tuxhat/admin/bootstrap-key"
          and env["ADMIN_BOOTSTRAP_KEY_NAME"]["value"] == "platform-team"
          and env["DATABASE_URL"]["valueFrom"]["secretKeyRef"]["name"] == "tuxhat-database", f"admin env {sorted(env)}")
    volume = {v["name"]: v for v in pod_spec(d)["volumes"]}["admin-key"]["secret"]
    check(volume == {"secretName": "tuxhat-admin-key", "defaultMode": 0o440, "items": [{"key": "key", "path": "bootstrap-key"}]}, f"admin key volume {volume}")
    check({"name": "admin-key", "mountPath": "/etc/tuxhat/admin", "readOnly": True} in c["volumeMounts"], "admin key not mounted")
    check(d["spec"]["replicas"] == 2, "admin replicas")
    service = by_name(docs, "Service", full("admin"))
    check([(p["name"], p["port"], p["targetPort"]) for p in service["spec"]["ports"]] == [("http", 8081, "http")], f"admin Service {service['spec']['ports']}")
    policy = by_name(docs, "NetworkPolicy", full("admin"))
    api_rule = next(r for r in policy["spec"]["ingress"] if {"port": "http", "protocol": "TCP"} in r["ports"])
    check(api_rule["from"] == [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ops-tools"}}}], f"admin apiFrom {api_rule}")
    check(by_name(docs, "PodDisruptionBudget", full("admin")), "admin PDB")
    minimal = render([MINIMAL])
    c = pod_spec(by_name(minimal, "Deployment", full("admin")))["containers"][0]
    check("ADMIN_BOOTSTRAP_KEY_FILE" not in env_of(c) and not any(v["name"] == "admin-key" for v in pod_spec(by_name(minimal, "Deployment", full("admin")))["volumes"]),
          "a bootstrap key without admin.bootstrapKey")
    off = render([MINIMAL], ["admin.enabled=false"])
    check(not [d for d in off if d["metadata"]["labels"].get("app.kubernetes.io/component") == "admin"], "admin resources with admin.enabled=false")
    aio = render([AIO], ["admin.bootstrapKey.existingSecret=aio-admin-key"])
    check(not [d for d in aio if d["metadata"]["labels"].get("app.kubernetes.io/component") == "admin"], "admin resources in allInOne mode")
    gateway = by_name(aio, "Deployment", full("all-in-one"))
    env = env_of(pod_spec(gateway)["containers"][0])
    check(env["ADMIN_HOST"]["value"] == "0.0.0.0" and env["ADMIN_PORT"]["value"] == "8081"
          and env["ADMIN_BOOTSTRAP_KEY_FILE"]["value"] == "/etc/tuxhat/admin/bootstrap-key", "the all-in-one gateway's admin API env")
    ports = {p["name"]: p["port"] for p in by_name(aio, "Service", full("all-in-one"))["spec"]["ports"]}
    check(ports == {"http": 8080, "grpc": 50051, "admin": 8081}, f"all-in-one Service ports {ports}")
    assert_valid_manifests(aio)


@test
def topics_job_takes_partitions_and_configuration():
    env = env_of(pod_spec(by_name(render([FULL]), "Job", full("topics")))["containers"][0])
    check(json.loads(env["KAFKA_TOPIC_PARTITIONS"]["value"]) == {"sms.submitted.v1": 12}, "KAFKA_TOPIC_PARTITIONS")
    check(json.loads(env["KAFKA_TOPIC_CONFIG"]["value"]) == {"retention.ms": "604800000", "min.insync.replicas": "2"}, "KAFKA_TOPIC_CONFIG")
    check(json.loads(env["KAFKA_TOPIC_OVERRIDES"]["value"]) == {"accounting.records.v2": {"retention.ms": "2592000000"}}, "KAFKA_TOPIC_OVERRIDES")
    minimal = env_of(pod_spec(by_name(render([MINIMAL]), "Job", full("topics")))["containers"][0])
    check(not {"KAFKA_TOPIC_PARTITIONS", "KAFKA_TOPIC_CONFIG", "KAFKA_TOPIC_OVERRIDES"} & set(minimal), "topic settings without values")
    settings = (ROOT / "libs" / "runtime" / "src" / "kafka-topics-env.ts").read_text()
    for variable in ["KAFKA_REPLICATION_FACTOR", "KAFKA_TOPIC_PARTITIONS", "KAFKA_TOPIC_CONFIG", "KAFKA_TOPIC_OVERRIDES"]:
        check(f"{variable}:" in settings, f"kafka-topics-env.ts does not read {variable}")


@test
def services_create_topics_as_the_topics_job_does():
    """A carrier added while running gets its outbound topics from the admin API or its connector:
    the env ConfigMap carries the Job's topic settings, so those come out the same."""
    docs = render([FULL])
    job = env_of(pod_spec(by_name(docs, "Job", full("topics")))["containers"][0])
    env_cm = by_name(docs, "ConfigMap", full("env"))["data"]
    for variable in ["KAFKA_REPLICATION_FACTOR", "KAFKA_TOPIC_PARTITIONS", "KAFKA_TOPIC_CONFIG", "KAFKA_TOPIC_OVERRIDES"]:
        check(env_cm.get(variable) == job[variable]["value"], f"{variable}: services {env_cm.get(variable)!r}, Job {job[variable]['value']!r}")
    minimal_env = by_name(render([MINIMAL]), "ConfigMap", full("env"))["data"]
    check(not [k for k in minimal_env if k.startswith("KAFKA_TOPIC") or k == "KAFKA_REPLICATION_FACTOR"],
          "topic settings without values (the brokers' defaults apply)")
    strimzi = render([MINIMAL], ["kafka.topics.provisioner=strimzi", "kafka.topics.strimzi.clusterName=kafka"])
    strimzi_env = by_name(strimzi, "ConfigMap", full("env"))["data"]
    replicas = {t["spec"]["replicas"] for t in of_kind(strimzi, "KafkaTopic")}
    check(replicas == {3} and strimzi_env.get("KAFKA_REPLICATION_FACTOR") == "3",
          f"with Strimzi, KafkaTopic replicas {replicas} and the services' {strimzi_env.get('KAFKA_REPLICATION_FACTOR')}")
    aio_env = by_name(render([AIO]), "ConfigMap", full("env"))["data"]
    check("KAFKA_REPLICATION_FACTOR" not in aio_env, "topic settings in allInOne mode")


@test
def kafka_sasl_reaches_every_kafka_client():
    """kafka.sasl: mechanism and username in the env ConfigMap, the password as a file of the
    Secret mounted read-only (renewed in place, read again by the services), in every Deployment
    and the topics Job (the Jobs that do not talk to Kafka do not get it)."""
    docs = render([FULL])
    env_cm = by_name(docs, "ConfigMap", full("env"))["data"]
    check(env_cm["KAFKA_SASL_MECHANISM"] == "scram-sha-512" and env_cm["KAFKA_SASL_USERNAME"] == "tuxhat",
          f"SASL settings in the env ConfigMap: {env_cm}")
    volume = {"name": "kafka-sasl-password", "secret": {"secretName": "tuxhat-kafka-user", "defaultMode": 288,
                                                        "items": [{"key": "password", "path": "password"}]}}
    mount = {"name": "kafka-sasl-password", "mountPath": "/etc/tuxhat/kafka-sasl", "readOnly": True}
    jobs = {name(j): j for j in of_kind(docs, "Job")}
    for w in of_kind(docs, "Deployment") + [jobs[full("topics")]]:
        env = env_values(pod_spec(w)["containers"][0])
        check(env.get("KAFKA_SASL_PASSWORD_FILE") == "/etc/tuxhat/kafka-sasl/password" and "KAFKA_SASL_PASSWORD" not in env,
              f"{name(w)}: {env}")
        check(volume in pod_spec(w)["volumes"], f"{name(w)}: no SASL password volume: {pod_spec(w)['volumes']}")
        check(mount in pod_spec(w)["containers"][0]["volumeMounts"], f"{name(w)}: the SASL password not mounted read-only")
    topics = env_values(pod_spec(jobs[full("topics")])["containers"][0])
    check(topics["KAFKA_SASL_MECHANISM"] == "scram-sha-512" and topics["KAFKA_SASL_USERNAME"] == "tuxhat", f"topics Job: {topics}")
    for job in (full("migrate"), full("seed")):
        check("KAFKA_SASL_PASSWORD_FILE" not in env_values(pod_spec(jobs[job])["containers"][0])
              and "kafka-sasl-password" not in str(pod_spec(jobs[job]).get("volumes")), f"{job} got the Kafka password it does not need")
    other_key = render([FULL], ["kafka.sasl.passwordKey=sasl-password"])
    check(deployment_env(other_key, "policy")["KAFKA_SASL_PASSWORD_FILE"] == "/etc/tuxhat/kafka-sasl/sasl-password", "passwordKey")
    minimal = render([MINIMAL])
    check(not {"KAFKA_SASL_MECHANISM", "KAFKA_SASL_USERNAME"} & set(by_name(minimal, "ConfigMap", full("env"))["data"]),
          "SASL settings without kafka.sasl")
    for w in of_kind(minimal, "Deployment") + of_kind(minimal, "Job"):
        check("KAFKA_SASL_PASSWORD_FILE" not in env_values(pod_spec(w)["containers"][0])
              and "kafka-sasl-password" not in str(pod_spec(w).get("volumes")), f"{name(w)}: a SASL password without kafka.sasl")
    aio = render([AIO], ["kafka.sasl.mechanism=plain", "kafka.sasl.username=u", "kafka.sasl.existingSecret=k"])
    for w in of_kind(aio, "Deployment") + of_kind(aio, "Job"):
        check("KAFKA_SASL_PASSWORD_FILE" not in env_values(pod_spec(w)["containers"][0]), f"{name(w)}: all-in-one has no Kafka")


@test
def kafka_client_certificate_reaches_every_kafka_client():
    """kafka.tls.clientCertificate: the Secret's certificate and key (only those) mounted read-only
    into every Deployment and the topics Job, KAFKA_SSL_CERT_FILE / KAFKA_SSL_KEY_FILE pointing at
    them; the brokers' CA stays trustedCa's (NODE_EXTRA_CA_CERTS). Not in the Jobs without Kafka,
    not without the value, not in all-in-one mode."""
    docs = render([MTLS])
    check(by_name(docs, "ConfigMap", full("env"))["data"]["NODE_EXTRA_CA_CERTS"] == "/etc/tuxhat/ca/ca.crt",
          "the brokers' CA comes from trustedCa")
    files = {"KAFKA_SSL_CERT_FILE": "/etc/tuxhat/kafka-client/user.crt", "KAFKA_SSL_KEY_FILE": "/etc/tuxhat/kafka-client/user.key"}
    volume = {"name": "kafka-client-certificate", "secret": {"secretName": "tuxhat", "defaultMode": 288,
                                                             "items": [{"key": "user.crt", "path": "user.crt"}, {"key": "user.key", "path": "user.key"}]}}
    mount = {"name": "kafka-client-certificate", "mountPath": "/etc/tuxhat/kafka-client", "readOnly": True}
    jobs = {name(j): j for j in of_kind(docs, "Job")}
    for w in of_kind(docs, "Deployment") + [jobs[full("topics")]]:
        env = env_values(pod_spec(w)["containers"][0])
        check({k: env.get(k) for k in files} == files and "KAFKA_SSL_KEY_PASSWORD_FILE" not in env, f"{name(w)}: {env}")
        check(volume in pod_spec(w)["volumes"], f"{name(w)}: no client certificate volume: {pod_spec(w)['volumes']}")
        check(mount in pod_spec(w)["containers"][0]["volumeMounts"], f"{name(w)}: the client certificate not mounted read-only")
    for job in (full("migrate"), full("seed")):
        check("KAFKA_SSL_KEY_FILE" not in env_values(pod_spec(jobs[job])["containers"][0])
              and "kafka-client-certificate" not in str(pod_spec(jobs[job])["volumes"]), f"{job} got the Kafka client key it does not need")
    encrypted = render([MTLS], ["kafka.tls.clientCertificate.certKey=tls.crt", "kafka.tls.clientCertificate.keyKey=tls.key",
                                "kafka.tls.clientCertificate.keyPasswordKey=key-password"])
    policy = by_name(encrypted, "Deployment", full("policy"))
    env = env_values(pod_spec(policy)["containers"][0])
    check(env["KAFKA_SSL_CERT_FILE"] == "/etc/tuxhat/kafka-client/tls.crt" and env["KAFKA_SSL_KEY_FILE"] == "/etc/tuxhat/kafka-client/tls.key"
          and env["KAFKA_SSL_KEY_PASSWORD_FILE"] == "/etc/tuxhat/kafka-client/key-password", f"other keys: {env}")
    items = next(v for v in pod_spec(policy)["volumes"] if v["name"] == "kafka-client-certificate")["secret"]["items"]
    check([i["key"] for i in items] == ["tls.crt", "tls.key", "key-password"], f"items {items}")
    for w in of_kind(render([MINIMAL]), "Deployment") + of_kind(render([FULL]), "Job"):
        check("KAFKA_SSL_CERT_FILE" not in env_values(pod_spec(w)["containers"][0]) and "kafka-client-certificate" not in str(pod_spec(w).get("volumes")),
              f"{name(w)}: a client certificate without kafka.tls.clientCertificate")
    aio = render([AIO], ["kafka.tls.enabled=true", "kafka.tls.clientCertificate.existingSecret=tuxhat"])
    for w in of_kind(aio, "Deployment") + of_kind(aio, "Job"):
        check("KAFKA_SSL_CERT_FILE" not in env_values(pod_spec(w)["containers"][0]), f"{name(w)}: all-in-one has no Kafka")


@test
def grafana_dashboards_shipped():
    """The chart's copies of deploy/grafana are identical, and become sidecar ConfigMaps when asked."""
    source = {p.name: p.read_text() for p in sorted((ROOT / "deploy" / "grafana").glob("*.json"))}
    copies = {p.name: p.read_text() for p in sorted((CHART / "files" / "dashboards").glob("*.json"))}
    check(source and copies == source, "charts/tuxhat/files/dashboards differs from deploy/grafana: cp deploy/grafana/*.json charts/tuxhat/files/dashboards/")
    maps = [d for d in of_kind(render([FULL]), "ConfigMap") if d["metadata"]["labels"].get("app.kubernetes.io/component") == "dashboards"]
    check(len(maps) == len(source), f"{len(maps)} dashboard ConfigMaps")
    for m in maps:
        check(m["metadata"]["labels"]["grafana_dashboard"] == "1" and m["metadata"]["annotations"] == {"grafana_folder": "TuxHat"}, f"{name(m)}: labels")
        (key, text), = m["data"].items()
        check(text == source[key.removeprefix("tuxhat-")].rstrip("\n") and json.loads(text)["uid"].startswith("tuxhat-"), f"{name(m)}: content")
    check(not [d for d in render([MINIMAL]) if d["metadata"]["labels"].get("app.kubernetes.io/component") == "dashboards"], "dashboards by default")



def env_values(container):
    """A container's env as name: value (valueFrom entries as their dict)."""
    return {e["name"]: e.get("value", e.get("valueFrom")) for e in container.get("env", [])}


def deployment_env(docs, component):
    return env_values(pod_spec(by_name(docs, "Deployment", full(component)))["containers"][0])


@test
def service_settings_reach_the_services():
    """Each service's settings become the variables its main.ts reads; null ones are left out."""
    docs = render([FULL])
    routing = deployment_env(docs, "routing")
    check(routing["ROUTING_INSTANCE_ID"] == {"fieldRef": {"fieldPath": "metadata.name"}},
          f"ROUTING_INSTANCE_ID is not the pod's name: {routing.get('ROUTING_INSTANCE_ID')}")
    expected = {
        "routing": {"ROUTING_MAX_ATTEMPTS": "4", "ROUTING_LAST_RESORT_UNHEALTHY": "false",
                    "ROUTING_CARRIER_WAIT_MS": "21600000", "ROUTING_CARRIER_RETRY_MS": "2000",
                    "ROUTING_CONFIG_POLL_MS": "2000"},
        "policy": {"ACCOUNTING_CURRENCY": "USD", "POLICY_RELEASE_POLL_MS": "250", "POLICY_IN_FLIGHT_TIMEOUT_MS": "600000",
                   "POLICY_DECISION_RETENTION_MS": "1209600000"},
        "accounting": {"ACCOUNTING_CURRENCY": "USD", "ACCOUNTING_PUBLISH_LEASE_MS": "60000", "ACCOUNTING_SWEEP_INTERVAL_MS": "10000"},
        "dlr": {"DLR_DEFAULT_VALIDITY_MS": "86400000", "DLR_EXPIRY_GRACE_MS": "1800000", "DLR_EXPIRY_STATUS": "expired",
                "DLR_WEBHOOK_TIMEOUT_MS": "5000", "DLR_WEBHOOK_TENANT_CONCURRENCY": "8", "DLR_WEBHOOK_MAX_AGE_MS": "43200000",
                "DLR_WEBHOOK_RETRY_BASE_MS": "500", "DLR_WEBHOOK_RETRY_MAX_MS": "300000",
                "DLR_OPT_OUT_KEYWORDS": "STOP,ARRET,UNSUBSCRIBE", "DLR_OPT_OUT_REPLY": "No more messages from {to}."},
        "ingress": {"INGRESS_REPLICAS": "4"},
        "smpp-connector-telco-a": {"CARRIER_HEALTH_MIN_SUBMITS": "20", "CARRIER_HEALTH_FAULT_RATIO": "0.8"},
        "smpp-connector-telco-bc": {"CARRIER_HEALTH_MIN_SUBMITS": "20", "CARRIER_HEALTH_FAULT_RATIO": "0.8"},
        "sns-connector": {"CARRIER_HEALTH_MIN_SUBMITS": "5", "CARRIER_HEALTH_FAULT_RATIO": "1"},
    }
    for component, variables in expected.items():
        env = deployment_env(docs, component)
        got = {k: env.get(k) for k in variables}
        check(got == variables, f"{component}: {got}, expected {variables}")
    # Defaults: nothing but what is always set (a null value leaves the service's own default).
    minimal = render([MINIMAL])
    optional = re.compile(r"^(ROUTING_(MAX|LAST|CONFIG)|POLICY_|DLR_|ACCOUNTING_(PUBLISH|SWEEP)|CARRIER_HEALTH_)")
    for component in ["routing", "policy", "accounting", "dlr", "smpp-connector", "sns-connector"]:
        env = deployment_env(minimal, component)
        check(not [k for k in env if optional.match(k)], f"{component} sets optional variables by default: {sorted(env)}")
    check(deployment_env(minimal, "policy")["ACCOUNTING_CURRENCY"] == "EUR", "policy's currency is not accounting's")
    check("ROUTING_INSTANCE_ID" in deployment_env(minimal, "routing"), "routing without ROUTING_INSTANCE_ID")


RETENTION_ENV = ("MESSAGE_RETENTION_DAYS", "ACCOUNTING_RETENTION_DAYS")


def retention_env(docs):
    """The retention variables of every workload's containers, by workload name (only those with one)."""
    found = {}
    for w in of_kind(docs, "Deployment") + of_kind(docs, "Job"):
        for c in containers(w):
            env = {k: v for k, v in env_values(c).items() if k in RETENTION_ENV}
            if env:
                found[name(w)] = env
    return found


@test
def retention_reaches_the_services_that_delete():
    """retention.messageDays is MESSAGE_RETENTION_DAYS of ingress, dlr, policy and the all-in-one
    gateway, retention.accountingDays ACCOUNTING_RETENTION_DAYS of accounting and the all-in-one
    gateway (libs/runtime/src/retention.ts); no other workload gets either, null sets neither."""
    docs = render([FULL])
    message, accounting = {"MESSAGE_RETENTION_DAYS": "30"}, {"ACCOUNTING_RETENTION_DAYS": "400"}
    expected = {full("ingress"): message, full("dlr"): message, full("policy"): message, full("accounting"): accounting}
    got = retention_env(docs)
    check(got == expected, f"retention variables {got}, expected {expected}")
    check(not set(RETENTION_ENV) & set(by_name(docs, "ConfigMap", full("env"))["data"]), "retention in every pod's env ConfigMap")
    got = retention_env(render([AIO]))
    want = {full("all-in-one"): {"MESSAGE_RETENTION_DAYS": "90", "ACCOUNTING_RETENTION_DAYS": "730"}}
    check(got == want, f"the all-in-one gateway's retention {got}, expected {want}")
    # Null (the default): kept for ever, no variable anywhere; each key on its own sets its own only.
    for files, sets in [([MINIMAL], []), ([FULL], ["retention.messageDays=null", "retention.accountingDays=null"]),
                        ([], ["mode=allInOne"]), ([AIO], ["retention.messageDays=null", "retention.accountingDays=null"])]:
        got = retention_env(render(files, sets))
        check(got == {}, f"{[f.name for f in files]} {sets}: retention variables although null: {got}")
    only_message = retention_env(render([MINIMAL], ["retention.messageDays=8"]))
    check(only_message == {full(c): {"MESSAGE_RETENTION_DAYS": "8"} for c in ("ingress", "dlr", "policy")},
          f"messageDays alone: {only_message}")
    only_accounting = retention_env(render([MINIMAL], ["retention.accountingDays=36500"]))
    check(only_accounting == {full("accounting"): {"ACCOUNTING_RETENTION_DAYS": "36500"}}, f"accountingDays alone: {only_accounting}")
    aio_message = retention_env(render([], ["mode=allInOne", "retention.messageDays=3650"]))
    check(aio_message == {full("all-in-one"): {"MESSAGE_RETENTION_DAYS": "3650"}}, f"all-in-one, messageDays alone: {aio_message}")


@test
def ingress_replicas_follow_the_replica_count():
    """INGRESS_REPLICAS divides each tenant's rate among the pods: it is their number."""
    for files, sets, expected in [
        ([MINIMAL], [], "2"),
        ([MINIMAL], ["ingress.replicaCount=3"], "3"),
        ([FULL], ["ingress.rateLimitReplicas=null"], "8"),  # autoscaling: maxReplicas
        ([FULL], [], "4"),  # rateLimitReplicas
        ([MINIMAL], ["ingress.replicaCount=0"], "1"),
    ]:
        got = deployment_env(render(files, sets), "ingress")["INGRESS_REPLICAS"]
        check(got == expected, f"{sets}: INGRESS_REPLICAS {got}, expected {expected}")


@test
def sns_connector_shard():
    """SNS_CARRIERS comes with SNS_SHARD; the shard's group gets its retry topic and its lag metric."""
    docs = render([FULL], ["snsConnector.autoscaling.kafkaLag.enabled=true"])
    env = deployment_env(docs, "sns-connector")
    check(env.get("SNS_CARRIERS") == "aws" and env.get("SNS_SHARD") == "aws", f"sns-connector env {env}")
    hpa = by_name(docs, "HorizontalPodAutoscaler", full("sns-connector"))
    groups = [m["external"]["metric"]["selector"]["matchLabels"]["group"] for m in hpa["spec"]["metrics"] if m["type"] == "External"]
    check(groups == ["sns-connector.aws"], f"sns-connector HPA scales on {groups}")
    minimal = deployment_env(render([MINIMAL]), "sns-connector")
    check("SNS_CARRIERS" not in minimal and "SNS_SHARD" not in minimal, "an unsharded sns-connector got an assignment")
    check("KAFKA_EXTRA_CONSUMER_GROUPS" not in env_of(pod_spec(by_name(render([MINIMAL]), "Job", full("topics")))["containers"][0]),
          "extra consumer groups without shards")


@test
def carrier_tls_files_mounted():
    """carrierTlsSecrets are mounted where a carrier's smpp.tls files are, and nowhere else."""
    docs = render([FULL])

    def tls_mounts(d):
        spec = pod_spec(d)
        volumes = {v["name"]: v for v in spec["volumes"] if v["name"].startswith("carrier-tls")}
        mounts = [m for m in spec["containers"][0]["volumeMounts"] if m["name"].startswith("carrier-tls")]
        return {volumes[m["name"]]["secret"]["secretName"]: (m["mountPath"], m.get("readOnly")) for m in mounts}
    bc = tls_mounts(by_name(docs, "Deployment", full("smpp-connector-telco-bc")))
    check(bc == {"telco-c-tls": ("/etc/tuxhat/carriers/telco-c-tls", True)}, f"telco-bc shard mounts {bc}")
    check(tls_mounts(by_name(docs, "Deployment", full("smpp-connector-telco-a"))) == {}, "telco-a shard got another carrier's TLS files")
    for d in of_kind(docs, "Deployment"):
        if not name(d).startswith(full("smpp-connector")):
            check(tls_mounts(d) == {}, f"{name(d)} mounts carrier TLS files")
    external = render([MINIMAL], ["gatewayConfig.existingConfigMap=cfg", "carrierTlsSecrets[0]=a-tls"])
    check(tls_mounts(by_name(external, "Deployment", full("smpp-connector"))) == {"a-tls": ("/etc/tuxhat/carriers/a-tls", True)},
          "with an existing ConfigMap every smpp-connector pod needs every TLS Secret")
    aio = render([AIO], ["carrierTlsSecrets[0]=telco-a-tls", "gatewayConfig.carriers[0].smpp.tls.caFile=/etc/tuxhat/carriers/telco-a-tls/ca.crt"])
    check(tls_mounts(by_name(aio, "Deployment", full("all-in-one"))) == {"telco-a-tls": ("/etc/tuxhat/carriers/telco-a-tls", True)},
          "the all-in-one gateway lacks its carrier's TLS files")
    assert_valid_manifests(aio)
    before = by_name(render([FULL]), "Deployment", full("smpp-connector-telco-bc"))["spec"]["template"]["metadata"]["annotations"]["checksum/carriers"]
    after = by_name(render([FULL], ["carrierTlsSecrets[1]=other-tls"]), "Deployment", full("smpp-connector-telco-bc"))
    check(after["spec"]["template"]["metadata"]["annotations"]["checksum/carriers"] != before, "changing carrierTlsSecrets does not roll the connectors")


@test
def bind_limits_from_carrier_settings():
    """A carrier's smpp.binds and smpp.maxBinds drive the bind check (over bindsPerPod and bindLimits)."""
    # telco-b: 3 binds per pod (2 transmitters, a receiver), maxBinds 3, 1 pod. Its maxBinds wins
    # over bindLimits, in both directions.
    render([FULL], ["smppConnector.bindLimits.telco-b=1"])
    expect_refused([FULL], ["gatewayConfig.carriers[1].smpp.maxBinds=2"], [],
                   r'would open 3 binds to carrier "telco-b" \(1 pods x 3 binds per pod, its smpp.binds\) but the carrier allows 2 \(its smpp.maxBinds\)')
    expect_refused([FULL], ["smppConnector.shards[1].autoscaling.maxReplicas=2", "smppConnector.bindLimits.telco-c=2"], [],
                   r'would open 6 binds to carrier "telco-b"')
    # The config in an existing ConfigMap: bindsPerPod per carrier of a shard.
    expect_refused([FULL], ["gatewayConfig.existingConfigMap=cfg", "smppConnector.bindsPerPod=2"], [],
                   r'would open 4 binds to carrier "telco-a" \(2 pods x 2 binds per pod, smppConnector.bindsPerPod\)')


# --- the gateway config schema comes from libs/config ---------------------------------------------
def load_values_schema_module():
    import importlib.util
    spec = importlib.util.spec_from_file_location("values_schema", ROOT / "scripts/chart/values-schema.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def zod_validate(config):
    """libs/config's gatewayConfigSchema on a config: (accepted, zod's issues)."""
    proc = subprocess.run(["node", "--disable-warning=MODULE_TYPELESS_PACKAGE_JSON", str(ROOT / "scripts/chart/gateway-config-schema.mjs"),
                           "--validate"], input=json.dumps(config), capture_output=True, text=True)
    check(proc.returncode in (0, 1), f"gateway-config-schema.mjs --validate failed: {proc.stderr.strip()}")
    return proc.returncode == 0, proc.stdout.strip()


@test
def rendered_gateway_configs_pass_libs_config():
    """Every config file the chart renders (scenarios, examples) is one the services accept: parsed by
    libs/config's own gatewayConfigSchema, refinements included."""
    checked = 0
    for path in SCENARIOS + EXAMPLES:
        for cm in of_kind(render([path]), "ConfigMap"):
            text = (cm.get("data") or {}).get("tuxhat.yaml")
            if text:
                ok, issues = zod_validate(yaml.safe_load(text))
                check(ok, f"{path.name}: libs/config refuses {name(cm)}/tuxhat.yaml:\n{issues}")
                checked += 1
    check(checked >= 3, f"only {checked} config files rendered")
    # The validator can refuse: a route to a carrier that does not exist (the schema cannot say it).
    config = yaml.safe_load(by_name(render([FULL]), "ConfigMap", full("hooks"))["data"]["tuxhat.yaml"])
    config["routes"][0]["carrier"] = "nobody"
    ok, issues = zod_validate(config)
    check(not ok and 'no carrier with id "nobody"' in issues, f"zod accepted a route to no carrier: {issues}")


@test
def gateway_config_schema_drift_fails():
    """The generator fails when libs/config gains a key without a description or loses a described
    one, and --check fails when values.schema.json is not what the code gives."""
    module = load_values_schema_module()
    zod = module.zod_gateway_config()
    definitions = module.gateway_config_definitions(zod)
    smpp = next(o["then"] for o in definitions["gatewayCarrier"]["allOf"] if o["if"]["properties"]["kind"]["const"] == "smpp")
    check(smpp["properties"]["smpp"] == {"allOf": [{"$ref": "#/definitions/smppSettings"}], "description": "SMPP settings (kind smpp)."},
          f"smpp settings not a described reference: {smpp['properties']['smpp']}")
    settings = definitions["smppSettings"]
    for key in ["binds", "maxBinds", "addrTon", "throughput", "alphabets", "longMessages", "registeredDelivery", "tls",
                "retryableStatuses", "finalStatuses"]:
        check(key in settings["properties"] and settings["properties"][key].get("description"), f"smppSettings.{key} missing or undescribed")
    check(settings["properties"]["systemType"]["maxLength"] == 12, "systemType is not the code's")
    check(settings["properties"]["password"]["allOf"] == [{"$ref": "#/definitions/secretRef"}], "inline SMPP passwords allowed")
    check(settings["properties"]["tls"]["additionalProperties"] is False, "tls accepts unknown keys")
    check(set(definitions["snsSettings"]["properties"]) >= {"originationNumber", "maxPrice", "maxPerSecond", "account"}, "SNS keys")

    gained = json.loads(json.dumps(zod))
    carrier = next(o for o in gained["properties"]["carriers"]["items"]["oneOf"] if o["properties"]["kind"]["const"] == "smpp")
    carrier["properties"]["smpp"]["properties"]["newKnob"] = {"type": "integer"}
    try:
        module.gateway_config_definitions(gained)
    except module.GatewaySchemaError as error:
        check("no description for smppSettings.newKnob" in str(error), f"unexpected error: {error}")
    else:
        raise AssertionError("a key without a description passed the generator")
    lost = json.loads(json.dumps(zod))
    carrier = next(o for o in lost["properties"]["carriers"]["items"]["oneOf"] if o["properties"]["kind"]["const"] == "smpp")
    del carrier["properties"]["smpp"]["properties"]["maxBinds"]
    try:
        module.gateway_config_definitions(lost)
    except module.GatewaySchemaError as error:
        check("smppSettings.maxBinds, which libs/config's schema no longer has" in str(error), f"unexpected error: {error}")
    else:
        raise AssertionError("a described key the code lost passed the generator")

    stale = json.loads((CHART / "values.schema.json").read_text())
    stale["definitions"]["smppSettings"]["properties"]["systemType"]["maxLength"] = 13
    with tempfile.NamedTemporaryFile("w", suffix=".json") as f:
        json.dump(stale, f)
        f.flush()
        proc = subprocess.run([sys.executable, str(ROOT / "scripts/chart/values-schema.py"), "--check", f.name], capture_output=True, text=True)
    check(proc.returncode == 1 and "regenerate" in proc.stderr, f"--check accepted a drifted schema: {proc.returncode} {proc.stderr}")


@test
def chart_version_noted():
    """Every chart version has its note in charts/tuxhat/README.md."""
    version = yaml.safe_load((CHART / "Chart.yaml").read_text())["version"]
    check(re.search(rf"^### {re.escape(version)}\b", (CHART / "README.md").read_text(), re.M),
          f"charts/tuxhat/README.md has no '### {version}' note")


@test
def tenant_api_tls():
    """apiTls mounts the server certificate, key and client CAs into ingress (or the all-in-one gateway) only."""
    sets = ["apiTls.existingSecret=api-cert", "apiTls.clientCa.existingSecret=tenant-ca"]
    want_env = {"INGRESS_TLS_CERT_FILE": "/etc/tuxhat/api-tls/tls.crt", "INGRESS_TLS_KEY_FILE": "/etc/tuxhat/api-tls/tls.key",
                "INGRESS_TLS_CLIENT_CA_FILE": "/etc/tuxhat/api-client-ca/ca.crt"}

    def tls_of(d):
        spec = pod_spec(d)
        secrets = {v["name"]: v["secret"]["secretName"] for v in spec["volumes"] if v["name"].startswith("api-")}
        mounts = {m["mountPath"]: secrets[m["name"]] for m in spec["containers"][0]["volumeMounts"] if m["name"] in secrets}
        env = env_values(spec["containers"][0])
        return {k: env[k] for k in want_env if k in env}, mounts

    want_mounts = {"/etc/tuxhat/api-tls": "api-cert", "/etc/tuxhat/api-client-ca": "tenant-ca"}
    for files, component in [([MINIMAL], "ingress"), ([AIO], "all-in-one")]:
        docs = render(files, sets)
        check(tls_of(by_name(docs, "Deployment", full(component))) == (want_env, want_mounts),
              f"{component}: {tls_of(by_name(docs, 'Deployment', full(component)))}")
        for d in of_kind(docs, "Deployment"):
            if name(d) != full(component):
                check(tls_of(d) == ({}, {}), f"{name(d)} got the tenant API's TLS files")
        assert_valid_manifests(docs)
    plain = render([MINIMAL])
    check(tls_of(by_name(plain, "Deployment", full("ingress"))) == ({}, {}), "TLS without apiTls")
    no_ca = render([MINIMAL], ["apiTls.existingSecret=api-cert", "apiTls.certKey=cert.pem", "apiTls.keyKey=key.pem"])
    env, mounts = tls_of(by_name(no_ca, "Deployment", full("ingress")))
    check(env == {"INGRESS_TLS_CERT_FILE": "/etc/tuxhat/api-tls/cert.pem", "INGRESS_TLS_KEY_FILE": "/etc/tuxhat/api-tls/key.pem"}
          and mounts == {"/etc/tuxhat/api-tls": "api-cert"}, f"TLS without client CAs: {env} {mounts}")


# Values helm must refuse, with the hint it must give.
REFUSALS = [
    ("an unknown top-level key", [MINIMAL], ["bogus=1"], [], r"additional properties 'bogus' not allowed"),
    ("an unknown component key", [MINIMAL], ["ingress.replicas=3"], [], r"additional properties 'replicas' not allowed"),
    ("an unknown key deep down", [MINIMAL], [], ['smppConnector.shards=[{"name":"a","carriers":["telco-a"],"replica":1}]'], r"'replica' not allowed"),
    ("allInOne without storage", [], ["mode=allInOne", "allInOne.persistence.enabled=false"], [], r"persistence/enabled|existingSecret"),
    ("a bad enum", [MINIMAL], ["mode=single"], [], r"mode"),
    ("an inline carrier password", [MINIMAL], [], ['gatewayConfig.carriers=[{"id":"x","name":"X","kind":"smpp","smpp":{"host":"h","port":2775,"systemId":"s","password":"secret"}}]'], r"password"),
    ("an API key in clear", [MINIMAL], [], ['gatewayConfig.tenants=[{"id":"t","name":"T","apiKeys":[{"name":"k","prefix":"thk_abcdefgh","sha256":"thk_abcdefgh_secret"}]}]'], r"sha256"),
    ("cluster mode without a database Secret", [MINIMAL], ["database.existingSecret="], [], r"database.existingSecret is required"),
    ("cluster mode without Kafka", [MINIMAL], [], ["kafka.bootstrapServers=[]"], r"kafka.bootstrapServers is required"),
    ("client CAs without the API's certificate", [MINIMAL], ["apiTls.clientCa.existingSecret=tenant-ca"], [],
     r"apiTls.clientCa.existingSecret needs apiTls.existingSecret"),
    ("a carrier secret reference without a Secret", [MINIMAL], [], ["carrierSecrets=[]"], r"no entry for it: add \{ env: TELCO_A_SMPP_PASSWORD"),
    ("a removed key (database.url)", [MINIMAL], ["database.url=postgresql://u:p@h/db"], [], r"database.url is not supported.*existingSecret"),
    ("a renamed key (kafka.brokers)", [MINIMAL], ["kafka.brokers=k:9092"], [], r"use kafka.bootstrapServers"),
    ("the replaced kafka.sasl.enabled", [MINIMAL], ["kafka.sasl.enabled=true"], [], r"kafka.sasl.enabled was replaced: set kafka.sasl.mechanism"),
    ("a SASL mechanism Kafka clients here do not speak", [MINIMAL], ["kafka.sasl.mechanism=gssapi"], [], r"mechanism"),
    ("a SASL mechanism without a username", [MINIMAL], ["kafka.sasl.mechanism=plain", "kafka.sasl.existingSecret=k"], [], r"kafka.sasl.mechanism plain needs kafka.sasl.username and kafka.sasl.existingSecret"),
    ("a SASL mechanism without the password's Secret", [MINIMAL], ["kafka.sasl.mechanism=scram-sha-512", "kafka.sasl.username=u"], [], r"needs kafka.sasl.username and kafka.sasl.existingSecret"),
    ("a SASL user without a mechanism", [MINIMAL], ["kafka.sasl.username=u", "kafka.sasl.existingSecret=k"], [], r"without kafka.sasl.mechanism"),
    ("a Kafka client certificate without TLS", [MINIMAL], ["kafka.tls.clientCertificate.existingSecret=tuxhat"], [], r"kafka.tls.clientCertificate.existingSecret needs kafka.tls.enabled: true"),
    ("seeding without a config", [], ["kafka.bootstrapServers[0]=k:9092", "database.existingSecret=db"], [], r"jobs.seed.enabled needs the gateway config"),
    ("shard replicas over the bind limit", [FULL], ["smppConnector.bindLimits.telco-a=1"], [], r"would open 2 binds to carrier \"telco-a\".*allows 1"),
    ("shard autoscaling over the bind limit", [FULL], [], ['smppConnector.shards[0]={"name":"telco-a","carriers":["telco-a"],"replicas":1,"autoscaling":{"enabled":true,"minReplicas":1,"maxReplicas":3,"targetCPUUtilizationPercentage":70},"networkPolicy":{"egress":[{"ports":[{"port":2775}]}]}}'], r"would open 3 binds"),
    ("autoscaling without a metric", [MINIMAL], ["dlr.autoscaling.enabled=true", "dlr.autoscaling.targetCPUUtilizationPercentage=null"], [], r"dlr.autoscaling is enabled without a metric"),
    ("Kafka lag autoscaling of the API (not a consumer)", [MINIMAL], ["ingress.autoscaling.kafkaLag.enabled=true"], [], r"additional properties 'kafkaLag' not allowed"),
    ("a moved key (kafka.topics.strimzi.config)", [MINIMAL], ["kafka.topics.strimzi.config.retention\\.ms=1"], [], r"moved to kafka.topics.config"),
    ("OTLP headers without an endpoint", [MINIMAL], ["tracing.headersSecret.name=otel"], [], r"tracing.otlpEndpoint is empty"),
    ("an unknown SMPP readiness rule", [MINIMAL], ["smppConnector.readyWhen=sometimes"], [], r"readyWhen"),
    ("unsharded replicas over the default bind limit", [MINIMAL], ["smppConnector.replicaCount=2"], [], r"shard \"all\" would open 2 binds"),
    ("a carrier in two shards", [FULL], [], ['smppConnector.shards[1].carriers=["telco-b","telco-c","telco-a"]'], r"carrier \"telco-a\" is in shards"),
    ("an SMPP carrier in no shard", [FULL], [], ['smppConnector.shards[1].carriers=["telco-b"]'], r"\"telco-c\" is in no smppConnector.shards"),
    ("an SNS carrier in a shard", [FULL], [], ['smppConnector.shards[1].carriers=["telco-b","telco-c","aws"]'], r"\"aws\" is not an SMPP carrier"),
    ("the reserved shard name all", [FULL], ["smppConnector.shards[0].name=all"], [], r"reserved"),
    ("network policy without carrier egress", [MINIMAL], ["networkPolicy.enabled=true"], [], r"may not reach its carriers"),
    ("strimzi without a cluster name", [FULL], ["kafka.topics.provisioner=strimzi"], [], r"strimzi.clusterName"),
    ("autoscaling min above max", [MINIMAL], ["policy.autoscaling.enabled=true", "policy.autoscaling.minReplicas=5", "policy.autoscaling.maxReplicas=2"], [], r"minReplicas \(5\) is above maxReplicas \(2\)"),
    ("a name over 63 characters", [FULL], ["fullnameOverride=a-very-long-release-name-that-goes-on-and-on-and-on-x"], [], r"longer than 63 characters"),
    ("an unknown SMPP setting", [FULL], ["gatewayConfig.carriers[0].smpp.bindCount=2"], [], r"additional properties 'bindCount' not allowed"),
    ("an SMPP systemType over 12 characters", [FULL], ["gatewayConfig.carriers[0].smpp.systemType=abcdefghijklm"], [], r"systemType"),
    ("an unknown TLS setting", [FULL], ["gatewayConfig.carriers[2].smpp.tls.verify=false"], [], r"additional properties 'verify' not allowed"),
    ("a bind mode that does not exist", [FULL], [], ['gatewayConfig.carriers[1].smpp.binds=[{"mode":"transmit"}]'], r"binds/0/mode"),
    ("an SMPP setting of an SNS carrier", [FULL], ["gatewayConfig.carriers[3].sns.windowSize=10"], [], r"additional properties 'windowSize' not allowed"),
    ("an inline SNS secret", [FULL], [], ['gatewayConfig.carriers[3].sns.secretAccessKey="abc"'], r"secretAccessKey"),
    ("an unknown carrier kind", [MINIMAL], [], ['gatewayConfig.carriers=[{"id":"x","name":"X","kind":"http"}]'], r"kind"),
    ("an unknown route key", [MINIMAL], [], ['gatewayConfig.routes=[{"id":"r","priority":1,"carrier":"telco-a","weight":2}]'], r"'weight' not allowed"),
    ("SNS carriers without a shard", [FULL], ["snsConnector.shard="], [], r"snsConnector.carriers needs snsConnector.shard"),
    ("an SMPP carrier in snsConnector.carriers", [FULL], [], ['snsConnector.carriers=["aws","telco-a"]'], r'"telco-a" is not an SNS carrier'),
    ("an SNS carrier left out of snsConnector.carriers", [FULL], [],
     ['gatewayConfig.carriers[4]={"id":"aws-us","name":"AWS US","kind":"sns","sns":{"region":"us-east-1"}}'], r'"aws-us" is not in snsConnector.carriers'),
    ("a carrier TLS file outside carrierTlsSecrets", [FULL], ["gatewayConfig.carriers[2].smpp.tls.caFile=/certs/ca.crt"], [],
     r'carrier "telco-c": smpp.tls.caFile "/certs/ca.crt" is in no Secret of carrierTlsSecrets'),
    ("routing.maxAttempts over the code's 10", [MINIMAL], ["routing.maxAttempts=11"], [], r"maxAttempts"),
    ("an unknown DLR expiry status", [MINIMAL], ["dlr.expiryStatus=lost"], [], r"expiryStatus"),
    ("an opt-out keyword with a comma", [MINIMAL], [], ['dlr.optOut.keywords=["STOP,END"]'], r"keywords"),
    ("a carrier health fault ratio over 1", [MINIMAL], ["smppConnector.health.faultRatio=1.5"], [], r"faultRatio"),
    ("a carrier health fault ratio of 0", [MINIMAL], ["snsConnector.health.faultRatio=0"], [], r"faultRatio"),
    # libs/runtime/src/retention.ts: 8 (Kafka redeliveries) to 36500 days, a whole number.
    ("a message retention of 7 days", [MINIMAL], ["retention.messageDays=7"], [], r"/retention/messageDays': minimum: got 7, want 8"),
    ("an accounting retention of 7 days", [AIO], ["retention.accountingDays=7"], [], r"/retention/accountingDays': minimum: got 7, want 8"),
    ("a message retention over 36500 days", [MINIMAL], ["retention.messageDays=36501"], [], r"/retention/messageDays': maximum"),
    ("a message retention as a string", [MINIMAL], [], ['retention.messageDays="30"'], r"/retention/messageDays': got string"),
    ("an accounting retention as a string", [MINIMAL], [], ['retention.accountingDays="400"'], r"/retention/accountingDays': got string"),
    ("an unknown retention key", [MINIMAL], ["retention.days=30"], [], r"additional properties 'days' not allowed"),
    ("a retention in fractional days", [MINIMAL], ["retention.messageDays=30.5"], [], r"/retention/messageDays'"),
]


def refusal_test(label, files, sets, set_json, hint):
    def fn():
        expect_refused(files, sets, set_json, hint)
    fn.__name__ = f"refuses {label}"
    return fn


for _refusal in REFUSALS:
    TESTS.append(refusal_test(*_refusal))


@test
def lint_refuses_unknown_key():
    """helm lint (not only template) applies the schema."""
    rc, out, err = helm("lint", "--strict", str(CHART), "-f", str(MINIMAL), "--set", "bogus=1")
    check(rc != 0 and "bogus" in out + err, "helm lint accepted an unknown key")


def render_notes(files=(), sets=()):
    """NOTES.txt as `helm install` prints it (helm template skips it): a copy of the chart with a
    template that puts the tuxhat.notes named template into a ConfigMap."""
    with tempfile.TemporaryDirectory() as tmp:
        chart = Path(tmp) / "tuxhat"
        shutil.copytree(CHART, chart)
        (chart / "templates" / "zz-notes-test.yaml").write_text(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: notes-test }\n"
            'data: { notes: {{ include "tuxhat.notes" . | toJson }} }\n')
        args = ["template", RELEASE, str(chart), "--namespace", NAMESPACE, "--show-only", "templates/zz-notes-test.yaml"]
        for f in files:
            args += ["-f", str(f)]
        for s in sets:
            args += ["--set", s]
        rc, out, err = helm(*args)
        check(rc == 0, f"rendering the notes failed: {err.strip()}")
        return yaml.safe_load(out)["data"]["notes"]


@test
def install_notes():
    notes = render_notes([FULL])
    for expected in [f"port-forward svc/{full('ingress')} 8080:8080", f"{full('smpp-connector-telco-bc')}: telco-b, telco-c",
                     "hook Jobs ran: migrate seed topics", "NetworkPolicies are on", "/health/ready",
                     f"port-forward svc/{full('admin')} 8081:8081", "Traces go to http://otel-collector.observability:4318",
                     "Grafana dashboards (traffic, latency, carriers, tenants, errors): ConfigMaps"]:
        check(expected in notes, f"the cluster notes lack {expected!r}:\n{notes}")
    minimal = render_notes([MINIMAL])
    for expected in ["Traces are not exported", "create a key with dist/scripts/admin-key.js", "prometheus.io/* annotations"]:
        check(expected in minimal, f"the minimal notes lack {expected!r}:\n{minimal}")
    notes = render_notes([AIO])
    check(f"port-forward svc/{full('all-in-one')} 8080:8080" in notes and "PVC t-tuxhat-data" in notes, f"all-in-one notes:\n{notes}")
    check("demo" not in notes, "all-in-one notes mention the demo although a config is given")
    demo = render_notes([], ["mode=allInOne"])
    check(f"logs deploy/{full('all-in-one')} | grep 'API key'" in demo, f"demo notes:\n{demo}")


# --- drift between the chart and the code ------------------------------------------------------
@test
def topics_file_matches_contracts():
    """files/topics.yaml is the code's topic list: TOPICS of libs/contracts/src/topics.ts (names,
    partitions, lanes), the lanes of lanes.ts, the consumer groups and retry topics."""
    spec = yaml.safe_load((CHART / "files" / "topics.yaml").read_text())
    contracts = ROOT / "libs" / "contracts" / "src"
    definitions = {}
    for source in sorted((contracts / "events").glob("*.ts")):
        for const, block in re.findall(r"export const (\w+) = defineTopic\(\{(.*?)\n\}\)", source.read_text(), re.S):
            config = {}
            own = re.search(r"config:\s*\{(.*?)\}", block, re.S)
            for key, value in re.findall(r"'([^']+)':\s*([^,}]+)", own.group(1) if own else ""):
                product = re.fullmatch(r"String\(([0-9 *]+)\)", value.strip())  # String(60 * 60 * 1000)
                config[key] = str(eval(product.group(1), {"__builtins__": {}})) if product else value.strip().strip("'")
            definitions[const] = {"name": re.search(r"name:\s*'([^']+)'", block).group(1),
                                  "partitions": int(re.search(r"partitions:\s*(\d+)", block).group(1)),
                                  "laned": "laneOf:" in block, "config": config}
    topics_ts = (contracts / "topics.ts").read_text()
    listed = re.findall(r"^\s*([A-Z_]+),", re.search(r"export const TOPICS = \[(.*?)\]", topics_ts, re.S).group(1), re.M)
    check(listed and all(c in definitions for c in listed), f"TOPICS {listed} not all found in libs/contracts/src/events")
    expected = [definitions[c] for c in listed]
    outbound = next(d for d in expected if d["name"] == "sms.outbound.v1")
    expected = [d for d in expected if d is not outbound]
    actual = [{"name": t["name"], "partitions": t["partitions"], "laned": t.get("laned", False), "config": t.get("config", {})}
              for t in spec["topics"]]
    hint = "\n".join(f"  - {{ name: {d['name']}, partitions: {d['partitions']}{', laned: true' if d['laned'] else ''}"
                     f"{', config: ' + json.dumps(d['config']) if d['config'] else ''} }}" for d in expected)
    check(actual == expected, f"files/topics.yaml topics differ from libs/contracts TOPICS; expected:\n{hint}")
    check(spec["outbound"]["partitions"] == outbound["partitions"] and spec["outbound"].get("laned", False) == outbound["laned"], "outbound")
    outbound_ts = (contracts / "events" / "sms-outbound.event.ts").read_text()
    check(f"SMS_OUTBOUND_PREFIX = '{spec['outbound']['prefix']}'" in outbound_ts, "outbound prefix")
    lanes_ts = (contracts / "lanes.ts").read_text()
    common_ts = (contracts / "events" / "common.ts").read_text()
    classes = re.findall(r"'([^']+)'", re.search(r"PRIORITY_CLASSES = \[(.*?)\]", common_ts, re.S).group(1))
    default = re.search(r"DEFAULT_PRIORITY_CLASS: PriorityClass = '([^']+)'", common_ts).group(1)
    check("LANES: readonly Lane[] = PRIORITY_CLASSES" in lanes_ts and "`${base}.${lane}`" in lanes_ts, "lane naming changed in lanes.ts")
    check(spec["lanes"] == [c for c in classes if c != default], f"lanes {spec['lanes']} != {classes} without {default}")
    groups = re.search(r"CONSUMER_GROUPS = \[(.*?)\]", topics_ts, re.S).group(1)
    check(re.findall(r"'([^']+)'", groups) == spec["consumerGroups"], "consumer groups differ from libs/contracts/src/topics.ts")
    check(f"`{spec['retry']['prefix']}${{consumerGroup}}`" in topics_ts, "retry topic prefix")
    provisioning = (ROOT / "libs" / "messaging" / "src" / "topic-provisioning.ts").read_text()
    check(f"RETRY_TOPIC_PARTITIONS = {spec['retry']['partitions']};" in provisioning, "retry partitions")


@test
def env_names_exist_in_code():
    """Every environment variable the chart sets is read somewhere in the code."""
    sources = "\n".join(p.read_text() for d in ("apps", "libs", "scripts") for p in (ROOT / d).rglob("*.ts")
                        if "node_modules" not in p.parts and "generated" not in p.parts)
    names = set()
    carrier_envs = set()
    for path in SCENARIOS:
        values = yaml.safe_load(path.read_text()) or {}
        carrier_envs |= {s["env"] for s in values.get("carrierSecrets", [])}
        docs = render([path])
        for w in of_kind(docs, "Deployment") + of_kind(docs, "Job"):
            for c in containers(w):
                names |= set(env_of(c))
        for cm in of_kind(docs, "ConfigMap"):
            if name(cm) == full("env"):
                names |= set(cm["data"])
    names -= carrier_envs | {"NODE_OPTIONS", "NODE_EXTRA_CA_CERTS"}  # Node's own; carriers' from the config file
    names = {n for n in names if not n.startswith("OTEL_")}  # OpenTelemetry's standard variables, read by its SDK
    missing = sorted(n for n in names if not re.search(rf"\b{n}\b", sources))
    check(not missing, f"the chart sets variables no code reads: {missing}")


@test
def values_schema_is_generated():
    rc = subprocess.run([sys.executable, str(ROOT / "scripts/chart/values-schema.py"), "--check", str(CHART / "values.schema.json")],
                        capture_output=True, text=True)
    check(rc.returncode == 0, rc.stderr.strip())


@test
def values_yaml_documents_every_key():
    """Every key of values.yaml is in the schema (additionalProperties false would refuse it otherwise)
    and every schema property of a component is in values.yaml (no hidden knobs)."""
    schema = json.loads((CHART / "values.schema.json").read_text())
    values = yaml.safe_load((CHART / "values.yaml").read_text())
    removed = {"brokers", "url", "carriers"}

    def walk(node, props, path):
        for key in props:
            if key in removed and path in ("kafka", "database", "smppConnector"):
                continue
            if key == "global":
                continue
            check(key in node, f"values.yaml lacks {path + '.' if path else ''}{key} (in the schema)")

    walk(values, schema["properties"], "")
    for component in ["ingress", "policy", "routing", "smppConnector", "snsConnector", "dlr", "accounting", "allInOne"]:
        props = schema["properties"][component]["properties"]
        optional = {"terminationGracePeriodSeconds"}
        walk(values[component], [k for k in props if k not in optional], component)


def main():
    global HELM
    parser = argparse.ArgumentParser()
    parser.add_argument("--helm", default="helm")
    parser.add_argument("-k", default="", help="run the tests whose name contains this")
    args = parser.parse_args()
    HELM = args.helm
    passed = failed = 0
    started = time.monotonic()
    for fn in TESTS:
        label = fn.__name__.replace("_", " ") if " " not in fn.__name__ else fn.__name__
        if args.k and args.k not in label:
            continue
        t = time.monotonic()
        try:
            fn()
        except Exception as error:  # noqa: BLE001 - a test's failure, whatever it is
            failed += 1
            print(f"FAIL {label} ({time.monotonic() - t:.1f}s)\n     {error}", flush=True)
        else:
            passed += 1
            print(f"ok   {label} ({time.monotonic() - t:.1f}s)", flush=True)
    total = ""
    if os.environ.get("CHART_STARTED_NS", "").isdigit():
        total = f", {(time.time_ns() - int(os.environ['CHART_STARTED_NS'])) / 1e9:.1f}s with tool installation"
    print(f"[chart] tests took {time.monotonic() - started:.1f}s{total}")
    print(f"chart: {passed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
