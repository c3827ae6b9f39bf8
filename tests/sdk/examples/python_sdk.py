from leadex import Leadex

client = Leadex()
job = client.search(
    prompt="US Series B dev-tools CTOs hiring Staff Engineers",
    max_rows=100,
)
print(len(job.leads), "leads")

# Async variant
import asyncio
from leadex import AsyncLeadex

async def main():
    async with AsyncLeadex() as client:
        async for event in client.jobs.stream(job_id):
            if event.type == "result":
                print("got", len(event.data.leads), "leads")

asyncio.run(main())
