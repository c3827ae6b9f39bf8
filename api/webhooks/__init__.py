"""/v1/webhooks: endpoints that receive the organization's events."""
