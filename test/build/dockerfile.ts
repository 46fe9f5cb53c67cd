import { readFile } from 'node:fs/promises';

export interface DockerStage {
  name: string | null;
  runs: string[];
  env: Record<string, string>;
  instructions: { keyword: string; args: string }[];
}

/** The Dockerfile's stages, with continuation lines joined and comments dropped: enough to run its steps. */
export async function readDockerfile(url: URL): Promise<DockerStage[]> {
  const text = (await readFile(url, 'utf8')).replace(/\\\n\s*/g, '');
  const stages: DockerStage[] = [];
  for (const line of text.split('\n').map((l) => l.trim())) {
    if (line === '' || line.startsWith('#')) continue;
    const [, keyword, args] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    if (keyword === 'FROM') {
      stages.push({ name: / AS (\S+)$/i.exec(args)?.[1] ?? null, runs: [], env: {}, instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) continue;
    stage.instructions.push({ keyword, args });
    if (keyword === 'RUN') stage.runs.push(args);
    if (keyword === 'ENV') for (const [, key, value] of args.matchAll(/(\w+)=(\S+)/g)) stage.env[key] = value;
  }
  return stages;
}
