// Printing and saving results.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';
import { fmt, fmtRatio, type CaseResult, type Row } from './measure.js';

const digits = (row: Row): number =>
  row.unit === 'ns/op' || row.unit === 'ns/spawn' ? 1 : row.unit === 'ms' ? 1 : 0;

/** A left-aligned first column and right-aligned others. */
function table(header: readonly string[], body: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

export function printCase(result: CaseResult): void {
  const body = result.rows.map((row) => [
    row.name,
    `${fmt(row.value, digits(row))} ${row.unit}`,
    row.ratio === undefined ? '' : fmtRatio(row.ratio),
    row.samples === undefined ? '' : row.samples.map((s) => fmt(s, digits(row))).join(' / '),
  ]);
  console.log(`\n${result.title}`);
  console.log(table(['', 'median', 'ratio', 'samples'], body));
}

export function printSummary(results: readonly CaseResult[]): void {
  const body = results.flatMap((r) =>
    r.checks.map((c) => [c.what, c.actual, c.target, c.met ? 'met' : 'NOT MET']),
  );
  console.log('\nTargets (ratios are rxotp ÷ baseline)');
  console.log(table(['check', 'this run', 'target', ''], body));
}

export function writeJson(path: string, results: readonly CaseResult[], startLoad: number[]): void {
  mkdirSync(dirname(path), { recursive: true });
  const report = {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    loadAverage: { start: startLoad, end: loadavg() },
    cases: results,
  };
  writeFileSync(path, JSON.stringify(report, null, 2) + '\n');
}

const escape = (s: string): string => s.replace(/\|/g, '\\|');

/** The results as Markdown, the form BENCHMARKS.md keeps: one table of rows, one of targets. */
export function markdown(results: readonly CaseResult[], load: readonly number[]): string {
  const out: string[] = [
    `Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, ` +
      `load average at start ${load.map((l) => l.toFixed(2)).join(' / ')}.`,
    '',
    '| case | implementation | median | ratio |',
    '| --- | --- | ---: | ---: |',
  ];
  for (const r of results) {
    for (const row of r.rows) {
      out.push(
        `| ${escape(r.title)} | ${escape(row.name)} | ${fmt(row.value, digits(row))} ${row.unit} | ` +
          `${row.ratio === undefined ? '' : fmtRatio(row.ratio)} |`,
      );
    }
  }
  out.push('', '| target | this run | goal | |', '| --- | ---: | ---: | --- |');
  for (const r of results) {
    for (const c of r.checks) {
      out.push(
        `| ${escape(c.what)} | ${c.actual} | ${c.target} | ${c.met ? 'met' : '**not met**'} |`,
      );
    }
  }
  return out.join('\n') + '\n';
}
