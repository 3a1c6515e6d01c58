// Prints bench/search results as the Markdown tables of bench/README.md.
//   node bench/search/report.mjs results-1000.json results-10000.json
import { readFileSync } from 'node:fs';

const runs = process.argv.slice(2).map((f) => JSON.parse(readFileSync(f, 'utf8'))).sort((a, b) => a.n - b.n);
const kib = (b) => `${(b / 1024).toFixed(1)} KiB`;
const mib = (b) => `${(b / 1024 / 1024).toFixed(0)} MiB`;
const ratio = (a, b) => (b ? `${(a / b).toFixed(2)}×` : '–');
const int = (n) => n.toLocaleString('en-US');

const lines = ['| N | measure | casebook | Pagefind 1.6 | casebook / Pagefind |', '|---:|---|---:|---:|---:|'];
for (const r of runs) {
  const c = r.browser.engines.casebook.summary;
  const p = r.browser.engines.pagefind.summary;
  const row = (name, cv, pv, cr, pr) => lines.push(`| ${int(r.n)} | ${name} | ${cv} | ${pv} | ${ratio(cr, pr)} |`);
  row('index build (search stage; Pagefind run)', `${r.stage.seconds_median.toFixed(2)} s`, `${r.pagefind.seconds.toFixed(1)} s`, r.stage.seconds_median, r.pagefind.seconds);
  row('peak memory of the indexing', mib(r.stage.peak_bytes), mib(r.pagefind.peak_kib * 1024), r.stage.peak_bytes, r.pagefind.peak_kib * 1024);
  row('index files', int(r.disk.casebook.files), int(r.disk.pagefind.files), r.disk.casebook.files, r.disk.pagefind.files);
  row('index bytes on disk', `${(r.disk.casebook.bytes / 1e6).toFixed(1)} MB`, `${(r.disk.pagefind.bytes / 1e6).toFixed(1)} MB`, r.disk.casebook.bytes, r.disk.pagefind.bytes);
  row('cold first query, downloaded (median; min–max)', `${kib(c.coldBytesMedian)} (${kib(c.coldBytesMin)}–${kib(c.coldBytesMax)})`, `${kib(p.coldBytesMedian)} (${kib(p.coldBytesMin)}–${kib(p.coldBytesMax)})`, c.coldBytesMedian, p.coldBytesMedian);
  row('later query, downloaded (median; max)', `${kib(c.laterBytesMedian)} (${kib(c.laterBytesMax)})`, `${kib(p.laterBytesMedian)} (${kib(p.laterBytesMax)})`, c.laterBytesMedian, p.laterBytesMedian);
  row('cold: navigation to first 10 rendered (median)', `${c.coldMsMedian.toFixed(0)} ms`, `${p.coldMsMedian.toFixed(0)} ms`, c.coldMsMedian, p.coldMsMedian);
  row('cold: query start to first 10 rendered (median)', `${c.coldQueryMsMedian.toFixed(0)} ms`, `${p.coldQueryMsMedian.toFixed(0)} ms`, c.coldQueryMsMedian, p.coldQueryMsMedian);
  row('later: query to first 10 rendered (median)', `${c.laterMsMedian.toFixed(0)} ms`, `${p.laterMsMedian.toFixed(0)} ms`, c.laterMsMedian, p.laterMsMedian);
  row(`misses / false hits (${int(c.truth)} expected, ${r.browser.queries.length} queries)`, `${c.misses} / ${c.falseHits}`, `${p.misses} / ${p.falseHits}`, 0, 0);
}
console.log(lines.join('\n'));

const last = runs.at(-1);
if (last) {
  console.log(`\nPer query at N = ${int(last.n)}: expected cases; misses / false hits (Pagefind's other pages apart)\n`);
  console.log('| query | kind | expected | casebook | Pagefind | Pagefind non-case pages |');
  console.log('|---|---|---:|---:|---:|---:|');
  const { casebook, pagefind } = last.browser.engines;
  last.browser.queries.forEach((q, i) => {
    const c = casebook.exact[i], p = pagefind.exact[i];
    const label = q.ward ? `${q.q} + ${q.ward}` : q.q;
    console.log(`| ${label} | ${q.kind} | ${int(q.truth)} | ${c.misses} / ${c.falseHits} | ${p.misses} / ${p.falseHits} | ${p.otherPages} |`);
  });
}
