// Run one SQL statement in DuckDB (@duckdb/node-api) with threads = online cores.
//   node duckdb_query.mjs [--print] [--threads N] SQL
// Prints only the seconds spent in DuckDB (instance creation + query, node start-up
// excluded), or with --print only the result rows as tab-separated lines.
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { DuckDBInstance } from '@duckdb/node-api';

const args = process.argv.slice(2);
let print = false;
let threads = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
while (args.length && args[0].startsWith('--')) {
  const a = args.shift();
  if (a === '--print') print = true;
  else if (a === '--threads') threads = Number(args.shift());
  else { console.error(`duckdb_query: unknown option ${a}`); process.exit(1); }
}
if (args.length !== 1) { console.error('usage: duckdb_query.mjs [--print] [--threads N] SQL'); process.exit(1); }

const t0 = performance.now();
const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
const conn = await instance.connect();
const reader = await conn.runAndReadAll(args[0]);
const t1 = performance.now();
if (print) {
  for (const row of reader.getRowsJS()) console.log(row.map(String).join('\t'));
} else {
  console.log(((t1 - t0) / 1000).toFixed(6));
}
conn.closeSync?.();
