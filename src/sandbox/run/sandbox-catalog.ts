import { readFile, writeFile } from 'node:fs/promises';

/**
 * The sandbox runs the shipped catalog with three local differences: board servers serve their
 * metrics on the application port, the deploy window is open every day (so a newcomer can try a
 * release at any hour; data/services.yml shows a real window), and the changelog comes from the
 * sample repository the sandbox builds.
 */
export async function writeSandboxCatalog(options: { from: string; to: string; repo: string; appPort: number; fast: boolean; tune?: (yaml: string) => string }): Promise<string> {
  let yaml = (await readFile(options.from, 'utf8'))
    .replace(/instanceValue: "\{privateIp\}:\d+"/, `instanceValue: "{privateIp}:${options.appPort}"`)
    .replace(/url: http:\/\/\{privateIp\}:\d+\/drain/, `url: http://{privateIp}:${options.appPort}/drain`)
    .replace(/repo: [^\s}]+/, `repo: ${options.repo}`)
    .replace(/days: \[[^\]]*\]/, 'days: [mon, tue, wed, thu, fri, sat, sun]')
    .replace(/hours: "[^"]*"/, 'hours: "00:00-24:00"')
    .replace(/holidays: \[[^\]]*\]/, 'holidays: []')
    .replace(/freezes:\n( {8}- .*\n)+/, 'freezes: []\n');
  if (options.fast) {
    // Minutes instead of hours, so the whole story fits in a coffee break.
    yaml = yaml
      .replace(/pollInterval: 5s\n/, 'pollInterval: 1s\n')
      .replace('minSoak: 4h', 'minSoak: 2m')
      .replace('pollInterval: 1m', 'pollInterval: 5s')
      .replace('extendBy: 1h', 'extendBy: 1m')
      .replace('keepWarm: 30m', 'keepWarm: 1m')
      .replace('gate: { minBoards: 1, timeout: 10m, observe: 30s }', 'gate: { minBoards: 1, timeout: 5m, observe: 10s }')
      .replace('serverTimeout: 10m', 'serverTimeout: 2m');
  }
  await writeFile(options.to, options.tune ? options.tune(yaml) : yaml);
  return options.to;
}
