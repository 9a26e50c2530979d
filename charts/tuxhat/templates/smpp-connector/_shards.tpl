{{/*
The smpp-connector's Deployments as a JSON list: one per smppConnector.shards entry, or one
named "all" holding every SMPP carrier when there are no shards. Each: name, carriers,
replicas, autoscaling, resources, egress.
*/}}
{{- define "tuxhat.smppShards" -}}
{{- $s := .Values.smppConnector -}}
{{- $units := list -}}
{{- if $s.shards -}}
{{- range $shard := $s.shards -}}
{{- $units = append $units (dict
  "name" $shard.name
  "carriers" $shard.carriers
  "replicas" ($shard.replicas | default 1)
  "autoscaling" ($shard.autoscaling | default (dict "enabled" false))
  "resources" ($shard.resources | default $s.resources)
  "egress" (($shard.networkPolicy | default dict).egress | default list)) -}}
{{- end -}}
{{- else -}}
{{- $units = list (dict "name" "all" "carriers" list "replicas" $s.replicaCount
  "autoscaling" $s.autoscaling "resources" $s.resources "egress" list) -}}
{{- end -}}
{{- toJson $units -}}
{{- end -}}
