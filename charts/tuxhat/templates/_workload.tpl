{{/*
The Deployment, ServiceAccount, HPA, PDB, NetworkPolicy, metrics Service and ServiceMonitor of a
component, each from a context dict built by templates/<component>/*.yaml:
  root component shard values    (see _helpers.tpl)
  name          resource name of the Deployment, HPA, PDB, NetworkPolicy
  replicas      replicas when not autoscaled      autoscaling   the HPA values
  args          node's arguments (script first)   env           the component's own EnvVars
  ports         containerPorts                    strategy      Deployment strategy (optional)
  checksums     extra pod annotations             volumes, volumeMounts (optional, extra)
  lifecycle     container lifecycle (optional)    terminationGracePeriodSeconds (optional)
  noSpread      true: no topology spread constraints (single-pod workloads)
  group         the consumer group (HPA on Kafka lag)
Every container also gets the ops port (`ops`, metrics.port: /metrics, /health/live,
/health/ready) that the probes, the ServiceMonitor and Prometheus annotations point at.
*/}}

{{- define "tuxhat.deployment" -}}
{{- $root := .root -}}
{{- $v := .values -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .name }}
  namespace: {{ $root.Release.Namespace }}
  labels: {{- include "tuxhat.componentLabels" . | nindent 4 }}
spec:
  {{- if not (and .autoscaling .autoscaling.enabled) }}
  replicas: {{ .replicas }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels: {{- include "tuxhat.selectorLabels" . | nindent 6 }}
  {{- with .strategy }}
  strategy: {{- toYaml . | nindent 4 }}
  {{- end }}
  template:
    metadata:
      labels:
        {{- include "tuxhat.selectorLabels" . | nindent 8 }}
        app.kubernetes.io/version: {{ include "tuxhat.version" $root | quote }}
        {{- with (merge (dict) ($v.podLabels | default dict) ($root.Values.defaults.podLabels | default dict)) }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      annotations:
        {{- $checksums := merge (dict "checksum/config" (include "tuxhat.configChecksum" $root)) (.checksums | default dict) }}
        {{- $_ := merge $checksums (dict "prometheus.io/scrape" "true" "prometheus.io/port" ($root.Values.metrics.port | toString) "prometheus.io/path" $root.Values.metrics.path) }}
        {{- include "tuxhat.podAnnotations" (dict "root" $root "values" $v "checksums" $checksums) | nindent 8 }}
    spec:
      serviceAccountName: {{ include "tuxhat.serviceAccountName" . }}
      automountServiceAccountToken: false
      {{- with $root.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- range . }}
        - name: {{ . }}
        {{- end }}
      {{- end }}
      securityContext: {{- include "tuxhat.podSecurityContext" $root | nindent 8 }}
      terminationGracePeriodSeconds: {{ .terminationGracePeriodSeconds | default $v.terminationGracePeriodSeconds | default $root.Values.defaults.terminationGracePeriodSeconds }}
      {{- with include "tuxhat.scheduling" (dict "root" $root "component" .component "shard" .shard "values" $v "spread" (not .noSpread)) | trim }}
      {{- . | nindent 6 }}
      {{- end }}
      containers:
        - name: {{ .component }}
          image: {{ include "tuxhat.image" $root }}
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          command: [node]
          args: {{- toYaml .args | nindent 12 }}
          envFrom:
            - configMapRef:
                name: {{ include "tuxhat.envConfigMapName" $root }}
          env:
            {{- with include "tuxhat.databaseEnv" $root | trim }}
            {{- . | nindent 12 }}
            {{- end }}
            {{- with include "tuxhat.kafkaSecretEnv" $root | trim }}
            {{- . | nindent 12 }}
            {{- end }}
            {{- with include "tuxhat.tracingSecretEnv" $root | trim }}
            {{- . | nindent 12 }}
            {{- end }}
            {{- with $v.logLevel }}
            - name: LOG_LEVEL
              value: {{ . | quote }}
            {{- end }}
            {{- with .env }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
            {{- with $v.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          ports:
            {{- with .ports }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
            - name: ops
              containerPort: {{ $root.Values.metrics.port }}
              protocol: TCP
          {{- with include "tuxhat.probes" $v.probes | trim }}
          {{- . | nindent 10 }}
          {{- end }}
          {{- with .lifecycle }}
          lifecycle: {{- toYaml . | nindent 12 }}
          {{- end }}
          resources: {{- toYaml ($v.resources | default dict) | nindent 12 }}
          securityContext: {{- include "tuxhat.containerSecurityContext" $root | nindent 12 }}
          volumeMounts:
            {{- include "tuxhat.baseVolumeMounts" $root | nindent 12 }}
            {{- with include "tuxhat.kafkaVolumeMounts" $root | trim }}
            {{- . | nindent 12 }}
            {{- end }}
            {{- with .volumeMounts }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
      volumes:
        {{- include "tuxhat.baseVolumes" $root | nindent 8 }}
        {{- with include "tuxhat.kafkaVolumes" $root | trim }}
        {{- . | nindent 8 }}
        {{- end }}
        {{- with .volumes }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
{{- end -}}

{{- define "tuxhat.serviceAccount" -}}
{{- if .values.serviceAccount.create }}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "tuxhat.serviceAccountName" . }}
  namespace: {{ .root.Release.Namespace }}
  labels: {{- include "tuxhat.componentLabels" (dict "root" .root "component" .component) | nindent 4 }}
  {{- with .values.serviceAccount.annotations }}
  annotations: {{- toYaml . | nindent 4 }}
  {{- end }}
automountServiceAccountToken: false
{{- end }}
{{- end -}}

{{- define "tuxhat.hpa" -}}
{{- $a := .autoscaling -}}
{{- if and $a $a.enabled }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ .name }}
  namespace: {{ .root.Release.Namespace }}
  labels: {{- include "tuxhat.componentLabels" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ .name }}
  minReplicas: {{ $a.minReplicas }}
  maxReplicas: {{ $a.maxReplicas }}
  metrics:
    {{- if and $a.kafkaLag $a.kafkaLag.enabled }}
    - type: External
      external:
        metric:
          name: tuxhat_kafka_consumer_lag
          selector:
            matchLabels:
              group: {{ required "tuxhat: an HPA on Kafka lag needs the component's consumer group" .group | quote }}
        target:
          type: AverageValue
          averageValue: {{ $a.kafkaLag.averageValue | toString | quote }}
    {{- end }}
    {{- with $a.targetCPUUtilizationPercentage }}
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ . }}
    {{- end }}
    {{- with $a.targetMemoryUtilizationPercentage }}
    - type: Resource
      resource:
        name: memory
        target:
          type: Utilization
          averageUtilization: {{ . }}
    {{- end }}
{{- end }}
{{- end -}}

{{- define "tuxhat.pdb" -}}
{{- $p := .values.pdb -}}
{{- if $p.enabled }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ .name }}
  namespace: {{ .root.Release.Namespace }}
  labels: {{- include "tuxhat.componentLabels" . | nindent 4 }}
spec:
  {{- if not (kindIs "invalid" $p.minAvailable) }}
  minAvailable: {{ $p.minAvailable }}
  {{- else }}
  maxUnavailable: {{ $p.maxUnavailable | default 1 }}
  {{- end }}
  selector:
    matchLabels: {{- include "tuxhat.selectorLabels" . | nindent 6 }}
{{- end }}
{{- end -}}

{{/*
NetworkPolicy of a component: default deny both ways, then
  ingress  the rules given (.ingress), the ops port (scraping; metrics.networkPolicyFrom), extras
  egress   DNS, Kafka (cluster mode), PostgreSQL (when a database Secret is set), the OTLP
           collector (when spans are exported), .egress, extras
*/}}
{{- define "tuxhat.networkPolicy" -}}
{{- $root := .root -}}
{{- $np := $root.Values.networkPolicy -}}
{{- if $np.enabled }}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ .name }}
  namespace: {{ $root.Release.Namespace }}
  labels: {{- include "tuxhat.componentLabels" . | nindent 4 }}
spec:
  podSelector:
    matchLabels: {{- include "tuxhat.selectorLabels" . | nindent 6 }}
  policyTypes: [Ingress, Egress]
  {{- $ingress := concat (.ingress | default list) (.values.networkPolicy.extraIngress | default list) }}
  {{- if not .noMetrics }}
  {{- $rule := dict "ports" (list (dict "port" "ops" "protocol" "TCP")) }}
  {{- with $root.Values.metrics.networkPolicyFrom }}{{ $_ := set $rule "from" . }}{{ end }}
  {{- $ingress = append $ingress $rule }}
  {{- end }}
  {{- if $ingress }}
  ingress: {{- toYaml $ingress | nindent 4 }}
  {{- else }}
  ingress: []
  {{- end }}
  egress:
    - to: {{- toYaml $np.dns.to | nindent 8 }}
      ports: {{- toYaml $np.dns.ports | nindent 8 }}
    {{- if eq $root.Values.mode "cluster" }}
    - ports: {{- toYaml $np.kafka.ports | nindent 8 }}
      {{- with $np.kafka.to }}
      to: {{- toYaml . | nindent 8 }}
      {{- end }}
    {{- end }}
    {{- if $root.Values.database.existingSecret }}
    - ports: {{- toYaml $np.database.ports | nindent 8 }}
      {{- with $np.database.to }}
      to: {{- toYaml . | nindent 8 }}
      {{- end }}
    {{- end }}
    {{- if and $root.Values.tracing.enabled $root.Values.tracing.otlpEndpoint }}
    - ports: {{- toYaml $np.tracing.ports | nindent 8 }}
      {{- with $np.tracing.to }}
      to: {{- toYaml . | nindent 8 }}
      {{- end }}
    {{- end }}
    {{- with .egress }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
    {{- with .values.networkPolicy.extraEgress }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
{{- end }}
{{- end -}}

{{/* A headless Service exposing the metrics port, and its ServiceMonitor. */}}
{{- define "tuxhat.serviceMonitor" -}}
{{- $root := .root -}}
{{- $m := $root.Values.metrics -}}
{{- if $m.serviceMonitor.enabled }}
apiVersion: v1
kind: Service
metadata:
  name: {{ printf "%s-metrics" .name }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "tuxhat.componentLabels" . | nindent 4 }}
    tuxhat/metrics: "true"
spec:
  clusterIP: None
  selector: {{- include "tuxhat.selectorLabels" . | nindent 4 }}
  ports:
    - name: metrics
      port: {{ $m.port }}
      targetPort: ops
      protocol: TCP
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ .name }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "tuxhat.componentLabels" . | nindent 4 }}
    {{- with $m.serviceMonitor.labels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  jobLabel: app.kubernetes.io/component
  selector:
    matchLabels:
      {{- include "tuxhat.selectorLabels" . | nindent 6 }}
      tuxhat/metrics: "true"
  namespaceSelector:
    matchNames: [{{ $root.Release.Namespace }}]
  endpoints:
    - port: metrics
      path: {{ $m.path }}
      interval: {{ $m.serviceMonitor.interval }}
      scrapeTimeout: {{ $m.serviceMonitor.scrapeTimeout }}
{{- end }}
{{- end -}}

{{/* The Service in front of the REST and gRPC API (ingress, all-in-one). */}}
{{- define "tuxhat.apiService" -}}
{{- $s := .values.service -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ .name }}
  namespace: {{ .root.Release.Namespace }}
  labels: {{- include "tuxhat.componentLabels" . | nindent 4 }}
  {{- with $s.annotations }}
  annotations: {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  type: {{ $s.type }}
  selector: {{- include "tuxhat.selectorLabels" . | nindent 4 }}
  ports:
    - name: http
      port: {{ $s.httpPort }}
      targetPort: http
      protocol: TCP
      appProtocol: http
    - name: grpc
      port: {{ $s.grpcPort }}
      targetPort: grpc
      protocol: TCP
      appProtocol: kubernetes.io/h2c
    {{- with $s.adminPort }}
    - name: admin
      port: {{ . }}
      targetPort: admin
      protocol: TCP
      appProtocol: http
    {{- end }}
  {{- if and (eq $s.type "LoadBalancer") $s.loadBalancerSourceRanges }}
  loadBalancerSourceRanges: {{- toYaml $s.loadBalancerSourceRanges | nindent 4 }}
  {{- end }}
  {{- if and (ne $s.type "ClusterIP") $s.externalTrafficPolicy }}
  externalTrafficPolicy: {{ $s.externalTrafficPolicy }}
  {{- end }}
{{- end -}}
