const [a, b] = await Promise.all([
  leadex.search({ prompt: "Series B AI-infra companies in US hiring ML engineers", max_rows: 300 }),
  leadex.search({ prompt: "Series B AI-infra companies in EU hiring ML engineers", max_rows: 300 }),
]);
const domains = new Set(a.leads.map(l => l.company.domain));
const overlap = b.leads.filter(l => domains.has(l.company.domain));
console.log(`US: ${a.leads.length}, EU: ${b.leads.length}, overlap: ${overlap.length}`);
