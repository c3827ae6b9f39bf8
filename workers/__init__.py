"""Worker processes: task queues wired to workflows and activities."""
