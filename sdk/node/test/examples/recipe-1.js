const job = await leadex.search({
  prompt: "Heads of Data at US healthcare companies, 500–5000 employees, using Snowflake",
  max_rows: 500,
  format: "csv",
});
await fs.writeFile("heads-of-data.csv", job.csv);
