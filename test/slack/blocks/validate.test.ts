import { describe, expect, it } from 'vitest';
import { describeBlockProblem, validateBlocks } from '../../../src/slack/blocks/validate.js';

const plain = (text: string) => ({ type: 'plain_text', text });
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
const button = (extra: Record<string, unknown> = {}) => ({ type: 'button', action_id: 'a', text: plain('Go'), value: 'v', ...extra });
const x = (n: number) => 'x'.repeat(n);

function problems(blocks: unknown): string[] {
  return validateBlocks(blocks).map(describeBlockProblem);
}

describe('Block Kit limit validator', () => {
  it('accepts blocks right at every limit', () => {
    const blocks = [
      { type: 'header', text: plain(x(150)) },
      { type: 'section', text: mrkdwn(x(3000)), accessory: button() },
      { type: 'section', fields: Array.from({ length: 10 }, () => mrkdwn(x(200))) },
      { type: 'context', elements: Array.from({ length: 10 }, () => mrkdwn('c')) },
      {
        type: 'actions',
        block_id: x(255),
        elements: [
          button({ action_id: x(255), text: plain(x(75)), value: x(2000), confirm: { title: plain(x(100)), text: plain(x(300)), confirm: plain(x(30)), deny: plain(x(30)) } }),
          ...Array.from({ length: 24 }, (_, i) => button({ action_id: `b${i}` })),
        ],
      },
      { type: 'divider' },
      ...Array.from({ length: 44 }, () => ({ type: 'divider' })),
    ];
    expect(blocks).toHaveLength(50);
    expect(problems(blocks)).toEqual([]);
  });

  it.each([
    ['51 blocks', Array.from({ length: 51 }, () => ({ type: 'divider' })), 'must have at most 50 items (has 51) [json-pointer:/blocks]'],
    ['section text of 3001', [{ type: 'section', text: mrkdwn(x(3001)) }], 'must be at most 3000 characters (has 3001) [json-pointer:/blocks/0/text/text]'],
    ['11 fields', [{ type: 'section', fields: Array.from({ length: 11 }, () => mrkdwn('f')) }], 'must have at most 10 items [json-pointer:/blocks/0/fields]'],
    ['a field of 2001', [{ type: 'section', fields: [mrkdwn(x(2001))] }], 'must be at most 2000 characters (has 2001) [json-pointer:/blocks/0/fields/0/text]'],
    ['header of 151', [{ type: 'header', text: plain(x(151)) }], 'must be at most 150 characters (has 151) [json-pointer:/blocks/0/text/text]'],
    ['mrkdwn header', [{ type: 'header', text: mrkdwn('h') }], 'must be one of plain_text [json-pointer:/blocks/0/text/type]'],
    ['11 context elements', [{ type: 'context', elements: Array.from({ length: 11 }, () => mrkdwn('c')) }], 'must have at most 10 items (has 11) [json-pointer:/blocks/0/elements]'],
    ['26 actions', [{ type: 'actions', elements: Array.from({ length: 26 }, (_, i) => button({ action_id: `a${i}` })) }], 'must have at most 25 items (has 26) [json-pointer:/blocks/0/elements]'],
    ['button text of 76', [{ type: 'actions', elements: [button({ text: plain(x(76)) })] }], 'must be at most 75 characters (has 76) [json-pointer:/blocks/0/elements/0/text/text]'],
    ['button value of 2001', [{ type: 'actions', elements: [button({ value: x(2001) })] }], 'must be at most 2000 characters (has 2001) [json-pointer:/blocks/0/elements/0/value]'],
    ['action_id of 256', [{ type: 'actions', elements: [button({ action_id: x(256) })] }], 'must be at most 255 characters (has 256) [json-pointer:/blocks/0/elements/0/action_id]'],
    ['duplicate action_id', [{ type: 'actions', elements: [button(), button()] }], 'duplicate action_id "a" in this block [json-pointer:/blocks/0/elements/1/action_id]'],
    ['confirm title of 101', [{ type: 'actions', elements: [button({ confirm: { title: plain(x(101)), text: plain('t') } })] }], 'must be at most 100 characters (has 101) [json-pointer:/blocks/0/elements/0/confirm/title/text]'],
    ['confirm text of 301', [{ type: 'actions', elements: [button({ confirm: { text: plain(x(301)) } })] }], 'must be at most 300 characters (has 301) [json-pointer:/blocks/0/elements/0/confirm/text/text]'],
    ['block_id of 256', [{ type: 'divider', block_id: x(256) }], 'must be at most 255 characters (has 256) [json-pointer:/blocks/0/block_id]'],
    ['duplicate block_id', [{ type: 'divider', block_id: 'd' }, { type: 'divider', block_id: 'd' }], 'duplicate block_id "d" [json-pointer:/blocks/1/block_id]'],
    ['empty section text', [{ type: 'section', text: mrkdwn('') }], 'must be a non-empty string [json-pointer:/blocks/0/text/text]'],
    ['a section with nothing', [{ type: 'section' }], 'a section needs text or fields [json-pointer:/blocks/0]'],
    ['an unknown block', [{ type: 'carousel' }], 'unsupported block type "carousel" [json-pointer:/blocks/0/type]'],
    ['not an array', { type: 'divider' }, 'must be an array [json-pointer:/blocks]'],
  ])('rejects %s', (_name, blocks, problem) => {
    expect(problems(blocks)).toContain(problem);
  });

  it('reports msg_blocks_too_long when the text of all blocks together is too long', () => {
    const blocks = Array.from({ length: 5 }, () => ({ type: 'section', text: mrkdwn(x(2500)) }));
    expect(validateBlocks(blocks)).toEqual([
      { pointer: '/blocks', message: 'text of all blocks must total at most 12000 characters (has 12500)', error: 'msg_blocks_too_long' },
    ]);
  });
});
