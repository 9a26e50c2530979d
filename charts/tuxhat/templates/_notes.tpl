{{/* The install notes (NOTES.txt renders this; the chart tests render it too). */}}
{{- define "tuxhat.notes" -}}
TuxHat SMS Gateway {{ .Chart.AppVersion }} ({{ .Values.mode }} mode) is installed as release {{ .Release.Name }} in namespace {{ .Release.Namespace }}.
{{- $ns := .Release.Namespace }}
{{- if eq .Values.mode "cluster" }}
{{- $svc := include "tuxhat.componentName" (dict "root" $ "component" "ingress") }}

Before the services started, hook Jobs ran:{{ if .Values.jobs.migrate.enabled }} migrate{{ end }}{{ if .Values.jobs.seed.enabled }} seed{{ end }}{{ if eq .Values.kafka.topics.provisioner "job" }} topics{{ end }}.
{{- if eq .Values.kafka.topics.provisioner "strimzi" }}
Topics are KafkaTopic resources for Strimzi cluster {{ .Values.kafka.topics.strimzi.clusterName }}: services retry until the topic operator has created them.
{{- end }}

Watch the services come up:
  kubectl -n {{ $ns }} get deploy,pods -l app.kubernetes.io/instance={{ .Release.Name }}

SMPP binds (one Deployment per shard):
{{- range $shard := include "tuxhat.smppShards" $ | fromJsonArray }}
  {{ include "tuxhat.componentName" (dict "root" $ "component" "smpp-connector" "shard" $shard.name) }}: {{ if eq $shard.name "all" }}every SMPP carrier{{ else }}{{ join ", " $shard.carriers }}{{ end }}
{{- end }}

Send a first message (API key: node dist/scripts/api-key.js; its prefix and SHA-256 go in gatewayConfig.tenants):
  kubectl -n {{ $ns }} port-forward svc/{{ $svc }} 8080:{{ .Values.ingress.service.httpPort }}
  curl -s -X POST http://127.0.0.1:8080/v1/messages \
    -H "Authorization: Bearer $API_KEY" -H 'Content-Type: application/json' \
    -d '{"to":"+38267123456","from":"TuxHat","text":"Your code is 123456"}'
  gRPC: svc/{{ $svc }}:{{ .Values.ingress.service.grpcPort }} (sms.v1.Messages)
{{- if .Values.admin.enabled }}
{{- $admin := include "tuxhat.componentName" (dict "root" $ "component" "admin") }}

Admin API (tenants, keys, carriers, routes; OpenAPI at /admin/docs):
  kubectl -n {{ $ns }} port-forward svc/{{ $admin }} 8081:{{ .Values.admin.service.httpPort }}
  curl -s http://127.0.0.1:8081/admin/v1/tenants -H "Authorization: Bearer $ADMIN_KEY"
{{- if not .Values.admin.bootstrapKey.existingSecret }}
  No admin.bootstrapKey: create a key with dist/scripts/admin-key.js against the database.
{{- end }}
{{- end }}
{{- else }}
{{- $name := include "tuxhat.componentName" (dict "root" $ "component" "all-in-one") }}

One pod runs every service; it migrates and seeds its database at boot.
  Database: {{ if .Values.database.existingSecret }}PostgreSQL (Secret {{ .Values.database.existingSecret }}){{ else }}embedded PGlite on {{ if .Values.allInOne.persistence.existingClaim }}PVC {{ .Values.allInOne.persistence.existingClaim }}{{ else }}PVC {{ include "tuxhat.resourceName" (dict "root" $ "suffix" "data") }} (kept on uninstall){{ end }}{{ end }}
{{- if not (or .Values.gatewayConfig.existingConfigMap (include "tuxhat.hasInlineGatewayConfig" .)) }}
  No gatewayConfig: the built-in demo runs (demo tenant, SMSC simulator). Its API key is in the log:
    kubectl -n {{ $ns }} logs deploy/{{ $name }} | grep 'API key'
{{- end }}

Admin API (OpenAPI at /admin/docs): port {{ .Values.allInOne.service.adminPort }} of svc/{{ $name }}; its key:
{{- if .Values.admin.bootstrapKey.existingSecret }} the one in Secret {{ .Values.admin.bootstrapKey.existingSecret }}.
{{- else }} kubectl -n {{ $ns }} exec deploy/{{ $name }} -- cat /var/lib/tuxhat/admin-api-key
{{- end }}

Send a first message:
  kubectl -n {{ $ns }} port-forward svc/{{ $name }} 8080:{{ .Values.allInOne.service.httpPort }}
  curl -s -X POST http://127.0.0.1:8080/v1/messages \
    -H "Authorization: Bearer $API_KEY" -H 'Content-Type: application/json' \
    -d '{"to":"+38267123456","from":"TuxHat","text":"Your code is 123456"}'
{{- end }}

Operations (docs/operations.md): every pod serves /metrics, /health/live and /health/ready on
port {{ .Values.metrics.port }} (container port "ops"), e.g.
  kubectl -n {{ $ns }} port-forward deploy/{{ if eq .Values.mode "cluster" }}{{ include "tuxhat.componentName" (dict "root" $ "component" "ingress") }}{{ else }}{{ include "tuxhat.componentName" (dict "root" $ "component" "all-in-one") }}{{ end }} {{ .Values.metrics.port }} && curl -s 127.0.0.1:{{ .Values.metrics.port }}/health/ready
{{- if .Values.metrics.serviceMonitor.enabled }}
  Prometheus scrapes them through the ServiceMonitors (labels: {{ .Values.metrics.serviceMonitor.labels | toJson }}).
{{- else }}
  Scraping: pods carry prometheus.io/* annotations; metrics.serviceMonitor.enabled renders ServiceMonitors.
{{- end }}
{{- if .Values.metrics.grafanaDashboards.enabled }}
  Grafana dashboards (traffic, latency, carriers, tenants, errors): ConfigMaps labelled {{ .Values.metrics.grafanaDashboards.labels | toJson }}.
{{- else }}
  Grafana dashboards: deploy/grafana/*.json, or metrics.grafanaDashboards.enabled for the sidecar.
{{- end }}
{{- if and .Values.tracing.enabled .Values.tracing.otlpEndpoint }}
  Traces go to {{ .Values.tracing.otlpEndpoint }} (sampler {{ .Values.tracing.sampler }}).
{{- else if .Values.tracing.enabled }}
  Traces are not exported (tracing.otlpEndpoint is empty); trace ids still appear in the logs.
{{- end }}
{{- if .Values.networkPolicy.enabled }}

NetworkPolicies are on: each component reaches DNS, {{ if eq .Values.mode "cluster" }}Kafka, {{ end }}PostgreSQL and (connectors) its carriers only.
{{- end }}
Secrets are referenced, never rendered: after rotating one, restart the pods that use it
(kubectl -n {{ $ns }} rollout restart deploy -l app.kubernetes.io/instance={{ .Release.Name }}).
{{- end -}}
