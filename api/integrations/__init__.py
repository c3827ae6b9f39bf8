"""/v1/integrations and /v1/jobs/{id}/push: CRM connections and pushes."""
