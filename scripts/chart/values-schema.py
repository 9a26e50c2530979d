#!/usr/bin/env python3
"""Generates charts/tuxhat/values.schema.json (JSON Schema draft-07 of the chart's values).

The schema is written here, in Python, because most of it is repetition (seven components with
the same keys, Kubernetes shapes used in many places) that hand-written JSON would let drift.
Every object refuses unknown keys (additionalProperties: false), except the inner rules of
Kubernetes affinity, which are passed through and validated by the API server.

  python3 scripts/chart/values-schema.py > charts/tuxhat/values.schema.json \
    && npx prettier --write charts/tuxhat/values.schema.json
  python3 scripts/chart/values-schema.py --check charts/tuxhat/values.schema.json   # drift test

The gateway config part mirrors libs/config/src/gateway-config.schema.ts, except that secrets
can only be references ({ env: NAME }).
"""
import copy
import json
import sys

def obj(props, required=None, desc=None, **kw):
    o = {"type": "object", "additionalProperties": False, "properties": props}
    if required: o["required"] = required
    if desc: o["description"] = desc
    o.update(kw)
    return o
def s(desc=None, **kw):
    o = {"type": "string"}; o.update(kw)
    if desc: o["description"] = desc
    return o
def i(desc=None, **kw):
    o = {"type": "integer"}; o.update(kw)
    if desc: o["description"] = desc
    return o
def b(desc=None):
    o = {"type": "boolean"}
    if desc: o["description"] = desc
    return o
def arr(items, desc=None, **kw):
    o = {"type": "array", "items": items}; o.update(kw)
    if desc: o["description"] = desc
    return o
def ref(name, desc=None):
    o = {"$ref": f"#/definitions/{name}"}
    if desc: o = {"allOf": [o], "description": desc}
    return o
def nullable(schema):
    t = schema.get("type")
    schema = copy.deepcopy(schema)
    if isinstance(t, str): schema["type"] = [t, "null"]
    return schema

SLUG = "^[a-z0-9][a-z0-9-]{0,62}$"
defs = {}
defs["stringMap"] = {"type": "object", "additionalProperties": {"type": "string"}, "description": "A map of strings (labels, annotations)."}
defs["quantity"] = {"type": ["string", "number"], "pattern": "^[0-9.]+([eE][-+]?[0-9]+|[munkMGTPE]i?)?$", "description": "A Kubernetes quantity, e.g. 100m, 256Mi, 1."}
resList = obj({"cpu": ref("quantity"), "memory": ref("quantity"), "ephemeral-storage": ref("quantity")},
              patternProperties={"^hugepages-": ref("quantity")})
defs["resources"] = obj({"requests": resList, "limits": resList}, desc="Container resources (requests/limits of cpu, memory, ephemeral-storage).")
defs["labelSelector"] = obj({
    "matchLabels": ref("stringMap"),
    "matchExpressions": arr(obj({"key": s(), "operator": s(enum=["In", "NotIn", "Exists", "DoesNotExist"]), "values": arr(s())}, ["key", "operator"])),
}, desc="A Kubernetes label selector.")
defs["peer"] = obj({
    "ipBlock": obj({"cidr": s("An IPv4/IPv6 CIDR, e.g. 10.20.0.0/24."), "except": arr(s())}, ["cidr"]),
    "namespaceSelector": ref("labelSelector"),
    "podSelector": ref("labelSelector"),
}, desc="A NetworkPolicy peer: ipBlock, or namespaceSelector and/or podSelector.", minProperties=1)
intOrString = {"type": ["integer", "string"]}
defs["npPort"] = obj({"port": intOrString, "endPort": i(minimum=1, maximum=65535), "protocol": s(enum=["TCP", "UDP", "SCTP"])}, desc="A NetworkPolicy port.")
defs["ingressRule"] = obj({"from": arr(ref("peer")), "ports": arr(ref("npPort"))}, desc="A NetworkPolicyIngressRule.")
defs["egressRule"] = obj({"to": arr(ref("peer")), "ports": arr(ref("npPort"))}, desc="A NetworkPolicyEgressRule.")
keyRef = obj({"name": s(), "key": s(), "optional": b()}, ["key"])
defs["envVar"] = obj({
    "name": s(minLength=1), "value": s(),
    "valueFrom": obj({
        "secretKeyRef": keyRef, "configMapKeyRef": keyRef,
        "fieldRef": obj({"fieldPath": s(), "apiVersion": s()}, ["fieldPath"]),
        "resourceFieldRef": obj({"resource": s(), "containerName": s(), "divisor": ref("quantity")}, ["resource"]),
    }),
}, ["name"], desc="A Kubernetes EnvVar.")
defs["toleration"] = obj({"key": s(), "operator": s(enum=["Exists", "Equal"]), "value": s(),
                          "effect": s(enum=["NoSchedule", "PreferNoSchedule", "NoExecute", ""]), "tolerationSeconds": i()})
defs["affinity"] = obj({"nodeAffinity": {"type": "object"}, "podAffinity": {"type": "object"}, "podAntiAffinity": {"type": "object"}},
                       desc="Kubernetes affinity; the inner rules are passed through as is (the API server validates them).")
defs["topologySpreadConstraint"] = obj({
    "maxSkew": i(minimum=1), "topologyKey": s(), "whenUnsatisfiable": s(enum=["DoNotSchedule", "ScheduleAnyway"]),
    "labelSelector": ref("labelSelector"), "matchLabelKeys": arr(s()), "minDomains": i(minimum=1),
    "nodeAffinityPolicy": s(enum=["Honor", "Ignore"]), "nodeTaintsPolicy": s(enum=["Honor", "Ignore"]),
}, ["maxSkew", "topologyKey", "whenUnsatisfiable"])
defs["probe"] = {"type": ["object", "null"], "additionalProperties": False, "description": "A Kubernetes probe; {} or null: none.", "properties": {
    "httpGet": obj({"path": s(), "port": intOrString, "host": s(), "scheme": s(enum=["HTTP", "HTTPS"]),
                    "httpHeaders": arr(obj({"name": s(), "value": s()}, ["name", "value"]))}, ["port"]),
    "tcpSocket": obj({"port": intOrString, "host": s()}, ["port"]),
    "exec": obj({"command": arr(s(), minItems=1)}, ["command"]),
    "grpc": obj({"port": i(minimum=1, maximum=65535), "service": s()}, ["port"]),
    "initialDelaySeconds": i(minimum=0), "periodSeconds": i(minimum=1), "timeoutSeconds": i(minimum=1),
    "successThreshold": i(minimum=1), "failureThreshold": i(minimum=1), "terminationGracePeriodSeconds": i(minimum=1),
}}
defs["probes"] = obj({"startup": ref("probe"), "readiness": ref("probe"), "liveness": ref("probe")},
                     desc="startup, readiness and liveness probes of the container.")
defs["autoscaling"] = obj({
    "enabled": b("A HorizontalPodAutoscaler (autoscaling/v2) instead of a fixed replica count."),
    "minReplicas": i(minimum=1), "maxReplicas": i(minimum=1),
    "targetCPUUtilizationPercentage": nullable(i("Average CPU utilisation target (% of requests); null: none.", minimum=1)),
    "targetMemoryUtilizationPercentage": nullable(i("Average memory utilisation target (% of requests); null: none.", minimum=1)),
}, desc="Horizontal pod autoscaling.",
   **{"if": {"properties": {"enabled": {"const": True}}, "required": ["enabled"]}, "then": {"required": ["minReplicas", "maxReplicas"]}})
defs["consumerAutoscaling"] = copy.deepcopy(defs["autoscaling"])
defs["consumerAutoscaling"]["description"] = "Horizontal pod autoscaling of a Kafka consumer: on CPU/memory and on the consumer group's lag."
defs["consumerAutoscaling"]["properties"]["kafkaLag"] = obj({
    "enabled": b("Scale on the External metric tuxhat_kafka_consumer_lag{group=<the component's consumer group>} (served by an adapter)."),
    "averageValue": {"type": ["integer", "string"], "description": "Lag per pod to aim for (a quantity)."},
}, ["enabled"], desc="Autoscaling on Kafka consumer lag.")
defs["pdb"] = obj({
    "enabled": b("A PodDisruptionBudget for the component."),
    "maxUnavailable": {"type": ["integer", "string", "null"], "description": "Pods that may be down at once (number or %)."},
    "minAvailable": {"type": ["integer", "string", "null"], "description": "Pods that must stay up; when set it replaces maxUnavailable."},
})
defs["serviceAccount"] = obj({
    "create": b("Create a ServiceAccount (its token is never mounted)."),
    "name": s("Name to use; empty: <fullname>-<component> when created, else default."),
    "annotations": ref("stringMap"),
})
defs["apiService"] = obj({
    "type": s(enum=["ClusterIP", "NodePort", "LoadBalancer"]),
    "annotations": ref("stringMap"),
    "httpPort": i(minimum=1, maximum=65535), "grpcPort": i(minimum=1, maximum=65535),
    "loadBalancerSourceRanges": arr(s()),
    "externalTrafficPolicy": s(enum=["", "Cluster", "Local"]),
}, desc="The Service in front of the REST and gRPC API.")
defs["apiPorts"] = obj({"http": i(minimum=1, maximum=65535), "grpc": i(minimum=1, maximum=65535)},
                       desc="Container ports of the REST (HTTP_PORT) and gRPC (GRPC_PORT) API.")
defs["topicConfig"] = {"type": "object", "description": "Kafka topic configs (name: value).",
                       "propertyNames": {"pattern": "^[a-z][a-z0-9.]*$"}, "additionalProperties": {"type": ["string", "number", "boolean"]}}
defs["secretRef"] = obj({"env": s("Name of the environment variable holding the value (see carrierSecrets).", pattern="^[A-Z_][A-Z0-9_]*$")}, ["env"],
                        desc="A secret by reference only ({ env: NAME }); the chart refuses inline secrets.")
LOG_LEVELS = ["fatal", "error", "warn", "log", "debug", "verbose"]

def component(extra, np_extra, desc, base_keys=None, autoscaling="autoscaling"):
    props = {
        "replicaCount": i("Pods (ignored while autoscaling.enabled).", minimum=0),
        "resources": ref("resources"),
        "autoscaling": ref(autoscaling),
        "pdb": ref("pdb"),
        "probes": ref("probes"),
        "logLevel": s("LOG_LEVEL of this component; empty: logLevel.", enum=[""] + LOG_LEVELS),
        "extraEnv": arr(ref("envVar"), "Extra environment variables."),
        "podAnnotations": ref("stringMap"), "podLabels": ref("stringMap"),
        "nodeSelector": ref("stringMap"), "tolerations": arr(ref("toleration")), "affinity": ref("affinity"),
        "topologySpreadConstraints": arr(ref("topologySpreadConstraint"), "Replace the generated spread constraints."),
        "priorityClassName": s(),
        "terminationGracePeriodSeconds": nullable(i(minimum=0)),
        "serviceAccount": ref("serviceAccount"),
        "networkPolicy": obj(dict({"extraIngress": arr(ref("ingressRule"), "Extra ingress rules."),
                                   "extraEgress": arr(ref("egressRule"), "Extra egress rules.")}, **np_extra),
                             desc="This component's additions to its NetworkPolicy."),
    }
    if base_keys is not None:
        props = {k: v for k, v in props.items() if k in base_keys}
    props.update(extra)
    return obj(props, desc=desc)

apiFrom = {"apiFrom": arr(ref("peer"), "Who may call the REST/gRPC API; empty: anyone.")}
carrierEgress = lambda d: {"carrierEgress": arr(ref("egressRule"), d)}
CURRENCY = s("ACCOUNTING_CURRENCY: ISO 4217 code.", pattern="^[A-Z]{3}$")

shard = obj({
    "name": s("Shard name: SMPP_SHARD, the consumer group smpp-connector.<name>, the Deployment <fullname>-smpp-connector-<name>.",
              pattern="^[a-z0-9]([a-z0-9-]{0,18}[a-z0-9])?$"),
    "carriers": arr(s(pattern=SLUG), "Carrier ids this shard's pods hold binds for (SMPP_CARRIERS).", minItems=1, uniqueItems=True),
    "replicas": i("Pods of this shard (pods x bindsPerPod must stay within each carrier's bind limit).", minimum=1),
    "autoscaling": ref("consumerAutoscaling"),
    "resources": ref("resources"),
    "networkPolicy": obj({"egress": arr(ref("egressRule"), "Egress to this shard's carriers.")}),
}, ["name", "carriers"], desc="A set of SMPP carriers served by one Deployment.")

removed = lambda d: {"description": d}

props = {}
props["global"] = {"type": "object", "description": "Helm's global values (not used by this chart)."}
props["mode"] = s("cluster: one Deployment per service over Kafka; allInOne: the single-process gateway.", enum=["cluster", "allInOne"])
props["nameOverride"] = s("Replaces the chart name in resource names and app.kubernetes.io/name.")
props["fullnameOverride"] = s("Replaces the resource name prefix (<release>-tuxhat).")
props["commonLabels"] = dict(ref("stringMap"), description="Labels added to every resource.")
props["image"] = obj({
    "repository": s("Image built from deploy/docker/Dockerfile.", minLength=1),
    "tag": s("Image tag; empty: the chart's appVersion."),
    "digest": s("sha256:<64 hex>; wins over tag.", pattern="^(sha256:[a-f0-9]{64})?$"),
    "pullPolicy": s("Kubernetes imagePullPolicy.", enum=["Always", "IfNotPresent", "Never"]),
}, ["repository"], desc="The gateway image (one image for every process).")
props["imagePullSecrets"] = arr(s(minLength=1), "Names of existing docker-registry Secrets.")
props["logLevel"] = s("LOG_LEVEL of every process.", enum=LOG_LEVELS)
props["logFormat"] = s("LOG_FORMAT.", enum=["json", "text"])
props["logRedact"] = b("LOG_REDACT: secrets and message text replaced by [redacted] in logs.")
props["kafka"] = obj({
    "bootstrapServers": arr(s(pattern="^[^\\s,]+:[0-9]{1,5}$"), "KAFKA_BROKERS: host:port of the bootstrap servers (cluster mode)."),
    "tls": obj({"enabled": b("KAFKA_SSL: TLS to the brokers.")}),
    "sasl": obj({"enabled": b("Not supported by the services yet: true fails with a hint.")}),
    "topics": obj({
        "provisioner": s("job | strimzi | none.", enum=["job", "strimzi", "none"]),
        "replicationFactor": nullable(i("Replication factor of new topics; null: broker default (job) or 3 (strimzi).", minimum=1)),
        "partitions": {"type": "object", "description": "Partition counts by topic name (a laned topic's lanes follow its name).",
                       "propertyNames": {"pattern": "^[a-z0-9][a-z0-9._-]*$"}, "additionalProperties": {"type": "integer", "minimum": 1}},
        "config": ref("topicConfig", "Topic configuration (Kafka topic configs, e.g. retention.ms) of every topic."),
        "topicConfig": {"type": "object", "description": "Topic configuration by topic name, over config.",
                        "propertyNames": {"pattern": "^[a-z0-9][a-z0-9._-]*$"}, "additionalProperties": ref("topicConfig")},
        "strimzi": obj({
            "clusterName": s("The Kafka resource's name."),
            "namespace": s("Namespace of the KafkaTopics (the topic operator's); empty: the release's."),
            "apiVersion": s(enum=["kafka.strimzi.io/v1beta2", "kafka.strimzi.io/v1"]),
            "config": removed("Moved to kafka.topics.config (setting it fails with a hint)."),
        }),
    }),
    "brokers": removed("Renamed: use kafka.bootstrapServers (setting it fails with a hint)."),
})
props["database"] = obj({
    "existingSecret": s("Existing Secret with the PostgreSQL URL (required in cluster mode)."),
    "urlKey": s("Key of the Secret holding the URL.", minLength=1),
    "poolSize": i("DATABASE_POOL_SIZE.", minimum=1, maximum=100),
    "url": removed("Not supported (a URL holds a password): use database.existingSecret (setting it fails with a hint)."),
})
props["trustedCa"] = obj({"secretName": s("Existing Secret with extra CA certificates (NODE_EXTRA_CA_CERTS)."),
                         "key": s("Key of the Secret holding the PEM bundle.", minLength=1)},
                        desc="Extra CA certificates every process trusts (Kafka/PostgreSQL TLS with a private CA).")
tenant = obj({
    "id": s(pattern=SLUG), "name": s(minLength=1, maxLength=128), "status": s(enum=["active", "suspended"]),
    "apiKeys": arr(obj({
        "name": s(minLength=1, maxLength=64),
        "prefix": s("The key's public part (node dist/scripts/api-key.js).", pattern="^thk_[a-z0-9]{8}$"),
        "sha256": s("SHA-256 of the key, 64 hex digits; keys are never configured in clear.", pattern="^[0-9a-f]{64}$"),
        "scopes": arr(s(enum=["send", "read"])),
    }, ["name", "prefix", "sha256"])),
}, ["id", "name"])
smpp = obj({
    "host": s(minLength=1), "port": i(minimum=1, maximum=65535), "systemId": s("SMPP 3.4: at most 15 characters.", minLength=1, maxLength=15),
    "password": ref("secretRef"), "systemType": s(maxLength=13),
    "bindMode": s(enum=["transceiver", "transmitter", "receiver"]),
    "windowSize": i(minimum=1, maximum=1000), "enquireLinkSeconds": i(minimum=5, maximum=600),
    "responseTimeoutMs": i(minimum=100, maximum=120000),
}, ["host", "port", "systemId", "password"])
sns = obj({
    "region": s(minLength=1), "endpoint": s(format="uri"), "accessKeyId": ref("secretRef"), "secretAccessKey": ref("secretRef"),
    "senderId": s(maxLength=11), "smsType": s(enum=["Transactional", "Promotional"]),
}, ["region"])
carrier = obj({
    "id": s(pattern=SLUG), "name": s(minLength=1, maxLength=128), "kind": s(enum=["smpp", "sns"]), "enabled": b(),
    "smpp": smpp, "sns": sns,
}, ["id", "name", "kind"], allOf=[
    {"if": {"properties": {"kind": {"const": "smpp"}}, "required": ["kind"]}, "then": {"required": ["smpp"], "not": {"required": ["sns"]}}},
    {"if": {"properties": {"kind": {"const": "sns"}}, "required": ["kind"]}, "then": {"required": ["sns"], "not": {"required": ["smpp"]}}},
])
route = obj({
    "id": s(pattern=SLUG), "priority": i(minimum=0), "carrier": s(pattern=SLUG), "tenant": s(pattern=SLUG),
    "destinationPrefix": s(pattern="^\\+\\d{1,15}$"),
}, ["id", "priority", "carrier"])
props["gatewayConfig"] = obj({
    "existingConfigMap": s("Existing ConfigMap with key tuxhat.yaml instead of the lists below."),
    "tenants": arr(tenant), "carriers": arr(carrier), "routes": arr(route),
}, desc="The gateway config file (tenants, carriers, routes); secrets by reference only.")
props["carrierSecrets"] = arr(obj({
    "env": s("The variable named by { env: NAME } in a carrier.", pattern="^[A-Z_][A-Z0-9_]*$"),
    "secretName": s("Existing Secret.", minLength=1), "key": s("Key in that Secret.", minLength=1),
}, ["env", "secretName", "key"]), "Carrier secrets, each an environment variable from an existing Secret.")
props["securityContext"] = obj({
    "runAsUser": nullable(i("UID of every container (the image's is 10001); null: the platform's.", minimum=1)),
    "runAsGroup": nullable(i("GID of every container; null: the platform's.", minimum=1)),
    "fsGroup": nullable(i("Group owning mounted volumes (the all-in-one data volume); null: none.", minimum=1)),
}, desc="User/group ids of every pod; the hardening itself is not configurable.")
props["defaults"] = obj({
    "podAnnotations": ref("stringMap"), "podLabels": ref("stringMap"), "nodeSelector": ref("stringMap"),
    "tolerations": arr(ref("toleration")), "affinity": ref("affinity"), "priorityClassName": s(),
    "terminationGracePeriodSeconds": i(minimum=0), "tmpSizeLimit": ref("quantity"),
    "topologySpread": obj({
        "enabled": b(), "maxSkew": i(minimum=1), "whenUnsatisfiable": s(enum=["DoNotSchedule", "ScheduleAnyway"]),
        "topologyKeys": arr(s(minLength=1)),
    }),
}, desc="Defaults for every pod.")
props["ingress"] = component({"ports": ref("apiPorts"), "service": ref("apiService"),
                              "preStopSleepSeconds": i("preStop sleep before termination; 0: none.", minimum=0, maximum=120)},
                             apiFrom, "The ingress service: REST and gRPC API for tenants.")
for name, d in [("policy", "The policy service (Kafka consumer)."), ("routing", "The routing service (Kafka consumer)."),
                ("dlr", "The dlr service (Kafka consumer).")]:
    props[name] = component({}, {}, d, autoscaling="consumerAutoscaling")
props["accounting"] = component({"currency": CURRENCY}, {}, "The accounting service (Kafka consumer).", autoscaling="consumerAutoscaling")
props["smppConnector"] = component({
    "bindsPerPod": i("Binds one pod opens to each carrier it holds (1 with the current connector).", minimum=1),
    "bindLimits": {"type": "object", "description": "Most simultaneous binds each carrier accepts, by carrier id.",
                   "propertyNames": {"pattern": SLUG}, "additionalProperties": {"type": "integer", "minimum": 1}},
    "defaultBindLimit": i("Bind limit of carriers not in bindLimits.", minimum=1),
    "shards": arr(shard, "One Deployment per shard; empty: one Deployment holding every SMPP carrier."),
    "updateStrategy": s("RollingUpdate (maxSurge 0) or Recreate.", enum=["RollingUpdate", "Recreate"]),
    "readyWhen": s("SMPP_READY_WHEN: ready when every held carrier has a bind up (all), at least one (any), or whatever the binds (always).",
                   enum=["all", "any", "always"]),
    "carriers": removed("Replaced by smppConnector.shards (setting it fails with a hint)."),
}, carrierEgress("Egress to the carriers' SMSCs for every smpp-connector pod."), "The SMPP connector: binds to carriers' SMSCs.",
   autoscaling="consumerAutoscaling")
props["snsConnector"] = component({
    "carriers": arr(s(pattern=SLUG), "SNS_CARRIERS; empty: every enabled SNS carrier.", uniqueItems=True),
}, carrierEgress("Egress to AWS SNS (HTTPS)."), "The AWS SNS connector.", autoscaling="consumerAutoscaling")
props["allInOne"] = component({
    "simulator": obj({
        "enabled": {"type": ["boolean", "null"], "description": "SIMULATOR; null: the gateway's default (on only without a config file)."},
        "port": i(minimum=1, maximum=65535), "deliveryDelayMs": i(minimum=0, maximum=600000),
    }),
    "currency": CURRENCY,
    "persistence": obj({
        "enabled": b("A PersistentVolumeClaim for TUXHAT_DATA_DIR (embedded PGlite)."),
        "existingClaim": s(), "storageClass": nullable(s()),
        "accessModes": arr(s(enum=["ReadWriteOnce", "ReadWriteOncePod", "ReadWriteMany"]), minItems=1),
        "size": ref("quantity"), "annotations": ref("stringMap"),
    }),
    "ports": obj(dict(copy.deepcopy(defs["apiPorts"]["properties"]), admin=i("ADMIN_PORT: the admin API.", minimum=1, maximum=65535)),
                 desc="Container ports of the REST (HTTP_PORT), gRPC (GRPC_PORT) and admin (ADMIN_PORT) APIs."),
    "service": obj(dict(copy.deepcopy(defs["apiService"]["properties"]), adminPort=i("Service port of the admin API.", minimum=1, maximum=65535)),
                   desc="The Service in front of the REST, gRPC and admin APIs."),
    "preStopSleepSeconds": i(minimum=0, maximum=120),
}, dict(apiFrom, adminFrom=arr(ref("peer"), "Who may call the admin API; empty: anyone."),
        **carrierEgress("Egress to carriers (SMPP SMSCs, AWS SNS).")),
   "The all-in-one gateway (mode allInOne).",
   base_keys={"resources", "probes", "logLevel", "extraEnv", "podAnnotations", "podLabels", "nodeSelector", "tolerations",
              "affinity", "priorityClassName", "terminationGracePeriodSeconds", "serviceAccount", "networkPolicy"})
props["jobs"] = obj({
    "ttlSecondsAfterFinished": i("Finished Jobs are deleted after this many seconds.", minimum=0),
    "backoffLimit": i("Retries of a failed Job pod.", minimum=0),
    "activeDeadlineSeconds": i("A Job running longer fails, and so does the install/upgrade.", minimum=1),
    "resources": ref("resources"), "podAnnotations": ref("stringMap"), "nodeSelector": ref("stringMap"),
    "tolerations": arr(ref("toleration")),
    "migrate": obj({"enabled": b("Run the migrate hook Job."), "migrationsDir": s("TUXHAT_MIGRATIONS_DIR; empty: the image's.")}),
    "seed": obj({"enabled": b("Run the seed hook Job.")}),
}, desc="Helm hook Jobs of cluster mode.")
props["metrics"] = obj({
    "port": i("OPS_PORT: the ops endpoint of every process (/metrics, /health/live, /health/ready).", minimum=1, maximum=65535),
    "path": s("HTTP path Prometheus scrapes.", pattern="^/"),
    "tenantLabel": b("METRICS_TENANT_LABEL: message metrics labelled by tenant (false: \"-\")."),
    "kafkaLagIntervalSeconds": i("How often consumers read their group's lag (KAFKA_LAG_INTERVAL_MS / 1000); 0: never.", minimum=0, maximum=3600),
    "serviceMonitor": obj({"enabled": b("A metrics Service and ServiceMonitor per component (Prometheus Operator)."),
                           "interval": s(pattern="^[0-9]+(ms|s|m|h)$"), "scrapeTimeout": s(pattern="^[0-9]+(ms|s|m|h)$"),
                           "labels": ref("stringMap")}),
    "networkPolicyFrom": arr(ref("peer"), "Who may scrape; empty: anyone."),
    "grafanaDashboards": obj({
        "enabled": b("The dashboards of deploy/grafana as ConfigMaps for Grafana's dashboard sidecar."),
        "labels": ref("stringMap"), "annotations": ref("stringMap"),
        "namespace": s("Namespace of the ConfigMaps; empty: the release's."),
    }),
}, desc="Metrics and health endpoints (the ops port) and their scraping.")
props["tracing"] = obj({
    "enabled": b("OpenTelemetry tracing (false: OTEL_SDK_DISABLED=true)."),
    "otlpEndpoint": s("OTEL_EXPORTER_OTLP_ENDPOINT: OTLP/HTTP collector base URL; empty: spans are not exported.", pattern="^(https?://.+)?$"),
    "sampler": s("OTEL_TRACES_SAMPLER.", enum=["parentbased_always_on", "parentbased_always_off", "parentbased_traceidratio",
                                                  "always_on", "always_off", "traceidratio"]),
    "samplerArg": s("OTEL_TRACES_SAMPLER_ARG, e.g. 0.1; empty: none.", pattern="^([01](\\.[0-9]+)?)?$"),
    "headersSecret": obj({"name": s("Existing Secret with OTEL_EXPORTER_OTLP_HEADERS; empty: none."), "key": s(minLength=1)}),
    "resourceAttributes": dict(ref("stringMap"), description="OTEL_RESOURCE_ATTRIBUTES."),
}, desc="OpenTelemetry traces across services (Kafka headers carry the context).")
props["admin"] = component({
    "enabled": b("Deploy the admin API (cluster mode)."),
    "bootstrapKey": obj({
        "existingSecret": s("Existing Secret with an admin key (tha_...), mounted as ADMIN_BOOTSTRAP_KEY_FILE; empty: none."),
        "key": s("Key of that Secret.", minLength=1),
        "name": s("ADMIN_BOOTSTRAP_KEY_NAME: the audit actor of its changes.", pattern="^[A-Za-z0-9][A-Za-z0-9 ._@-]{0,63}$"),
    }),
    "port": i("Container port of the admin API (HTTP_PORT).", minimum=1, maximum=65535),
    "service": obj({
        "type": s(enum=["ClusterIP", "NodePort", "LoadBalancer"]), "annotations": ref("stringMap"),
        "httpPort": i(minimum=1, maximum=65535), "loadBalancerSourceRanges": arr(s()),
        "externalTrafficPolicy": s(enum=["", "Cluster", "Local"]),
    }, desc="The Service in front of the admin API."),
    "preStopSleepSeconds": i("preStop sleep before termination; 0: none.", minimum=0, maximum=120),
}, {"apiFrom": arr(ref("peer"), "Who may call the admin API; empty: anyone.")}, "The admin API (operators).")
props["networkPolicy"] = obj({
    "enabled": b("One NetworkPolicy per component and one for the hook Jobs."),
    "dns": obj({"to": arr(ref("peer"), minItems=1), "ports": arr(ref("npPort"), minItems=1)}),
    "kafka": obj({"to": arr(ref("peer"), "Empty: any address on the ports."), "ports": arr(ref("npPort"), minItems=1)}),
    "database": obj({"to": arr(ref("peer"), "Empty: any address on the ports."), "ports": arr(ref("npPort"), minItems=1)}),
    "tracing": obj({"to": arr(ref("peer"), "The OTLP collector; empty: any address on the ports."), "ports": arr(ref("npPort"), minItems=1)}),
})

schema = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "TuxHat SMS Gateway chart values",
    "description": "Values of charts/tuxhat; values.yaml documents each key. Unknown keys are refused everywhere.",
    "type": "object",
    "additionalProperties": False,
    "properties": props,
    "required": ["mode", "image", "kafka", "database", "gatewayConfig", "allInOne"],
    "allOf": [{
        "description": "mode allInOne needs storage for its database: allInOne.persistence.enabled (embedded PGlite on a PVC) or database.existingSecret (PostgreSQL).",
        "if": {"properties": {"mode": {"const": "allInOne"}}, "required": ["mode"]},
        "then": {"anyOf": [
            {"properties": {"allInOne": {"properties": {"persistence": {"properties": {"enabled": {"const": True}}, "required": ["enabled"]}}, "required": ["persistence"]}}},
            {"properties": {"database": {"properties": {"existingSecret": {"minLength": 1}}, "required": ["existingSecret"]}}},
        ]},
    }],
    "definitions": defs,
}


def main(argv):
    if len(argv) == 3 and argv[1] == "--check":
        with open(argv[2]) as f:
            current = json.load(f)
        if current != schema:
            print(f"{argv[2]} differs from scripts/chart/values-schema.py: regenerate it (see the docstring)", file=sys.stderr)
            return 1
        return 0
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    print(json.dumps(schema, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
