import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { CommandSpec } from '../commands/spec.js';

/** The parts of Slack's app manifest schema this test reads. */
interface Manifest {
  _metadata?: { major_version?: number };
  display_information: { name: string };
  features?: { slash_commands?: { command: string; description: string; usage_hint?: string }[] };
  oauth_config?: { scopes?: { bot?: string[] } };
  settings?: { socket_mode_enabled?: boolean; interactivity?: { is_enabled?: boolean } };
}

const manifest = parse(readFileSync(new URL('../manifest.yml', import.meta.url), 'utf8')) as Manifest;
const commandDir = new URL('../commands/', import.meta.url);

async function commandSpecs(): Promise<CommandSpec[]> {
  const files = readdirSync(commandDir).filter((f) => f.endsWith('.ts') && f !== 'spec.ts');
  const modules = await Promise.all(files.map((f) => import(new URL(f, commandDir).href) as Promise<{ spec?: CommandSpec }>));
  return modules.map((m, i) => {
    if (!m.spec) throw new Error(`commands/${files[i]} exports no spec`);
    return m.spec;
  });
}

describe('manifest.yml', () => {
  it('declares exactly the slash commands in commands/, with the same description and usage hint', async () => {
    const declared = (manifest.features?.slash_commands ?? []).map((c) => ({ command: c.command, description: c.description, usageHint: c.usage_hint }));
    const specs = (await commandSpecs()).map((s) => ({ command: s.command, description: s.description, usageHint: s.usageHint }));
    const byName = (a: { command: string }, b: { command: string }) => a.command.localeCompare(b.command);
    expect(declared.sort(byName)).toEqual(specs.sort(byName));
  });

  it('stays within Slack limits for names and commands', () => {
    expect(manifest._metadata?.major_version).toBe(1);
    expect(manifest.display_information.name.length).toBeLessThanOrEqual(35);
    for (const command of manifest.features?.slash_commands ?? []) {
      expect(command.command.length).toBeLessThanOrEqual(32);
      expect(command.command).toMatch(/^\/[a-z0-9_-]+$/);
    }
  });

  it('asks for the scopes the bot uses and runs in Socket Mode with interactivity', () => {
    expect(manifest.oauth_config?.scopes?.bot).toEqual(expect.arrayContaining(['chat:write', 'commands', 'usergroups:read']));
    expect(manifest.settings?.socket_mode_enabled).toBe(true);
    expect(manifest.settings?.interactivity?.is_enabled).toBe(true);
  });
});
