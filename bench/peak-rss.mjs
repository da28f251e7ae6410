// Preloaded into benchmarked Node.js processes (`node --import ./bench/peak-rss.mjs ...`): writes the
// process's peak resident set size, in bytes, to $BENCH_PEAK_RSS_FILE when it exits. Portable where
// `/usr/bin/time -v` is missing, and it covers every thread of the process (tsx's loader worker too).
import { writeFileSync } from 'node:fs';

const target = process.env.BENCH_PEAK_RSS_FILE;
if (target) {
  process.on('exit', () => writeFileSync(target, String(process.resourceUsage().maxRSS * 1024)));
}
