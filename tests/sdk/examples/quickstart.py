from leadex import Leadex
client = Leadex() # reads LEADEX_API_KEY
thread = client.threads.create(title="Series A FinTech in EU")
msg = client.messages.create(
    thread_id=thread.id,
    content="Find Series A fintechs in France with 20+ engineers. Pull VP Eng and Head of Growth.",
)
client.jobs.approve(msg.job.id)
for event in client.jobs.stream(msg.job.id):
    if event.type == "step": print("[step]", event.data["title"])
    if event.type == "done": break
    if event.type == "error": raise RuntimeError(event.data["message"])
job = client.jobs.retrieve(msg.job.id)
client.artifacts.download(job.artifact.id, to="./leads.csv")
