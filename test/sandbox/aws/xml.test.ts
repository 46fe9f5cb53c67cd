import { describe, expect, it } from 'vitest';
import { element, escapeXml, items, members, xmlDocument } from '../../../src/sandbox/aws/xml.js';

describe('XML writer', () => {
  it('escapes markup, quotes and carriage returns in text', () => {
    expect(escapeXml(`a<b>&"c"'d'\r`)).toBe('a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;&#13;');
  });

  it('replaces control characters that XML 1.0 cannot carry', () => {
    expect(escapeXml('bell\u0007tab\tline\n')).toBe('bell\uFFFDtab\tline\n');
  });

  it('wraps EC2 list entries in item and ELBv2 list entries in member', () => {
    expect(element('tagSet', items([{ key: 'a', value: '1' }]))).toBe('<tagSet><item><key>a</key><value>1</value></item></tagSet>');
    expect(element('Names', members(['x', 'y']))).toBe('<Names><member>x</member><member>y</member></Names>');
  });

  it('writes empty lists as empty elements and leaves out absent fields', () => {
    expect(element('r', { groupSet: items([]), nextToken: undefined, reason: null, count: 0, ok: false })).toBe(
      '<r><groupSet/><count>0</count><ok>false</ok></r>',
    );
  });

  it('puts the namespace on the root element only when given', () => {
    expect(xmlDocument('Response', { RequestID: 'r' })).toMatch(/<Response><RequestID>r<\/RequestID><\/Response>$/);
    expect(xmlDocument('XResponse', {}, 'http://ns/')).toMatch(/<XResponse xmlns="http:\/\/ns\/"><\/XResponse>$/);
  });
});
