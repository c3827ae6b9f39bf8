"""The API's resources, as attributes of the clients."""
