import { describe, expect, it } from 'vitest';
import { checkAccess } from '../../src/deploy/access.js';
import type { Directory } from '../../src/deploy/ports.js';
import { serviceWith } from '../support/catalog.js';

const directory: Directory = {
  async membersOf(group) {
    return group === 'S0DEPLOYERS' ? ['U0DEPLOYER'] : group === 'S0APPROVERS' ? ['U0APPROVER'] : [];
  },
};
const service = serviceWith({ access: { deploy: ['S0DEPLOYERS', 'U0DIRECT'], approve: ['S0APPROVERS'], release: [] } });

describe('access rules', () => {
  it('allows members of a listed user group', async () => {
    expect(await checkAccess(service, 'deploy', 'U0DEPLOYER', directory)).toEqual({ allowed: true });
  });

  it('allows a listed user ID', async () => {
    expect(await checkAccess(service, 'deploy', 'U0DIRECT', directory)).toEqual({ allowed: true });
  });

  it('refuses someone outside the lists and names who is allowed', async () => {
    const answer = await checkAccess(service, 'approve', 'U0DEPLOYER', directory);
    expect(answer.allowed).toBe(false);
    expect(answer.allowed === false && answer.valid).toContain('<!subteam^S0APPROVERS>');
  });

  it('refuses everyone when a permission lists nobody', async () => {
    const answer = await checkAccess(service, 'release', 'U0APPROVER', directory);
    expect(answer.allowed === false && answer.valid).toContain('nobody yet');
  });
});
