{{- define "leadex.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "leadex.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "leadex.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "leadex.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "leadex.selectorLabels" -}}
app.kubernetes.io/name: {{ include "leadex.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "leadex.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{- define "leadex.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "leadex.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "leadex.secretName" -}}
{{- default (printf "%s-secrets" (include "leadex.fullname" .)) .Values.existingSecret -}}
{{- end -}}

{{/* The settings every Leadex container reads: the ConfigMap, the Secret, Temporal's TLS. */}}
{{- define "leadex.env" -}}
envFrom:
  - configMapRef:
      name: {{ include "leadex.fullname" . }}-config
  - secretRef:
      name: {{ include "leadex.secretName" . }}
{{- if or .Values.temporal.tls.existingSecret .Values.temporal.apiKey.existingSecret }}
env:
  {{- if .Values.temporal.tls.existingSecret }}
  - name: LEADEX_TEMPORAL_TLS_CERT
    value: /etc/leadex/temporal-tls/tls.crt
  - name: LEADEX_TEMPORAL_TLS_KEY
    value: /etc/leadex/temporal-tls/tls.key
  {{- end }}
  {{- if .Values.temporal.apiKey.existingSecret }}
  - name: LEADEX_TEMPORAL_API_KEY
    valueFrom:
      secretKeyRef:
        name: {{ .Values.temporal.apiKey.existingSecret }}
        key: {{ .Values.temporal.apiKey.key }}
  {{- end }}
{{- end }}
{{- end -}}

{{- define "leadex.volumeMounts" -}}
- name: data
  mountPath: /var/lib/leadex
- name: tmp
  mountPath: /tmp
{{- if .Values.temporal.tls.existingSecret }}
- name: temporal-tls
  mountPath: /etc/leadex/temporal-tls
  readOnly: true
{{- end }}
{{- end -}}

{{- define "leadex.volumes" -}}
- name: data
  emptyDir: {}
- name: tmp
  emptyDir: {}
{{- if .Values.temporal.tls.existingSecret }}
- name: temporal-tls
  secret:
    secretName: {{ .Values.temporal.tls.existingSecret }}
{{- end }}
{{- end -}}
