import { describe, expect, it } from 'vitest';
import { jiraKeysIn } from '../../../src/adapters/changelog/jira-keys.js';

describe('jiraKeysIn', () => {
  it('finds each key once, in order of appearance', () => {
    expect(jiraKeysIn('BOARD-112 Keep cursor position after reconnect\n\nFollow-up to BOARD-95 and BOARD-112')).toEqual(['BOARD-112', 'BOARD-95']);
  });

  it('finds keys inside branch names and brackets but not inside longer words', () => {
    expect(jiraKeysIn('Merge feature/BOARD-7-drain [OPS_2-14] into main; notBOARD-9')).toEqual(['BOARD-7', 'OPS_2-14']);
  });

  it('keeps only the named projects when given', () => {
    expect(jiraKeysIn('OPS-7 Log drains as UTF-8, see BOARD-101', ['BOARD'])).toEqual(['BOARD-101']);
    expect(jiraKeysIn('OPS-7 Log drains as UTF-8')).toEqual(['OPS-7', 'UTF-8']);
  });

  it('ignores lower-case and single-letter project names', () => {
    expect(jiraKeysIn('board-12 and B-12 are not keys')).toEqual([]);
  });
});
