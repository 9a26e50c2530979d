{{/*
A pre-install/pre-upgrade hook Job (dict root component weight args env volumes volumeMounts
kafka: true for a Job that talks to Kafka, which then gets the SASL password and the client
certificate).
Helm runs hooks by weight and waits for each Job: migrate (0), seed (10), topics (20); a failed
Job fails the install/upgrade before any service changes. A Job is replaced at the next run
(before-hook-creation) and deleted ttlSecondsAfterFinished after it ends.
*/}}
{{- define "tuxhat.hookJob" -}}
{{- $root := .root -}}
{{- $j := $root.Values.jobs -}}
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ include "tuxhat.resourceName" (dict "root" $root "suffix" .component) }}
  namespace: {{ $root.Release.Namespace }}
  labels: {{- include "tuxhat.componentLabels" . | nindent 4 }}
  annotations:
    helm.sh/hook: pre-install,pre-upgrade
    helm.sh/hook-weight: {{ .weight | quote }}
    helm.sh/hook-delete-policy: before-hook-creation
spec:
  backoffLimit: {{ $j.backoffLimit }}
  activeDeadlineSeconds: {{ $j.activeDeadlineSeconds }}
  ttlSecondsAfterFinished: {{ $j.ttlSecondsAfterFinished }}
  template:
    metadata:
      labels:
        {{- include "tuxhat.selectorLabels" . | nindent 8 }}
        tuxhat/hook: "true"
      {{- with (merge (dict) ($j.podAnnotations | default dict) ($root.Values.defaults.podAnnotations | default dict)) }}
      annotations: {{- toYaml . | nindent 8 }}
      {{- end }}
    spec:
      restartPolicy: Never
      automountServiceAccountToken: false
      {{- with $root.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- range . }}
        - name: {{ . }}
        {{- end }}
      {{- end }}
      securityContext: {{- include "tuxhat.podSecurityContext" $root | nindent 8 }}
      {{- with include "tuxhat.scheduling" (dict "root" $root "component" .component "values" $j "spread" false) | trim }}
      {{- . | nindent 6 }}
      {{- end }}
      containers:
        - name: {{ .component }}
          image: {{ include "tuxhat.image" $root }}
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          command: [node]
          args: {{- toYaml .args | nindent 12 }}
          env:
            {{- range $name, $value := include "tuxhat.commonEnv" $root | fromYaml }}
            - name: {{ $name }}
              value: {{ $value | quote }}
            {{- end }}
            {{- with include "tuxhat.databaseEnv" $root | trim }}
            {{- . | nindent 12 }}
            {{- end }}
            {{- if .kafka }}
            {{- with include "tuxhat.kafkaSecretEnv" $root | trim }}
            {{- . | nindent 12 }}
            {{- end }}
            {{- end }}
            {{- with .env }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          resources: {{- toYaml ($j.resources | default dict) | nindent 12 }}
          securityContext: {{- include "tuxhat.containerSecurityContext" $root | nindent 12 }}
          volumeMounts:
            {{- include "tuxhat.baseVolumeMounts" $root | nindent 12 }}
            {{- if .kafka }}
            {{- with include "tuxhat.kafkaVolumeMounts" $root | trim }}
            {{- . | nindent 12 }}
            {{- end }}
            {{- end }}
            {{- with .volumeMounts }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
      volumes:
        {{- include "tuxhat.baseVolumes" $root | nindent 8 }}
        {{- if .kafka }}
        {{- with include "tuxhat.kafkaVolumes" $root | trim }}
        {{- . | nindent 8 }}
        {{- end }}
        {{- end }}
        {{- with .volumes }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
{{- end -}}
