// `contango --help` and `contango <cmd> --help` through the compiled CLI (bin/contango.js → dist/): every
// command, subcommand, argument and option is documented, and asking for help loads only the command
// declarations (src/cli/commands/), never an implementation: that is what keeps start-up fast.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { registerCommands } from '../../src/cli/commands/index.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = fileURLToPath(new URL('../../bin/contango.js', import.meta.url));
const tracer = fileURLToPath(new URL('./fixtures/trace-imports.mjs', import.meta.url));
const built = existsSync(new URL('../../dist/src/cli/commands/index.js', import.meta.url));
const dir = mkdtempSync(path.join(os.tmpdir(), 'contango-startup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function contango(args: string[], nodeArgs: string[] = [], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [...nodeArgs, bin, ...args], { cwd: root, encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Help text wraps at the terminal width: compare with runs of white space collapsed. */
const flat = (s: string) => s.replace(/\s+/g, ' ');

/** Every command path (`['generate', 'sample']` ...) with its declaration, from the same registry the CLI uses. */
function commandTree(): { path: string[]; cmd: Command }[] {
  const program = new Command('contango');
  registerCommands(program);
  const out: { path: string[]; cmd: Command }[] = [];
  const walk = (c: Command, p: string[]) => {
    for (const sub of c.commands) {
      out.push({ path: [...p, sub.name()], cmd: sub });
      walk(sub, [...p, sub.name()]);
    }
  };
  walk(program, []);
  return out;
}

const tree = commandTree();

describe('contango --help', () => {
  it('is built (npm run build:ts)', () => {
    expect(built, 'dist/src/cli/commands/index.js is missing: run npm run build:ts first').toBe(true);
  });

  it('declares the commands of the README', () => {
    expect(tree.map((t) => t.path.join(' '))).toEqual(['match', 'replay', 'convert', 'backtest', 'walk-forward', 'generate', 'generate sample', 'generate mbo-day', 'demo']);
  });

  it.runIf(built)('lists every command with its summary', () => {
    const r = contango(['--help']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    for (const { path: p, cmd } of tree.filter((t) => t.path.length === 1)) {
      expect(r.stdout).toMatch(new RegExp(`^  ${p[0]} `, 'm'));
      expect(cmd.summary().length, `${p[0]} has a one-line summary`).toBeGreaterThan(10);
      expect(flat(r.stdout)).toContain(flat(cmd.summary()));
    }
  });

  it.runIf(built)('<command> --help documents every argument and option with its description and default', () => {
    for (const { path: p, cmd } of tree) {
      const r = contango([...p, '--help']);
      const text = flat(r.stdout);
      expect(r.stderr, p.join(' ')).toBe('');
      expect(r.code, p.join(' ')).toBe(0);
      expect(text, p.join(' ')).toContain(`Usage: contango ${p.join(' ')} `);
      expect(text).toContain(flat(cmd.description()));
      for (const a of cmd.registeredArguments) {
        expect(a.description.length, `${p.join(' ')} <${a.name()}> is described`).toBeGreaterThan(0);
        expect(text).toContain(flat(a.description));
      }
      for (const o of cmd.options) {
        expect(o.description.length, `${p.join(' ')} ${o.flags} is described`).toBeGreaterThan(0);
        expect(text, `${p.join(' ')} --help shows ${o.flags}`).toContain(o.flags);
        expect(text).toContain(flat(o.description));
        if (o.defaultValue !== undefined && !Array.isArray(o.defaultValue)) expect(text).toContain(`default: ${JSON.stringify(o.defaultValue)})`);
      }
      if (cmd.commands.length) for (const sub of cmd.commands) expect(text).toContain(flat(sub.summary()));
    }
  });

  it.runIf(built)('loads only the command declarations, commander and the logger (implementations load when a command runs)', () => {
    const allowed = [/\/bin\/contango\.js$/, /\/dist\/src\/cli\/main\.js$/, /\/dist\/src\/cli\/commands\/[\w-]+\.js$/, /\/dist\/src\/util\/log\.js$/, /\/node_modules\/commander\//, /^node:/];
    for (const args of [['--help'], ...tree.map((t) => [...t.path, '--help'])]) {
      const trace = path.join(dir, `${args.join('_')}.txt`);
      const r = contango(args, ['--import', tracer], { CONTANGO_TRACE_FILE: trace });
      expect(r.code).toBe(0);
      const loaded = [...new Set(readFileSync(trace, 'utf8').split('\n').filter(Boolean))];
      expect(loaded.length).toBeGreaterThan(5);
      expect(loaded.filter((u) => !allowed.some((re) => re.test(u))), `contango ${args.join(' ')}`).toEqual([]);
    }
  });

  it.runIf(built)('still runs a command through its lazily loaded implementation', () => {
    const r = contango(['match', '--engine', 'reference'], [], {});
    // no input on stdin (spawnSync closes it): nothing to match, exit 0
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const bad = contango(['replay', path.join(dir, 'missing.dbn'), '--summary', path.join(dir, 's.json')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/missing\.dbn/);
  });
});
