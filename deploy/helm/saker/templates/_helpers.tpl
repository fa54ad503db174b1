{{/* Chart name, overridable. */}}
{{- define "saker.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Prefix of every resource name: release name + chart name, unless one contains the other. */}}
{{- define "saker.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "saker.namespace" -}}
{{- default .Release.Namespace .Values.namespaceOverride }}
{{- end }}

{{- define "saker.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels common to every object; pass a dict with "ctx" (root) and "component". */}}
{{- define "saker.labels" -}}
helm.sh/chart: {{ include "saker.chart" .ctx }}
{{ include "saker.selectorLabels" . }}
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
app.kubernetes.io/part-of: saker
{{- end }}

{{/* Labels a Service or controller selects pods by. */}}
{{- define "saker.selectorLabels" -}}
app.kubernetes.io/name: {{ include "saker.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* registry/repository:tag of an image section; tag defaults to appVersion. Pass dict "image" and "ctx". */}}
{{- define "saker.image" -}}
{{- $tag := .image.tag | default .ctx.Chart.AppVersion }}
{{- if .image.registry }}
{{- printf "%s/%s:%s" .image.registry .image.repository $tag }}
{{- else }}
{{- printf "%s:%s" .image.repository $tag }}
{{- end }}
{{- end }}

{{- define "saker.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "saker.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "saker.sidekick.fullname" -}}
{{- printf "%s-sidekick" (include "saker.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The capture -> engine links, as --events/--control arguments of both
containers: ipc sockets in the pod's shared /run/saker emptyDir. */}}
{{- define "saker.linkArgs" -}}
- --events
- ipc:///run/saker/events.sock
- --control
- ipc:///run/saker/control.sock
{{- end }}

{{/* URL the engine's http_output posts alerts to. */}}
{{- define "saker.sidekick.url" -}}
{{- $host := include "saker.sidekick.fullname" . }}
{{- if .Values.sidekick.fullfqdn }}
{{- $host = printf "%s.%s.svc.cluster.local" $host (include "saker.namespace" .) }}
{{- end }}
{{- printf "http://%s:%v/" $host .Values.sidekick.service.port }}
{{- end }}

{{/* saker.yaml: the engine config from .Values.saker, wired to the sidekick when enabled. */}}
{{- define "saker.engineConfig" -}}
{{- $cfg := deepCopy .Values.saker }}
{{- if .Values.sidekick.enabled }}
{{- $_ := set $cfg "json_output" true }}
{{- $_ := set $cfg "json_include_output_property" true }}
{{- $http := deepCopy (default dict $cfg.http_output) }}
{{- $_ := set $http "enabled" true }}
{{- $_ := set $http "url" (include "saker.sidekick.url" .) }}
{{- $_ := set $cfg "http_output" $http }}
{{- end }}
{{- toYaml $cfg }}
{{- end }}

{{/*
Falcosidekick-style environment variables from sidekick.config: section.key
-> SECTION_KEY, recursively, skipping empty values and the chart's own keys.
Pass dict "prefix" and "values".
*/}}
{{- define "saker.sidekick.env" -}}
{{- $prefix := .prefix }}
{{- range $key, $value := .values }}
{{- if not (and (eq $prefix "") (has $key (list "existingSecret" "extraEnv" "extraArgs"))) }}
{{- $name := upper (printf "%s%s" $prefix $key) }}
{{- if kindIs "map" $value }}
{{- include "saker.sidekick.env" (dict "prefix" (printf "%s_" $name) "values" $value) }}
{{- else if kindIs "slice" $value }}
{{- if $value }}
{{ $name }}: {{ join "," $value | b64enc | quote }}
{{- end }}
{{- else if or $value (kindIs "bool" $value) }}
{{ $name }}: {{ toString $value | b64enc | quote }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
