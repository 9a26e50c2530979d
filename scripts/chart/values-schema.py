#!/usr/bin/env python3
"""Generates charts/tuxhat/values.schema.json (JSON Schema draft-07 of the chart's values).

The schema is written here, in Python, because most of it is repetition (seven components with
the same keys, Kubernetes shapes used in many places) that hand-written JSON would let drift.
Every object refuses unknown keys (additionalProperties: false), except the inner rules of
Kubernetes affinity, which are passed through and validated by the API server.

The gateway config part (gatewayConfig's tenants, carriers, routes) is not written here: it is
generated from the code, libs/config's zod schemas, by scripts/chart/gateway-config-schema.mjs
(z.toJSONSchema, run with Node 24 on the TypeScript sources; nothing to build), then shaped for
the chart (see "the gateway config part" below): secrets by reference only ({ env: NAME }),
unknown keys refused, a description for every key.

  source scripts/env.sh   # Node 24 on PATH
  python3 scripts/chart/values-schema.py > charts/tuxhat/values.schema.json \
    && npx prettier --write charts/tuxhat/values.schema.json
  python3 scripts/chart/values-schema.py --check charts/tuxhat/values.schema.json   # drift test

--check fails when values.schema.json is not what this script generates now: after a change
here, and after a change of libs/config's gateway config schema. The generator itself fails when
libs/config gains a key GATEWAY_DESCRIPTIONS does not describe, or loses one it does.
"""
import copy
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

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
    "tls": obj({
        "enabled": b("KAFKA_SSL: TLS to the brokers."),
        "clientCertificate": obj({
            "existingSecret": s("Existing Secret with the client certificate and key (PEM) for mutual TLS; empty: none."),
            "certKey": s("Key of that Secret holding the certificate (KAFKA_SSL_CERT_FILE).", minLength=1),
            "keyKey": s("Key of that Secret holding the private key (KAFKA_SSL_KEY_FILE).", minLength=1),
            "keyPasswordKey": s("Key of that Secret holding the private key's password (KAFKA_SSL_KEY_PASSWORD_FILE); empty: not encrypted."),
        }),
    }),
    "sasl": obj({
        "mechanism": s("KAFKA_SASL_MECHANISM; empty: no SASL.", enum=["", "plain", "scram-sha-256", "scram-sha-512"]),
        "username": s("KAFKA_SASL_USERNAME (required with a mechanism)."),
        "existingSecret": s("Existing Secret holding the SASL password (mounted as KAFKA_SASL_PASSWORD_FILE; required with a mechanism)."),
        "passwordKey": s("Key of that Secret holding the password.", minLength=1),
        "enabled": removed("Replaced by kafka.sasl.mechanism, username and existingSecret (setting it fails with a hint)."),
    }),
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
# libs/runtime/src/retention.ts: MIN_RETENTION_DAYS (8, Kafka redeliveries) to 36500; unset: for ever.
retentionDays = lambda d: nullable(i(d + " null: for ever.", minimum=8, maximum=36500))
props["retention"] = obj({
    "messageDays": retentionDays("MESSAGE_RETENTION_DAYS of ingress, dlr, policy and the all-in-one gateway: days a message in a final "
                                 "state is kept after it was accepted, with everything about it;"),
    "accountingDays": retentionDays("ACCOUNTING_RETENTION_DAYS of accounting and the all-in-one gateway: days an accounting record is "
                                    "kept after its message was accepted, once billing has it;"),
}, desc="How long the database keeps what messages leave behind, in days (both modes).")
props["trustedCa"] = obj({"secretName": s("Existing Secret with extra CA certificates (NODE_EXTRA_CA_CERTS)."),
                         "key": s("Key of the Secret holding the PEM bundle.", minLength=1)},
                        desc="Extra CA certificates every process trusts (Kafka/PostgreSQL TLS with a private CA).")
props["apiTls"] = obj({
    "existingSecret": s("Existing Secret with the tenant API's server certificate and key (PEM); empty: plaintext."),
    "certKey": s("INGRESS_TLS_CERT_FILE: the Secret's key holding the certificate.", minLength=1),
    "keyKey": s("INGRESS_TLS_KEY_FILE: the Secret's key holding the private key.", minLength=1),
    "clientCa": obj({
        "existingSecret": s("Existing Secret with the CAs of tenants' client certificates; needs apiTls.existingSecret."),
        "key": s("INGRESS_TLS_CLIENT_CA_FILE: the Secret's key holding the PEM bundle.", minLength=1),
    }, desc="Tenants' TLS client certificates as credentials."),
}, desc="TLS on the tenant API (ingress, or the all-in-one gateway), terminated in the pod.")
props["gatewayConfig"] = obj({
    "existingConfigMap": s("Existing ConfigMap with key tuxhat.yaml instead of the lists below."),
    "tenants": arr(ref("gatewayTenant"), "Tenants with their API keys (prefix + SHA-256 only)."),
    "carriers": arr(ref("gatewayCarrier"), "Carriers, kind smpp or sns; secrets as { env: NAME } (see carrierSecrets)."),
    "routes": arr(ref("gatewayRoute"), "Routes, first match by priority (lower first)."),
}, desc="The gateway config file (tenants, carriers, routes) as libs/config defines it; secrets by reference only.")
props["carrierSecrets"] = arr(obj({
    "env": s("The variable named by { env: NAME } in a carrier.", pattern="^[A-Z_][A-Z0-9_]*$"),
    "secretName": s("Existing Secret.", minLength=1), "key": s("Key in that Secret.", minLength=1),
}, ["env", "secretName", "key"]), "Carrier secrets, each an environment variable from an existing Secret.")
props["carrierTlsSecrets"] = arr(s(pattern="^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$"),
                                 "Existing Secrets with carriers' TLS files (smpp.tls caFile/certFile/keyFile), each mounted at /etc/tuxhat/carriers/<name>/.",
                                 uniqueItems=True)
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
# A service setting given as an environment variable; null: the service's own default.
def ms(desc, minimum=1, **kw):
    return nullable(i(desc + " null: the service's default.", minimum=minimum, **kw))

props["ingress"] = component({"ports": ref("apiPorts"), "service": ref("apiService"),
                              "preStopSleepSeconds": i("preStop sleep before termination; 0: none.", minimum=0, maximum=120),
                              "rateLimitReplicas": nullable(i("INGRESS_REPLICAS: pods sharing each tenant's reject-mode rate; null: replicaCount, "
                                                              "or autoscaling.maxReplicas while autoscaling.", minimum=1, maximum=1000))},
                             apiFrom, "The ingress service: REST and gRPC API for tenants.")
props["policy"] = component({
    "releasePollMs": ms("POLICY_RELEASE_POLL_MS: how often each replica looks for held messages that are due (default 100)."),
    "inFlightTimeoutMs": ms("POLICY_IN_FLIGHT_TIMEOUT_MS: a message no status answered for this long stops counting as in flight (default 900000)."),
    "decisionRetentionMs": ms("POLICY_DECISION_RETENTION_MS: how long decisions are kept to answer Kafka redeliveries identically (default 691200000)."),
}, {}, "The policy service (Kafka consumer); its ACCOUNTING_CURRENCY is accounting.currency.", autoscaling="consumerAutoscaling")
# How long routing waits for a carrier during an outage (routing and the all-in-one gateway).
carrierWait = {
    "carrierWaitMs": ms("ROUTING_CARRIER_WAIT_MS: longest wait for a carrier when every carrier a message may use is down, from its acceptance; 0: fail at once (default 172800000, 48 h).",
                        minimum=0, maximum=2592000000),
    "carrierRetryMs": ms("ROUTING_CARRIER_RETRY_MS: first look for a carrier back; later looks back off to 12 times it (default 5000).",
                         minimum=100, maximum=600000),
}
props["routing"] = component({
    "maxAttempts": nullable(i("ROUTING_MAX_ATTEMPTS: attempts per message, the first included, before a reroute gives up; null: 3.",
                              minimum=1, maximum=10)),
    "lastResortUnhealthy": {"type": ["boolean", "null"],
                            "description": "ROUTING_LAST_RESORT_UNHEALTHY: send to an unhealthy carrier when no other is left; null: true."},
    **carrierWait,
    "configPollMs": ms("ROUTING_CONFIG_POLL_MS: how often the config revision is read (default 1000).", minimum=100, maximum=60000),
}, {}, "The routing service (Kafka consumer); ROUTING_INSTANCE_ID is the pod's name.", autoscaling="consumerAutoscaling")
props["dlr"] = component({
    "defaultValidityMs": ms("DLR_DEFAULT_VALIDITY_MS: validity of a message without validUntil (default 172800000, 48 h).", minimum=60000),
    "expiryGraceMs": ms("DLR_EXPIRY_GRACE_MS: added to the validity before a message without a final receipt is given up on (default 3600000).",
                        minimum=0),
    "expiryStatus": nullable(s("DLR_EXPIRY_STATUS: the status such a message gets: unknown (default: no evidence either way) or expired.",
                               enum=["unknown", "expired", None])),
    "webhook": obj({
        "timeoutMs": ms("DLR_WEBHOOK_TIMEOUT_MS: per status callback request (default 10000).", minimum=100),
        "perTenantConcurrency": ms("DLR_WEBHOOK_TENANT_CONCURRENCY: callback requests in flight per tenant (default 16).", maximum=1000),
        "maxAgeMs": ms("DLR_WEBHOOK_MAX_AGE_MS: how long a callback is retried before it is abandoned (default 86400000).", minimum=1000),
        "retryBaseMs": ms("DLR_WEBHOOK_RETRY_BASE_MS: back-off after the first failure, doubling (default 1000).", minimum=10),
        "retryMaxMs": ms("DLR_WEBHOOK_RETRY_MAX_MS: longest back-off (default 600000).", minimum=10),
    }, desc="Status callbacks (webhooks) to tenants."),
    "optOut": obj({
        "keywords": nullable(arr(s(pattern="^[^,\\s]{1,32}$"), "DLR_OPT_OUT_KEYWORDS: first words of an MO that opt the sender out; null: STOP, UNSUBSCRIBE.",
                                 minItems=1)),
        "reply": nullable(s("DLR_OPT_OUT_REPLY: the confirmation sent back ({to}: the short code); null: the service's default.",
                            minLength=1, maxLength=1000)),
    }, desc="Opt-out by MO keyword."),
}, {}, "The dlr service (Kafka consumer).", autoscaling="consumerAutoscaling")
props["accounting"] = component({
    "currency": CURRENCY,
    "publishLeaseMs": ms("ACCOUNTING_PUBLISH_LEASE_MS: a publisher's claim older than this is taken over (default 120000)."),
    "sweepIntervalMs": ms("ACCOUNTING_SWEEP_INTERVAL_MS: how often records left unpublished are looked for (default 5000)."),
}, {}, "The accounting service (Kafka consumer).", autoscaling="consumerAutoscaling")
# When a connector reports a carrier whose binds are up unhealthy (libs/connector-kit, carrier health).
def carrierHealth(what):
    return obj({
        "minSubmits": ms(f"CARRIER_HEALTH_MIN_SUBMITS: fewer {what}, or faults, in a health interval never make a carrier unhealthy (default 10).",
                         maximum=1000000),
        "faultRatio": {"type": ["number", "null"], "exclusiveMinimum": 0, "maximum": 1,
                       "description": f"CARRIER_HEALTH_FAULT_RATIO: share of an interval's {what} that failed for the carrier's reasons "
                                      "to report it unhealthy; null: the service's default (0.5)."},
    }, desc="Carrier health: when failing submits make a carrier unhealthy while its binds are up.")
props["smppConnector"] = component({
    "bindsPerPod": i("Binds per pod of a carrier whose settings the chart cannot see (gatewayConfig.existingConfigMap); "
                     "carriers in gatewayConfig count their smpp.binds.", minimum=1),
    "bindLimits": {"type": "object", "description": "Most simultaneous binds each carrier accepts, by carrier id (a carrier's own smpp.maxBinds wins).",
                   "propertyNames": {"pattern": SLUG}, "additionalProperties": {"type": "integer", "minimum": 1}},
    "defaultBindLimit": i("Bind limit of carriers not in bindLimits.", minimum=1),
    "shards": arr(shard, "One Deployment per shard; empty: one Deployment holding every SMPP carrier."),
    "updateStrategy": s("RollingUpdate (maxSurge 0) or Recreate.", enum=["RollingUpdate", "Recreate"]),
    "readyWhen": s("SMPP_READY_WHEN: ready when every held carrier has a bind up (all), at least one (any), or whatever the binds (always).",
                   enum=["all", "any", "always"]),
    "health": carrierHealth("submits"),
    "carriers": removed("Replaced by smppConnector.shards (setting it fails with a hint)."),
}, carrierEgress("Egress to the carriers' SMSCs for every smpp-connector pod."), "The SMPP connector: binds to carriers' SMSCs.",
   autoscaling="consumerAutoscaling")
props["snsConnector"] = component({
    "carriers": arr(s(pattern=SLUG), "SNS_CARRIERS; empty: every enabled SNS carrier.", uniqueItems=True),
    "shard": s("SNS_SHARD with carriers (required then): the consumer group sns-connector.<shard> and its retry topic.",
               pattern="^([a-z0-9][a-z0-9-]{0,62})?$"),
    "health": carrierHealth("publishes"),
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
    **carrierWait,
    "health": carrierHealth("submits and publishes"),
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

# --- the gateway config part: generated from libs/config's zod schemas -------------------------
# scripts/chart/gateway-config-schema.mjs prints z.toJSONSchema of gatewayConfigSchema; the code
# below only shapes it for the chart: each list's item becomes a definition (gatewayTenant,
# gatewayCarrier, gatewayRoute, and <kind>Settings per carrier kind), a secret that the code
# takes inline or as { env: NAME } becomes secretRef (the chart refuses inline secrets), every
# object refuses unknown keys, and every key gets a description: zod's own when libs/config
# gives one (.describe / .meta), else the one below. A key the code gains without a description
# here, or a description of a key the code no longer has, fails the generator (and the chart test).

# The lists of the config file and the definition of their items.
GATEWAY_LISTS = {"tenants": "gatewayTenant", "carriers": "gatewayCarrier", "routes": "gatewayRoute"}

GATEWAY_DESCRIPTIONS = {
    "secretRef": "A secret by reference only ({ env: NAME }, the variable from carrierSecrets); the chart refuses inline secrets.",
    "secretRef.env": "Name of the environment variable holding the value (see carrierSecrets).",
    "gatewayTenant": "A tenant: applications sending through the API with its keys.",
    "gatewayTenant.id": "Tenant id (lowercase letters, digits, dashes).",
    "gatewayTenant.name": "Display name.",
    "gatewayTenant.status": "suspended: its API keys are refused.",
    "gatewayTenant.apiKeys": "API keys, never in clear: prefix and SHA-256 from node dist/scripts/api-key.js.",
    "gatewayTenant.apiKeys[].name": "Name of the key (e.g. production).",
    "gatewayTenant.apiKeys[].prefix": "The key's public part (node dist/scripts/api-key.js).",
    "gatewayTenant.apiKeys[].sha256": "SHA-256 of the key, 64 hex digits; keys are never configured in clear.",
    "gatewayTenant.apiKeys[].scopes": "What the key may do: send messages, read them.",
    "gatewayCarrier": "A carrier: kind smpp (settings in smpp) or sns (settings in sns).",
    "gatewayCarrier.id": "Carrier id (lowercase letters, digits, dashes): routes name it, outbound topic sms.outbound.v1.<id>.",
    "gatewayCarrier.name": "Display name.",
    "gatewayCarrier.kind": "smpp: binds to an SMSC; sns: AWS SNS Publish.",
    "gatewayCarrier.enabled": "false: kept in the database but not connected nor routed to.",
    "gatewayCarrier.smpp": "SMPP settings (kind smpp).",
    "gatewayCarrier.sns": "AWS SNS settings (kind sns).",
    "gatewayRoute": "A route: which carrier takes a message, first match by priority.",
    "gatewayRoute.id": "Route id (lowercase letters, digits, dashes).",
    "gatewayRoute.priority": "Lower runs first.",
    "gatewayRoute.carrier": "Id of the carrier (gatewayConfig.carriers).",
    "gatewayRoute.tenant": "Only this tenant's traffic; absent: every tenant.",
    "gatewayRoute.destinationPrefix": "Only destinations starting with this E.164 prefix (e.g. +382); absent: any.",
    "smppSettings": "Settings of an SMPP carrier (libs/services/smpp-connector/README.md).",
    "smppSettings.host": "The SMSC's address (its inside address across an IPsec tunnel).",
    "smppSettings.port": "The SMSC's port.",
    "smppSettings.systemId": "bind system_id (SMPP 3.4: at most 15 characters).",
    "smppSettings.password": "bind password (at most 8 characters), as { env: NAME } from carrierSecrets.",
    "smppSettings.systemType": "bind system_type (at most 12 characters).",
    "smppSettings.bindMode": "The one bind when binds is not given.",
    "smppSettings.binds": "The binds each connector pod opens, in order, e.g. [{ mode: transmitter, count: 2 }, { mode: receiver }].",
    "smppSettings.binds[].mode": "transceiver, transmitter or receiver.",
    "smppSettings.binds[].count": "Binds of this mode.",
    "smppSettings.maxBinds": "The carrier's limit of simultaneous binds for this account, across every connector pod (bind slots in the database; the chart checks pods x binds against it).",
    "smppSettings.addrTon": "bind addr_ton: which MOs the SMSC routes to this ESME (default 0).",
    "smppSettings.addrNpi": "bind addr_npi (default 0).",
    "smppSettings.addressRange": "bind address_range (default empty).",
    "smppSettings.sourceTon": "source_addr TON; default by sender: 1 numbers, 3 short codes, 5 alphanumeric.",
    "smppSettings.sourceNpi": "source_addr NPI; default by sender: 1 numbers and short codes, 0 alphanumeric.",
    "smppSettings.destTon": "destination_addr TON (default 1: international, E.164 without +).",
    "smppSettings.destNpi": "destination_addr NPI (default 1).",
    "smppSettings.windowSize": "Outstanding submit_sm per bind before waiting for responses.",
    "smppSettings.throughput": "submit_sm per second; absent: no limit.",
    "smppSettings.throughput.perBind": "Per bind.",
    "smppSettings.throughput.perCarrier": "For the carrier as a whole (all binds of a pod).",
    "smppSettings.enquireLinkSeconds": "enquire_link period; no answer within responseTimeoutMs drops the bind (it reconnects).",
    "smppSettings.responseTimeoutMs": "Per-PDU response timeout, also the TCP/TLS connect timeout.",
    "smppSettings.alphabets": "Alphabets the carrier takes, in order of preference (default [gsm7, ucs2]); UCS-2 when none fits.",
    "smppSettings.longMessages": "Texts longer than one SMS: udh8 (default), udh16, sar (SAR TLVs), payload (message_payload).",
    "smppSettings.registeredDelivery": "Receipts asked for: final (default), failure only, none.",
    "smppSettings.tls": "SMPP over TLS; {}: the system's CAs (and trustedCa). Files: mount them with carrierTlsSecrets.",
    "smppSettings.tls.caFile": "PEM file of the CA(s) of the SMSC's certificate; default: the system's CAs.",
    "smppSettings.tls.certFile": "Client certificate (PEM file) for mutual TLS; with keyFile.",
    "smppSettings.tls.keyFile": "Client key (PEM file) for mutual TLS; with certFile.",
    "smppSettings.tls.servername": "Name checked against the certificate (and SNI) when it differs from host.",
    "smppSettings.tls.rejectUnauthorized": "Refuse an SMSC whose certificate does not verify (default true).",
    "smppSettings.retryableStatuses": "command_status values this carrier uses for 'try another carrier', beyond the built-in list.",
    "smppSettings.finalStatuses": "command_status values that are final for this carrier, over the built-in list.",
    "snsSettings": "Settings of an AWS SNS carrier (libs/services/sns-connector/README.md).",
    "snsSettings.region": "AWS region, e.g. eu-west-1.",
    "snsSettings.endpoint": "Endpoint override (a private endpoint, an emulator); absent: AWS's.",
    "snsSettings.accessKeyId": "Static credentials, as { env: NAME } from carrierSecrets; absent: the AWS default chain (IRSA, Pod Identity).",
    "snsSettings.secretAccessKey": "With accessKeyId, as { env: NAME } from carrierSecrets.",
    "snsSettings.senderId": "AWS.SNS.SMS.SenderID: the sender id registered for the account.",
    "snsSettings.smsType": "AWS.SNS.SMS.SMSType of every message; absent: Transactional for otp and transactional messages, Promotional for bulk.",
    "snsSettings.originationNumber": "AWS.MM.SMS.OriginationNumber: the long code, toll-free number or short code to send from.",
    "snsSettings.maxPrice": "AWS.SNS.SMS.MaxPrice: the most one message may cost, in USD.",
    "snsSettings.maxPerSecond": "Publish calls per second for the account (SNS's default quota is 20).",
    "snsSettings.inbound": "Two-way SMS: the SQS queue subscribed to the SNS topic AWS publishes the number's inbound SMS to; absent: no MO from this carrier.",
    "snsSettings.inbound.queueUrl": "The queue's URL (the pod's role needs sqs:ReceiveMessage and sqs:DeleteMessage on it).",
    "snsSettings.inbound.waitSeconds": "Long-poll wait per receive, 1 to 20 s (default 20).",
    "snsSettings.account": "Carriers naming the same account share one maxPerSecond (default: the carrier's own).",
    "snsSettings.deliveryStatus": "Delivery receipts: the account's SMS delivery status logs (CloudWatch Logs), read by the connector; absent: no receipts from this carrier.",
    "snsSettings.deliveryStatus.accountId": "The AWS account (12 digits) whose log groups sns/<region>/<account>/DirectPublishToPhoneNumber[/Failure] are read (the pod's role needs logs:FilterLogEvents on them).",
    "snsSettings.deliveryStatus.pollSeconds": "How often the log groups are read, 1 to 300 s (default 10).",
}


class GatewaySchemaError(Exception):
    """The zod output cannot be shaped, or the descriptions drifted from it."""


def _is_secret(node):
    """A value the code takes inline or as { env: NAME }: anyOf with an { env } object."""
    return isinstance(node, dict) and any(
        isinstance(option, dict) and option.get("type") == "object" and set(option.get("properties", {})) == {"env"}
        for option in node.get("anyOf", []))


def _walk(node, path, visit):
    """Calls visit(node, path) on every schema below node (properties 'a.b', array items 'a[]')."""
    visit(node, path)
    for key, child in (node.get("properties") or {}).items():
        _walk(child, f"{path}.{key}", visit)
    if isinstance(node.get("items"), dict):
        _walk(node["items"], f"{path}[]", visit)
    for keyword in ("oneOf", "anyOf", "allOf"):
        for option in node.get(keyword, []):
            _walk(option, path, visit)


def gateway_config_definitions(zod, descriptions=GATEWAY_DESCRIPTIONS):
    """The chart's definitions of the gateway config (see above) from the zod JSON Schema."""
    zod = copy.deepcopy(zod)
    problems = []
    lists = zod.get("properties", {})
    if set(lists) != set(GATEWAY_LISTS):
        raise GatewaySchemaError(f"the gateway config's keys are {sorted(lists)}, values-schema.py knows {sorted(GATEWAY_LISTS)}: "
                                 "add the new key to GATEWAY_LISTS and to props['gatewayConfig']")
    out = {}
    for key, name in GATEWAY_LISTS.items():
        items = lists[key].get("items")
        if not isinstance(items, dict):
            raise GatewaySchemaError(f"gatewayConfig.{key} is no longer a list of objects")
        out[name] = items

    # A discriminated union (carriers): each kind's settings object becomes <kind>Settings.
    for option in out["gatewayCarrier"].get("oneOf", []):
        kind = option["properties"]["kind"].get("const")
        if kind not in option["properties"]:
            raise GatewaySchemaError(f"carriers of kind {kind!r} have no {kind!r} settings key")
        out[f"{kind}Settings"] = option["properties"][kind]
        option["properties"][kind] = {"$ref": f"#/definitions/{kind}Settings"}

    # Secrets: { env: NAME } only. The reference form must be the same everywhere.
    env_forms = []

    def secrets(node, path):
        for key, child in list((node.get("properties") or {}).items()):
            if _is_secret(child):
                env_forms.append(next(o for o in child["anyOf"] if o.get("type") == "object"))
                node["properties"][key] = {"$ref": "#/definitions/secretRef"}
    for name, definition in out.items():
        _walk(definition, name, secrets)
    if not env_forms:
        raise GatewaySchemaError("no secret ({ env: NAME } or inline) found in the carrier settings: has the secret form changed?")
    if any(form != env_forms[0] for form in env_forms):
        raise GatewaySchemaError("the carrier settings' secrets are not all the same { env: NAME } form")
    out["secretRef"] = env_forms[0]

    # Unknown keys refused everywhere; zod's $schema and defaults of nested lists kept as they are.
    def strict(node, path):
        node.pop("$schema", None)
        if "properties" in node:
            node["additionalProperties"] = False
    for name, definition in out.items():
        _walk(definition, name, strict)

    # Descriptions: every definition and every key has one.
    used = set()

    def described(node, path):
        text = descriptions.get(path)
        if text:
            used.add(path)
        text = text or node.get("description")
        if not text:
            problems.append(f"no description for {path}: add one to GATEWAY_DESCRIPTIONS in scripts/chart/values-schema.py")
            return node
        if "$ref" in node:  # draft-07 ignores the siblings of $ref
            return {"allOf": [node], "description": text}
        node["description"] = text
        return node

    def describe_keys(node, path):
        for key, child in list((node.get("properties") or {}).items()):
            node["properties"][key] = described(child, f"{path}.{key}")
            describe_keys(child, f"{path}.{key}")
        if isinstance(node.get("items"), dict):
            describe_keys(node["items"], f"{path}[]")
        for keyword in ("oneOf", "anyOf", "allOf"):
            for option in node.get(keyword, []):
                describe_keys(option, path)
    for name in list(out):
        out[name] = described(out[name], name)
        describe_keys(out[name], name)
    # A discriminated union as if/then on its discriminator: helm then reports the errors of the
    # carrier's own kind only, not why it is not every other kind as well.
    for name, definition in out.items():
        options = definition.get("oneOf")
        if options and all("const" in o.get("properties", {}).get("kind", {}) for o in options):
            kind = copy.deepcopy(options[0]["properties"]["kind"])
            kind.pop("const")
            kind["enum"] = [o["properties"]["kind"]["const"] for o in options]
            out[name] = {
                "type": "object", "description": definition.get("description", ""), "required": ["kind"],
                "properties": {"kind": kind},
                "allOf": [{"if": {"properties": {"kind": {"const": o["properties"]["kind"]["const"]}}, "required": ["kind"]},
                           "then": o} for o in options],
            }
    stale = sorted(set(descriptions) - used)
    problems += [f"GATEWAY_DESCRIPTIONS has {path}, which libs/config's schema no longer has" for path in stale]
    if problems:
        raise GatewaySchemaError("\n".join(problems))
    return out


NODE_SCRIPT = Path(__file__).resolve().with_name("gateway-config-schema.mjs")


def zod_gateway_config():
    """z.toJSONSchema of libs/config's gatewayConfigSchema, from scripts/chart/gateway-config-schema.mjs."""
    node = os.environ.get("TUXHAT_NODE") or shutil.which("node")
    if not node:
        raise GatewaySchemaError("node is not on PATH (source scripts/env.sh: Node 24)")
    proc = subprocess.run([node, "--disable-warning=MODULE_TYPELESS_PACKAGE_JSON", str(NODE_SCRIPT)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise GatewaySchemaError(f"{NODE_SCRIPT.name} failed: {proc.stderr.strip()}")
    return json.loads(proc.stdout)["gatewayConfig"]


def build_schema(zod):
    definitions = dict(defs)
    definitions.update(gateway_config_definitions(zod))
    return {
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
        "definitions": definitions,
    }


def main(argv):
    if len(argv) not in (1, 3) or (len(argv) == 3 and argv[1] != "--check"):
        print(__doc__, file=sys.stderr)
        return 2
    try:
        schema = build_schema(zod_gateway_config())
    except GatewaySchemaError as error:
        print(f"values-schema.py: {error}", file=sys.stderr)
        return 1
    if len(argv) == 3:
        with open(argv[2]) as f:
            current = json.load(f)
        if current != schema:
            print(f"{argv[2]} differs from what scripts/chart/values-schema.py generates (the chart's values or "
                  "libs/config's gateway config schema changed): regenerate it (see the docstring)", file=sys.stderr)
            return 1
        return 0
    print(json.dumps(schema, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
