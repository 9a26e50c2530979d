{{/*
Helpers shared by every template. Component templates pass a context dict:
  root       the chart's root context ($)
  component  the component's name (ingress, smpp-connector, all-in-one, migrate, ...)
  shard      smpp-connector only: the shard name ("all" for the unsharded Deployment)
  values     the component's values
*/}}

{{- define "tuxhat.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "tuxhat.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* <fullname>-<suffix>; fails instead of truncating (truncation could make two names equal). */}}
{{- define "tuxhat.resourceName" -}}
{{- $name := printf "%s-%s" (include "tuxhat.fullname" .root) .suffix -}}
{{- if gt (len $name) 63 -}}
{{- fail (printf "tuxhat: resource name %q is longer than 63 characters: shorten the release name, fullnameOverride or the shard name" $name) -}}
{{- end -}}
{{- $name -}}
{{- end -}}

{{/* The component's resource name: <fullname>-<component>[-<shard>]. */}}
{{- define "tuxhat.componentName" -}}
{{- $suffix := .component -}}
{{- if and .shard (ne .shard "all") -}}
{{- $suffix = printf "%s-%s" .component .shard -}}
{{- end -}}
{{- include "tuxhat.resourceName" (dict "root" .root "suffix" $suffix) -}}
{{- end -}}

{{- define "tuxhat.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "tuxhat.version" -}}
{{- $v := .Values.image.tag | default .Chart.AppVersion -}}
{{- regexReplaceAll "[^A-Za-z0-9_.-]" $v "_" | trunc 63 | trimSuffix "-" | trimSuffix "_" | trimSuffix "." -}}
{{- end -}}

{{/* Labels of every resource; takes the root context. */}}
{{- define "tuxhat.labels" -}}
helm.sh/chart: {{ include "tuxhat.chart" . }}
app.kubernetes.io/name: {{ include "tuxhat.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ include "tuxhat.version" . | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: tuxhat
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Selector labels of a component (dict root component [shard]). */}}
{{- define "tuxhat.selectorLabels" -}}
app.kubernetes.io/name: {{ include "tuxhat.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- with .shard }}
tuxhat/shard: {{ . }}
{{- end }}
{{- end -}}

{{/* Labels of a component's resources (dict root component [shard]). */}}
{{- define "tuxhat.componentLabels" -}}
{{ include "tuxhat.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- with .shard }}
tuxhat/shard: {{ . }}
{{- end }}
{{- end -}}

{{- define "tuxhat.image" -}}
{{- $image := .Values.image -}}
{{- if $image.digest -}}
{{- printf "%s@%s" $image.repository $image.digest -}}
{{- else -}}
{{- printf "%s:%s" $image.repository ($image.tag | default .Chart.AppVersion) -}}
{{- end -}}
{{- end -}}

{{/* The component's ServiceAccount name (dict root component values). */}}
{{- define "tuxhat.serviceAccountName" -}}
{{- $sa := .values.serviceAccount -}}
{{- if $sa.create -}}
{{- $sa.name | default (include "tuxhat.resourceName" (dict "root" .root "suffix" .component)) -}}
{{- else -}}
{{- $sa.name | default "default" -}}
{{- end -}}
{{- end -}}

{{/* Names of the shared ConfigMaps. */}}
{{- define "tuxhat.envConfigMapName" -}}
{{- include "tuxhat.resourceName" (dict "root" . "suffix" "env") -}}
{{- end -}}
{{- define "tuxhat.gatewayConfigMapName" -}}
{{- if .Values.gatewayConfig.existingConfigMap -}}
{{- .Values.gatewayConfig.existingConfigMap -}}
{{- else -}}
{{- include "tuxhat.resourceName" (dict "root" . "suffix" "gateway-config") -}}
{{- end -}}
{{- end -}}
{{- define "tuxhat.hooksConfigMapName" -}}
{{- include "tuxhat.resourceName" (dict "root" . "suffix" "hooks") -}}
{{- end -}}

{{/* Whether the chart holds the gateway config itself ("true" or ""). */}}
{{- define "tuxhat.hasInlineGatewayConfig" -}}
{{- $c := .Values.gatewayConfig -}}
{{- if and (not $c.existingConfigMap) (or $c.tenants $c.carriers $c.routes) -}}true{{- end -}}
{{- end -}}

{{/* The gateway config file's content (tuxhat.yaml). */}}
{{- define "tuxhat.gatewayConfigFile" -}}
{{- $c := .Values.gatewayConfig -}}
{{- toYaml (dict "tenants" $c.tenants "carriers" $c.carriers "routes" $c.routes) -}}
{{- end -}}

{{/* The common environment (the env ConfigMap's data), by mode. */}}
{{- define "tuxhat.commonEnv" -}}
LOG_LEVEL: {{ .Values.logLevel | quote }}
LOG_FORMAT: {{ .Values.logFormat | quote }}
LOG_REDACT: {{ .Values.logRedact | toString | quote }}
OPS_HOST: "0.0.0.0"
OPS_PORT: {{ .Values.metrics.port | toString | quote }}
METRICS_TENANT_LABEL: {{ .Values.metrics.tenantLabel | toString | quote }}
TUXHAT_VERSION: {{ include "tuxhat.version" . | quote }}
{{- include "tuxhat.tracingEnv" . }}
{{- if eq .Values.mode "cluster" }}
KAFKA_BROKERS: {{ join "," .Values.kafka.bootstrapServers | quote }}
KAFKA_SSL: {{ .Values.kafka.tls.enabled | toString | quote }}
{{- with .Values.kafka.sasl.mechanism }}
KAFKA_SASL_MECHANISM: {{ . | quote }}
KAFKA_SASL_USERNAME: {{ $.Values.kafka.sasl.username | quote }}
{{- end }}
KAFKA_LAG_INTERVAL_MS: {{ mul (int .Values.metrics.kafkaLagIntervalSeconds) 1000 | toString | quote }}
{{- include "tuxhat.topicSettingsEnv" . | nindent 0 }}
{{- end }}
DATABASE_POOL_SIZE: {{ .Values.database.poolSize | int | toString | quote }}
{{- if .Values.trustedCa.secretName }}
NODE_EXTRA_CA_CERTS: {{ printf "/etc/tuxhat/ca/%s" .Values.trustedCa.key | quote }}
{{- end }}
{{- end -}}

{{/* OpenTelemetry's standard variables (root context): part of the env ConfigMap. */}}
{{- define "tuxhat.tracingEnv" -}}
{{- $t := .Values.tracing }}
OTEL_SDK_DISABLED: {{ not $t.enabled | toString | quote }}
{{- if $t.enabled }}
{{- with $t.otlpEndpoint }}
OTEL_EXPORTER_OTLP_ENDPOINT: {{ . | quote }}
{{- end }}
OTEL_TRACES_SAMPLER: {{ $t.sampler | quote }}
{{- with $t.samplerArg }}
OTEL_TRACES_SAMPLER_ARG: {{ . | quote }}
{{- end }}
{{- with $t.resourceAttributes }}
{{- $pairs := list }}
{{- range $key := keys . | sortAlpha }}
{{- $pairs = append $pairs (printf "%s=%s" $key (get $t.resourceAttributes $key | toString)) }}
{{- end }}
OTEL_RESOURCE_ATTRIBUTES: {{ join "," $pairs | quote }}
{{- end }}
{{- end }}
{{- end -}}

{{/* OTEL_EXPORTER_OTLP_HEADERS from the referenced Secret (root context); nothing without one. */}}
{{- define "tuxhat.tracingSecretEnv" -}}
{{- $t := .Values.tracing }}
{{- if and $t.enabled $t.otlpEndpoint $t.headersSecret.name }}
- name: OTEL_EXPORTER_OTLP_HEADERS
  valueFrom:
    secretKeyRef:
      name: {{ $t.headersSecret.name }}
      key: {{ $t.headersSecret.key }}
{{- end }}
{{- end -}}

{{/* DATABASE_URL from the referenced Secret (root context); nothing without one. */}}
{{- define "tuxhat.databaseEnv" -}}
{{- with .Values.database.existingSecret }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ . }}
      key: {{ $.Values.database.urlKey }}
{{- end }}
{{- end -}}

{{/*
The Kafka credentials of a Kafka client's container (root context): files in the volumes below,
the SASL password (KAFKA_SASL_PASSWORD_FILE) and the client certificate (KAFKA_SSL_*_FILE).
Files, not variables: Kubernetes updates a mounted Secret in place, and the services read the
files again (KafkaCredentialFiles), so a renewed password or certificate needs no restart.
Nothing without SASL, a client certificate or Kafka.
*/}}
{{- define "tuxhat.kafkaSecretEnv" -}}
{{- $s := .Values.kafka.sasl }}
{{- if and (eq .Values.mode "cluster") $s.mechanism }}
- name: KAFKA_SASL_PASSWORD_FILE
  value: {{ printf "/etc/tuxhat/kafka-sasl/%s" $s.passwordKey | quote }}
{{- end }}
{{- $c := .Values.kafka.tls.clientCertificate }}
{{- if and (eq .Values.mode "cluster") $c.existingSecret }}
- name: KAFKA_SSL_CERT_FILE
  value: {{ printf "/etc/tuxhat/kafka-client/%s" $c.certKey | quote }}
- name: KAFKA_SSL_KEY_FILE
  value: {{ printf "/etc/tuxhat/kafka-client/%s" $c.keyKey | quote }}
{{- with $c.keyPasswordKey }}
- name: KAFKA_SSL_KEY_PASSWORD_FILE
  value: {{ printf "/etc/tuxhat/kafka-client/%s" . | quote }}
{{- end }}
{{- end }}
{{- end -}}

{{/*
The Kafka credentials' Secrets as volumes (root context): the SASL password alone, the client
certificate's cert, key and key password only.
*/}}
{{- define "tuxhat.kafkaVolumes" -}}
{{- $s := .Values.kafka.sasl }}
{{- if and (eq .Values.mode "cluster") $s.mechanism }}
- name: kafka-sasl-password
  secret:
    secretName: {{ $s.existingSecret }}
    defaultMode: 288 # 0440: owner and fsGroup read
    items:
      - key: {{ $s.passwordKey }}
        path: {{ $s.passwordKey }}
{{- end }}
{{- $c := .Values.kafka.tls.clientCertificate }}
{{- if and (eq .Values.mode "cluster") $c.existingSecret }}
- name: kafka-client-certificate
  secret:
    secretName: {{ $c.existingSecret }}
    defaultMode: 288 # 0440: owner and fsGroup read
    items:
      {{- range $key := compact (list $c.certKey $c.keyKey $c.keyPasswordKey) }}
      - key: {{ $key }}
        path: {{ $key }}
      {{- end }}
{{- end }}
{{- end -}}

{{- define "tuxhat.kafkaVolumeMounts" -}}
{{- if and (eq .Values.mode "cluster") .Values.kafka.sasl.mechanism }}
- name: kafka-sasl-password
  mountPath: /etc/tuxhat/kafka-sasl
  readOnly: true
{{- end }}
{{- if and (eq .Values.mode "cluster") .Values.kafka.tls.clientCertificate.existingSecret }}
- name: kafka-client-certificate
  mountPath: /etc/tuxhat/kafka-client
  readOnly: true
{{- end }}
{{- end -}}

{{/*
Environment variable names that the given carriers reference as { env: NAME } (JSON list).
dict root kind (smpp|sns|"" for any) ids (list; empty: every carrier of the kind).
*/}}
{{- define "tuxhat.carrierEnvNames" -}}
{{- $names := list -}}
{{- range $carrier := .root.Values.gatewayConfig.carriers -}}
{{- if and (or (not $.kind) (eq $carrier.kind $.kind)) (or (not $.ids) (has $carrier.id $.ids)) -}}
{{- $settings := get $carrier $carrier.kind | default dict -}}
{{- range $key := keys $settings | sortAlpha -}}
{{- $value := get $settings $key -}}
{{- if and (kindIs "map" $value) (hasKey $value "env") -}}
{{- $names = append $names $value.env -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- toJson ($names | uniq) -}}
{{- end -}}

{{/*
EnvVars of carrier secrets for the given carriers (dict root kind ids). With the config in an
existing ConfigMap the chart cannot see the references: every carrierSecrets entry is given.
*/}}
{{- define "tuxhat.carrierSecretEnv" -}}
{{- $root := .root -}}
{{- $all := $root.Values.gatewayConfig.existingConfigMap -}}
{{- $names := include "tuxhat.carrierEnvNames" . | fromJsonArray -}}
{{- range $entry := $root.Values.carrierSecrets }}
{{- if or $all (has $entry.env $names) }}
- name: {{ $entry.env }}
  valueFrom:
    secretKeyRef:
      name: {{ $entry.secretName }}
      key: {{ $entry.key }}
{{- end }}
{{- end }}
{{- end -}}

{{/* Pod-level security context (root context). */}}
{{- define "tuxhat.podSecurityContext" -}}
runAsNonRoot: true
{{- with .Values.securityContext.runAsUser }}
runAsUser: {{ . }}
{{- end }}
{{- with .Values.securityContext.runAsGroup }}
runAsGroup: {{ . }}
{{- end }}
{{- with .Values.securityContext.fsGroup }}
fsGroup: {{ . }}
fsGroupChangePolicy: OnRootMismatch
{{- end }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Container-level security context (root context). */}}
{{- define "tuxhat.containerSecurityContext" -}}
runAsNonRoot: true
{{- with .Values.securityContext.runAsUser }}
runAsUser: {{ . }}
{{- end }}
{{- with .Values.securityContext.runAsGroup }}
runAsGroup: {{ . }}
{{- end }}
privileged: false
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Volumes every pod has: /tmp and the trusted CA (root context). */}}
{{- define "tuxhat.baseVolumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.defaults.tmpSizeLimit }}
{{- with .Values.trustedCa.secretName }}
- name: trusted-ca
  secret:
    secretName: {{ . }}
    items:
      - key: {{ $.Values.trustedCa.key }}
        path: {{ $.Values.trustedCa.key }}
{{- end }}
{{- end -}}

{{- define "tuxhat.baseVolumeMounts" -}}
- name: tmp
  mountPath: /tmp
{{- if .Values.trustedCa.secretName }}
- name: trusted-ca
  mountPath: /etc/tuxhat/ca
  readOnly: true
{{- end }}
{{- end -}}

{{/* Probes of a container (the values' probes map; {} or null disables one). */}}
{{- define "tuxhat.probes" -}}
{{- with .startup }}
startupProbe: {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .readiness }}
readinessProbe: {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .liveness }}
livenessProbe: {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/*
Scheduling of a pod (dict root component shard values spread): nodeSelector, tolerations,
affinity, priorityClassName, topology spread (spread: whether to generate constraints).
*/}}
{{- define "tuxhat.scheduling" -}}
{{- $d := .root.Values.defaults -}}
{{- $v := .values -}}
{{- with ($v.nodeSelector | default $d.nodeSelector) }}
nodeSelector: {{- toYaml . | nindent 2 }}
{{- end }}
{{- with ($v.tolerations | default $d.tolerations) }}
tolerations: {{- toYaml . | nindent 2 }}
{{- end }}
{{- with ($v.affinity | default $d.affinity) }}
affinity: {{- toYaml . | nindent 2 }}
{{- end }}
{{- with ($v.priorityClassName | default $d.priorityClassName) }}
priorityClassName: {{ . }}
{{- end }}
{{- if .spread }}
{{- if $v.topologySpreadConstraints }}
topologySpreadConstraints: {{- toYaml $v.topologySpreadConstraints | nindent 2 }}
{{- else if $d.topologySpread.enabled }}
topologySpreadConstraints:
{{- range $key := $d.topologySpread.topologyKeys }}
  - maxSkew: {{ $d.topologySpread.maxSkew }}
    topologyKey: {{ $key }}
    whenUnsatisfiable: {{ $d.topologySpread.whenUnsatisfiable }}
    labelSelector:
      matchLabels: {{- include "tuxhat.selectorLabels" $ | nindent 8 }}
    matchLabelKeys: [pod-template-hash]
{{- end }}
{{- end }}
{{- end }}
{{- end -}}

{{/* Pod annotations: defaults, the component's, and the checksums given (dict root values checksums). */}}
{{- define "tuxhat.podAnnotations" -}}
{{- $annotations := merge (dict) (.values.podAnnotations | default dict) (.root.Values.defaults.podAnnotations | default dict) -}}
{{- $annotations = merge $annotations (.checksums | default dict) -}}
{{- toYaml $annotations -}}
{{- end -}}

{{/* checksum/config: the env ConfigMap every pod reads (root context). */}}
{{- define "tuxhat.configChecksum" -}}
{{- include "tuxhat.commonEnv" . | sha256sum -}}
{{- end -}}

{{/* checksum/carriers: what connectors read at boot only (carriers, their secret references, TLS Secrets). */}}
{{- define "tuxhat.carriersChecksum" -}}
{{- toJson (dict "carriers" .Values.gatewayConfig.carriers "secrets" .Values.carrierSecrets "tlsSecrets" .Values.carrierTlsSecrets "configMap" .Values.gatewayConfig.existingConfigMap) | sha256sum -}}
{{- end -}}

{{/* Replica count used by bind-limit checks: the most pods there can be (dict replicas autoscaling). */}}
{{- define "tuxhat.maxPods" -}}
{{- if and .autoscaling .autoscaling.enabled -}}
{{- .autoscaling.maxReplicas | int -}}
{{- else -}}
{{- .replicas | int -}}
{{- end -}}
{{- end -}}

{{/* A topic config map as JSON with every value a string (Kafka configs are strings). */}}
{{/*
How new topics are made (kafka.topics), as variables: the topics Job reads them, and so do the
services, since the admin API and the connectors create a carrier added while the gateway runs
its outbound topics themselves. With Strimzi the KafkaTopics' replicas default to 3: so do these.
*/}}
{{- define "tuxhat.topicSettingsEnv" -}}
{{- $t := .Values.kafka.topics -}}
{{- $replicas := $t.replicationFactor | default (eq $t.provisioner "strimzi" | ternary 3 0) -}}
{{- with $replicas }}
KAFKA_REPLICATION_FACTOR: {{ . | int | toString | quote }}
{{- end }}
{{- with $t.partitions }}
KAFKA_TOPIC_PARTITIONS: {{ toJson . | quote }}
{{- end }}
{{- with $t.config }}
KAFKA_TOPIC_CONFIG: {{ include "tuxhat.topicConfigJson" . | quote }}
{{- end }}
{{- with $t.topicConfig }}
{{- $overrides := dict }}
{{- range $topic, $config := . }}{{ $_ := set $overrides $topic (include "tuxhat.topicConfigJson" $config | fromJson) }}{{ end }}
KAFKA_TOPIC_OVERRIDES: {{ toJson $overrides | quote }}
{{- end }}
{{- end -}}

{{- define "tuxhat.topicConfigJson" -}}
{{- $out := dict -}}
{{- range $key, $value := . -}}{{- $_ := set $out $key (toString $value) -}}{{- end -}}
{{- toJson $out -}}
{{- end -}}


{{/*
EnvVars (YAML list) from a map of variable name to value, in name order. null values are left
out (the service's default applies); numbers are written as integers (YAML gives Helm floats,
which would print as 1.728e+08), lists comma-separated.
*/}}
{{- define "tuxhat.optionalEnv" -}}
{{- range $name, $value := . }}
{{- if not (kindIs "invalid" $value) }}
- name: {{ $name }}
  value: {{ include "tuxhat.envString" $value | quote }}
{{- end }}
{{- end }}
{{- end -}}

{{- define "tuxhat.envString" -}}
{{- if kindIs "float64" . -}}
{{- if eq (float64 (int64 .)) . }}{{ int64 . }}{{ else }}{{ . }}{{ end -}}
{{- else if kindIs "slice" . -}}
{{- join "," . -}}
{{- else -}}
{{- toString . -}}
{{- end -}}
{{- end -}}

{{/* The sns-connector's consumer group: sns-connector, or sns-connector.<shard> with its own carriers. */}}
{{- define "tuxhat.snsConsumerGroup" -}}
{{- $s := .Values.snsConnector -}}
{{- if $s.carriers -}}sns-connector.{{ $s.shard }}{{- else -}}sns-connector{{- end -}}
{{- end -}}

{{/*
Consumer groups beyond files/topics.yaml's (JSON list): each smpp-connector shard's, and the
sns-connector's when it serves its own carriers. Each has its own retry topic.
*/}}
{{- define "tuxhat.extraConsumerGroups" -}}
{{- $groups := list -}}
{{- range .Values.smppConnector.shards -}}
{{- $groups = append $groups (printf "smpp-connector.%s" .name) -}}
{{- end -}}
{{- if .Values.snsConnector.carriers -}}
{{- $groups = append $groups (include "tuxhat.snsConsumerGroup" .) -}}
{{- end -}}
{{- toJson $groups -}}
{{- end -}}

{{/*
Carriers' TLS files (smpp.tls caFile/certFile/keyFile), from the Secrets of carrierTlsSecrets,
each mounted read-only at /etc/tuxhat/carriers/<secret>/ (dict root ids; ids empty: every SMPP
carrier). JSON { volumes, mounts }: a Secret is mounted where a given carrier's file lies in it,
or everywhere when the config is in an existing ConfigMap (the chart cannot see the paths).
*/}}
{{- define "tuxhat.carrierTlsMounts" -}}
{{- $root := .root -}}
{{- $paths := list -}}
{{- range $carrier := $root.Values.gatewayConfig.carriers -}}
{{- if and (eq $carrier.kind "smpp") (or (not $.ids) (has $carrier.id $.ids)) $carrier.smpp.tls -}}
{{- range $key := list "caFile" "certFile" "keyFile" -}}
{{- with get $carrier.smpp.tls $key }}{{ $paths = append $paths . }}{{ end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- $volumes := list -}}
{{- $mounts := list -}}
{{- range $index, $secret := $root.Values.carrierTlsSecrets -}}
{{- $dir := printf "/etc/tuxhat/carriers/%s/" $secret -}}
{{- $used := $root.Values.gatewayConfig.existingConfigMap -}}
{{- range $paths }}{{ if hasPrefix $dir . }}{{ $used = true }}{{ end }}{{ end -}}
{{- if $used -}}
{{- $volumes = append $volumes (dict "name" (printf "carrier-tls-%d" $index) "secret" (dict "secretName" $secret "defaultMode" 288)) -}}
{{- $mounts = append $mounts (dict "name" (printf "carrier-tls-%d" $index) "mountPath" (trimSuffix "/" $dir) "readOnly" true) -}}
{{- end -}}
{{- end -}}
{{- toJson (dict "volumes" $volumes "mounts" $mounts) -}}
{{- end -}}

{{/*
The tenant API's TLS (root context): its env (INGRESS_TLS_*_FILE), volumes and mounts as JSON
{ env, volumes, mounts }, for ingress and the all-in-one gateway; empty lists without apiTls.
*/}}
{{- define "tuxhat.apiTls" -}}
{{- $t := .Values.apiTls }}
{{- $env := list }}
{{- $volumes := list }}
{{- $mounts := list }}
{{- if $t.existingSecret }}
{{- $env = append $env (dict "name" "INGRESS_TLS_CERT_FILE" "value" (printf "/etc/tuxhat/api-tls/%s" $t.certKey)) }}
{{- $env = append $env (dict "name" "INGRESS_TLS_KEY_FILE" "value" (printf "/etc/tuxhat/api-tls/%s" $t.keyKey)) }}
{{- $items := list (dict "key" $t.certKey "path" $t.certKey) (dict "key" $t.keyKey "path" $t.keyKey) }}
{{- $volumes = append $volumes (dict "name" "api-tls" "secret" (dict "secretName" $t.existingSecret "defaultMode" 288 "items" $items)) }}
{{- $mounts = append $mounts (dict "name" "api-tls" "mountPath" "/etc/tuxhat/api-tls" "readOnly" true) }}
{{- with $t.clientCa.existingSecret }}
{{- $env = append $env (dict "name" "INGRESS_TLS_CLIENT_CA_FILE" "value" (printf "/etc/tuxhat/api-client-ca/%s" $t.clientCa.key)) }}
{{- $volumes = append $volumes (dict "name" "api-client-ca" "secret" (dict "secretName" . "defaultMode" 292 "items" (list (dict "key" $t.clientCa.key "path" $t.clientCa.key)))) }}
{{- $mounts = append $mounts (dict "name" "api-client-ca" "mountPath" "/etc/tuxhat/api-client-ca" "readOnly" true) }}
{{- end }}
{{- end }}
{{- dict "env" $env "volumes" $volumes "mounts" $mounts | toJson }}
{{- end -}}
