import { describe, expect, it } from 'vitest';
import { renderPrereleaseParent } from '../../../src/slack/blocks/prerelease-parent.js';
import { reasonModal } from '../../../src/slack/blocks/reason-modal.js';
import { renderReleaseParent } from '../../../src/slack/blocks/release-parent.js';
import { renderThreadNote } from '../../../src/slack/blocks/thread-note.js';
import { NOW, prerelease } from '../../slack/fixtures.js';
import { draining, release } from '../../slack/blocks/release-fixtures.js';
import { exampleService } from '../../support/catalog.js';

/**
 * The page's renderers are plain browser modules (no build step); their string-producing parts run
 * in Node as they are, so Slack's formatting rules are checked here and the browser test checks
 * the page around them.
 */

interface Names {
  user(id: string): string | undefined;
  channel(id: string): string | undefined;
  group(id: string): string | undefined;
  now: number;
}

const page = (file: string) => new URL(`../../../src/sandbox/console/page/${file}`, import.meta.url).href;
const { mrkdwnToHtml } = (await import(page('mrkdwn.js'))) as { mrkdwnToHtml(text: string, names: Names): string };
const { blocksHtml } = (await import(page('blocks.js'))) as { blocksHtml(blocks: unknown[], names: Names): string };
const { formatSlackDate } = (await import(page('slack-dates.js'))) as { formatSlackDate(epochSeconds: number, format: string, now?: number): string | null };
const { lineChartSvg } = (await import(page('line-chart.js'))) as { lineChartSvg(series: { name: string; points: [number, number][] }[]): string };
const { panelHtml } = (await import(page('extras.js'))) as { panelHtml(data: unknown): string };

const names: Names = {
  user: (id) => ({ U0DANA0001: 'Dana', U0ALEX0001: 'Alex' })[id],
  channel: (id) => ({ C0DEPLOYS1: 'deploys' })[id],
  group: () => undefined,
  now: NOW,
};
const html = (text: string) => mrkdwnToHtml(text, names);

describe('console page: mrkdwn', () => {
  it('formats bold, italic, strike and inline code, also around links and mentions', () => {
    expect(html('*bold* _italic_ ~gone~ `code`')).toBe('<strong>bold</strong> <em>italic</em> <del>gone</del> <code>code</code>');
    expect(html('⚠️ *Last problem:* it broke')).toBe('⚠️ <strong>Last problem:</strong> it broke');
    expect(html('*<https://x.test/a|A>*')).toBe('<strong><a href="https://x.test/a" target="_blank" rel="noopener noreferrer">A</a></strong>');
    expect(html('*Requested by*\n<@U0DANA0001>')).toBe('<strong>Requested by</strong><br><span class="mention" data-user="U0DANA0001">@Dana</span>');
  });

  it('leaves markers inside words, code and link targets alone', () => {
    expect(html('prerelease_approve and 2*3*4')).toBe('prerelease_approve and 2*3*4');
    expect(html('`*not bold*` <https://x.test/a_b_c|snake_case>')).toBe('<code>*not bold*</code> <a href="https://x.test/a_b_c" target="_blank" rel="noopener noreferrer">snake_case</a>');
    expect(html('* not bold*')).toBe('* not bold*');
  });

  it('shows code blocks as typed and quotes as quotes', () => {
    expect(html('before\n```\n*raw* &lt;tag&gt;\n```\nafter')).toBe('before<pre>*raw* &#60;tag&#62;</pre>after');
    expect(html('said:\n&gt; keep it\n&gt; *short*\nok')).toBe('said:<blockquote>keep it<br><strong>short</strong></blockquote>ok');
    expect(html('one ``` unmatched')).toBe('one ``` unmatched');
  });

  it('never lets message text become markup', () => {
    expect(html('&lt;script&gt;alert(1)&lt;/script&gt; &amp; "q"')).toBe('&#60;script&#62;alert(1)&#60;/script&#62; &#38; &#34;q&#34;');
    expect(html('<javascript:alert(1)|click me>')).toBe('click me');
    expect(html('<https://x.test/"onmouseover="x|label>')).toContain('href="https://x.test/&#34;onmouseover=&#34;x"');
    expect(html('<@U0NOBODY1|<b>>')).not.toContain('<b>');
  });

  it('resolves user, channel and group mentions and broadcasts', () => {
    expect(html('<@U0ALEX0001> <@U0UNKNOWN1>')).toBe('<span class="mention" data-user="U0ALEX0001">@Alex</span> <span class="mention" data-user="U0UNKNOWN1">@U0UNKNOWN1</span>');
    expect(html('<#C0DEPLOYS1> <#C0OTHER001|other>')).toBe(
      '<a href="#" class="channel-mention" data-channel="C0DEPLOYS1">#deploys</a> <a href="#" class="channel-mention" data-channel="C0OTHER001">#other</a>',
    );
    expect(html('<!subteam^S0APPROVERS> <!subteam^S0DEPLOYERS|@deployers> <!here>')).toBe(
      '<span class="mention" data-group="S0APPROVERS">@S0APPROVERS</span> <span class="mention" data-group="S0DEPLOYERS">@deployers</span> <span class="mention">@here</span>',
    );
  });

  it('shows dates in the reader’s time zone, with the fallback as a tooltip', () => {
    const epoch = Math.floor(NOW / 1000);
    const local = new Date(NOW).toLocaleString(undefined, { hour: 'numeric', minute: '2-digit' });
    expect(html(`<!date^${epoch}^{time}|12:00 UTC>`)).toBe(`<time datetime="${new Date(NOW).toISOString()}" title="12:00 UTC">${local}</time>`);
    expect(html('<!date^soon^{time}|at noon>')).toBe('at noon');
  });

  it('marks links to Slack messages so the console opens their thread', () => {
    expect(html('<http://127.0.0.1:4000/archives/C0DEPLOYS1/p1795435200000100?thread_ts=1795435200.000000&amp;cid=C0DEPLOYS1|Open its thread>')).toContain(
      'data-channel="C0DEPLOYS1" data-ts="1795435200.000100" data-thread="1795435200.000000"',
    );
  });
});

describe('console page: Slack date tokens', () => {
  const epoch = Math.floor(NOW / 1000);
  const local = new Date(NOW);

  it('fills each token and leaves unknown ones as typed', () => {
    const day = `${local.getFullYear()}-${String(local.getMonth() + 1).padStart(2, '0')}-${String(local.getDate()).padStart(2, '0')}`;
    expect(formatSlackDate(epoch, '{date_num} {nonsense}', NOW)).toBe(`${day} {nonsense}`);
    expect(formatSlackDate(epoch, '{date_short_pretty}', NOW)).toBe('today');
    expect(formatSlackDate(epoch - 86_400, '{date_pretty}', NOW)).toBe('yesterday');
    expect(formatSlackDate(epoch - 10 * 86_400, '{date_short_pretty}', NOW)).toBe(local.toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric' }).replace(String(local.getDate()), String(local.getDate() - 10)));
    expect(formatSlackDate(epoch - 180, '{ago}', NOW)).toBe('3 minutes ago');
    expect(formatSlackDate(Number.NaN, '{time}', NOW)).toBeNull();
  });
});

describe('console page: Block Kit', () => {
  const service = exampleService();

  it('renders the pre-release message: header, status, fields in two columns, styled buttons, context', () => {
    const { blocks } = renderPrereleaseParent(prerelease(), service, NOW);
    const out = blocksHtml(blocks, names);

    expect(out).toContain('<div class="bk-header">Pre-release board 1.42.0</div>');
    expect(out.match(/class="bk-field"/g)).toHaveLength(7);
    expect(out).toContain('<button type="button" class="bk-button bk-primary" data-block-index="3" data-action-id="prerelease_approve">Approve</button>');
    expect(out).toContain('<button type="button" class="bk-button bk-danger" data-block-index="3" data-action-id="prerelease_reject">Reject</button>');
    expect(out).toContain('<button type="button" class="bk-button" data-block-index="3" data-action-id="prerelease_extend">Extend soak +1h</button>');
    expect(out).toMatch(/<div class="bk-context"><span class="bk-context-text">Deploy <code>pr-0a1b2c3d<\/code><\/span><\/div>$/);
    expect(out).not.toContain('bk-unsupported');
  });

  it('renders thread notes, the release plan and a release mid-drain without anything unsupported', () => {
    const deploy = prerelease();
    const notes = [
      renderThreadNote({ type: 'requested', by: 'U0DANA0001', version: '1.42.0', imageId: 'ami-1', canaries: 1 }, deploy),
      renderThreadNote({ type: 'dependency', system: 'sentry', problem: 'HTTP 502', action: 'retrying' }, deploy),
      renderThreadNote({ type: 'question', kind: 'unknown', reason: 'up == 0', instanceIds: ['i-0old1'] }, release()),
      renderReleaseParent(release(), service, NOW, { window: null }),
      renderReleaseParent(draining(), service, NOW, { window: null }),
    ];
    for (const { blocks } of notes) expect(blocksHtml(blocks, names)).not.toContain('bk-unsupported');
    expect(blocksHtml(notes[2].blocks, names)).toContain('data-action-id="release_force"');
  });

  it('renders a modal’s input as a field the page can read back, and says what it cannot render', () => {
    const modal = reasonModal({ callbackId: 'cb', deployId: 'pr-1', title: 'Why?', submit: 'Go', problem: 'Too early.', question: 'Why now?' });
    const out = blocksHtml(modal.blocks, names);

    expect(out).toContain('<label for="bk-input-reason-reason_input">Why now?</label>');
    expect(out).toContain('<textarea id="bk-input-reason-reason_input" data-block-id="reason" data-action-id="reason_input" data-min-length="3" maxlength="500" rows="4"></textarea>');
    expect(blocksHtml([{ type: 'video' }, { type: 'divider' }], names)).toBe('<div class="bk-unsupported">Unsupported in this console: block video</div><hr class="bk-divider">');
  });
});

describe('console page: sandbox extras', () => {
  it('draws one line per series, and says when there is nothing to draw', () => {
    const svg = lineChartSvg([
      { name: 'old', points: [[1, 10], [2, 5]] },
      { name: 'new', points: [[1, 0], [2, 5]] },
    ]);
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg).toContain('points="34.0,8.0 232.0,55.0"');
    expect(lineChartSvg([])).toContain('no data yet');
  });

  it('shows a panel’s keys and values, escaped', () => {
    expect(panelHtml({ 'lost sessions': 0, '<b>': '<i>', ok: true, gaps: { p99: 800 } })).toBe(
      '<dl class="key-values"><dt>lost sessions</dt><dd>0</dd><dt>&#60;b&#62;</dt><dd>&#60;i&#62;</dd><dt>ok</dt><dd>yes</dd><dt>gaps</dt><dd>{&#34;p99&#34;:800}</dd></dl>',
    );
    expect(panelHtml([1, 2])).toContain('expected a JSON object');
  });
});
