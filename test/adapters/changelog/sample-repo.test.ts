import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execGit } from '../../../src/adapters/changelog/run-git.js';
import { createSampleRepo } from '../../../src/sandbox/git/sample-repo.js';

let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'sample-repo-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const git = (dir: string, ...args: string[]) => execGit([`--git-dir=${dir}`, ...args], { timeoutMs: 10_000 }).then((out) => out.trim());

describe('sample repository', () => {
  it('is a bare repository whose release tags point at the returned commits', async () => {
    const dir = join(tmp, 'tags.git');
    const shas = await createSampleRepo(dir);

    expect(Object.keys(shas)).toEqual(['1.0.0', '1.1.0', '1.2.0']);
    expect(await git(dir, 'rev-parse', '--is-bare-repository')).toBe('true');
    for (const [version, sha] of Object.entries(shas)) expect(await git(dir, 'rev-parse', `v${version}^{commit}`)).toBe(sha);
    expect(await git(dir, 'rev-parse', 'main')).toBe(shas['1.2.0']);
    expect(await git(dir, 'show', `${shas['1.1.0']}:VERSION`)).toBe('1.1.0');
  });

  it('gives the same commit ids every time it is built', async () => {
    const first = await createSampleRepo(join(tmp, 'one.git'));
    const second = await createSampleRepo(join(tmp, 'two.git'));

    expect(second).toEqual(first);
  });

  it('extends an existing repository with later versions, including ones it has no history for', async () => {
    const dir = join(tmp, 'grow.git');
    const early = await createSampleRepo(dir, ['1.0.0']);
    const later = await createSampleRepo(dir, ['1.1.0', '1.3.0']);

    expect(await git(dir, 'merge-base', '--is-ancestor', early['1.0.0'], later['1.3.0'])).toBe('');
    expect(await git(dir, 'log', '--format=%s', `${later['1.1.0']}..${later['1.3.0']}`)).toMatch(/^BOARD-\d+ Prepare release 1\.3\.0\nBOARD-\d+ Tune reconnect backoff for 1\.3\.0$/);
    expect(await git(dir, 'rev-list', '--count', 'main')).toBe('10');
  });
});
