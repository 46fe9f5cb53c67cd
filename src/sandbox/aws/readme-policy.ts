import { readFileSync } from 'node:fs';
import type { PolicyDocument } from './iam-policy.js';

/**
 * The IAM policy README.md's "AWS permissions" section tells operators to attach, as parsed JSON:
 * the sandbox enforces exactly what operators are told to grant, so a call the policy forgets fails here first.
 */
export function readmePolicy(): PolicyDocument {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const section = /^## AWS permissions[^\n]*\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1];
  const json = section && /```json\n([\s\S]*?)```/.exec(section)?.[1];
  if (!json) throw new Error('README.md has no ```json block in its "AWS permissions" section');
  return JSON.parse(json) as PolicyDocument;
}
