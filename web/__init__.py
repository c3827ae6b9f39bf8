"""The web app under /app: server-rendered pages over the public /v1 API."""
