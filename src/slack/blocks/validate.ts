import { LIMITS } from '../limits.js';

/**
 * One Block Kit validator for both sides: the renderers' tests prove every message fits, and the
 * fake Slack Web API rejects what real Slack would reject. It covers the block and element types
 * the bot uses; anything else is reported as unsupported rather than waved through.
 */

export type BlockError = 'invalid_blocks' | 'msg_blocks_too_long';

export interface BlockProblem {
  /** JSON pointer into the message, as Slack reports it (`/blocks/3/text/text`). */
  pointer: string;
  message: string;
  error: BlockError;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

class Walker {
  readonly problems: BlockProblem[] = [];
  textTotal = 0;

  fail(pointer: string, message: string, error: BlockError = 'invalid_blocks'): void {
    this.problems.push({ pointer, message, error });
  }

  maxLength(pointer: string, value: unknown, max: number, required = false): void {
    if (value === undefined && !required) return;
    if (typeof value !== 'string') return this.fail(pointer, 'must be a string');
    if (value.length > max) this.fail(pointer, `must be at most ${max} characters (has ${value.length})`);
  }

  text(pointer: string, value: unknown, max: number, kinds: readonly string[] = ['plain_text', 'mrkdwn']): void {
    if (!isObject(value)) return this.fail(pointer, 'must be a text object');
    if (!kinds.includes(String(value.type))) return this.fail(`${pointer}/type`, `must be one of ${kinds.join(', ')}`);
    if (typeof value.text !== 'string' || value.text.length === 0) return this.fail(`${pointer}/text`, 'must be a non-empty string');
    this.textTotal += value.text.length;
    this.maxLength(`${pointer}/text`, value.text, max);
  }

  confirm(pointer: string, value: unknown): void {
    if (!isObject(value)) return this.fail(pointer, 'must be a confirmation dialog object');
    if (value.title !== undefined) this.text(`${pointer}/title`, value.title, LIMITS.confirmTitle, ['plain_text']);
    this.text(`${pointer}/text`, value.text, LIMITS.confirmText);
    if (value.confirm !== undefined) this.text(`${pointer}/confirm`, value.confirm, LIMITS.confirmButtonText, ['plain_text']);
    if (value.deny !== undefined) this.text(`${pointer}/deny`, value.deny, LIMITS.confirmButtonText, ['plain_text']);
    if (value.style !== undefined && value.style !== 'primary' && value.style !== 'danger') this.fail(`${pointer}/style`, 'must be primary or danger');
  }

  image(pointer: string, value: Json): void {
    this.maxLength(`${pointer}/image_url`, value.image_url, LIMITS.imageUrl, true);
    this.maxLength(`${pointer}/alt_text`, value.alt_text, LIMITS.imageAltText, true);
  }

  element(pointer: string, value: unknown): void {
    if (!isObject(value)) return this.fail(pointer, 'must be an element object');
    if (value.type === 'image') return this.image(pointer, value);
    if (value.type !== 'button') return this.fail(`${pointer}/type`, `unsupported element type ${JSON.stringify(value.type)}`);
    this.text(`${pointer}/text`, value.text, LIMITS.buttonText, ['plain_text']);
    this.maxLength(`${pointer}/action_id`, value.action_id, LIMITS.actionId);
    this.maxLength(`${pointer}/value`, value.value, LIMITS.buttonValue);
    this.maxLength(`${pointer}/url`, value.url, LIMITS.buttonUrl);
    if (value.style !== undefined && value.style !== 'primary' && value.style !== 'danger') this.fail(`${pointer}/style`, 'must be primary or danger');
    if (value.confirm !== undefined) this.confirm(`${pointer}/confirm`, value.confirm);
  }

  section(pointer: string, block: Json): void {
    if (block.text === undefined && block.fields === undefined) return this.fail(pointer, 'a section needs text or fields');
    if (block.text !== undefined) this.text(`${pointer}/text`, block.text, LIMITS.sectionText);
    if (block.fields !== undefined) {
      if (!Array.isArray(block.fields) || block.fields.length === 0) return this.fail(`${pointer}/fields`, 'must be a non-empty array');
      if (block.fields.length > LIMITS.sectionFields) this.fail(`${pointer}/fields`, `must have at most ${LIMITS.sectionFields} items`);
      block.fields.forEach((field, i) => this.text(`${pointer}/fields/${i}`, field, LIMITS.fieldText));
    }
    if (block.accessory !== undefined) this.element(`${pointer}/accessory`, block.accessory);
  }

  list(pointer: string, value: unknown, max: number, each: (pointer: string, item: unknown) => void): void {
    if (!Array.isArray(value) || value.length === 0) return this.fail(pointer, 'must be a non-empty array');
    if (value.length > max) this.fail(pointer, `must have at most ${max} items (has ${value.length})`);
    value.forEach((item, i) => each(`${pointer}/${i}`, item));
  }

  actions(pointer: string, block: Json): void {
    this.list(`${pointer}/elements`, block.elements, LIMITS.actionsElements, (p, item) => this.element(p, item));
    if (!Array.isArray(block.elements)) return;
    const seen = new Set<string>();
    block.elements.forEach((item, i) => {
      const id = isObject(item) ? item.action_id : undefined;
      if (typeof id !== 'string') return;
      if (seen.has(id)) this.fail(`${pointer}/elements/${i}/action_id`, `duplicate action_id ${JSON.stringify(id)} in this block`);
      seen.add(id);
    });
  }

  contextElement(pointer: string, item: unknown): void {
    if (isObject(item) && item.type === 'image') return this.image(pointer, item);
    this.text(pointer, item, LIMITS.sectionText);
  }

  block(pointer: string, block: unknown): void {
    if (!isObject(block)) return this.fail(pointer, 'must be a block object');
    this.maxLength(`${pointer}/block_id`, block.block_id, LIMITS.blockId);
    switch (block.type) {
      case 'section':
        return this.section(pointer, block);
      case 'header':
        return this.text(`${pointer}/text`, block.text, LIMITS.headerText, ['plain_text']);
      case 'context':
        return this.list(`${pointer}/elements`, block.elements, LIMITS.contextElements, (p, item) => this.contextElement(p, item));
      case 'actions':
        return this.actions(pointer, block);
      case 'image':
        return this.image(pointer, block);
      case 'divider':
        return;
      default:
        this.fail(`${pointer}/type`, `unsupported block type ${JSON.stringify(block.type)}`);
    }
  }
}

/** Every way these blocks break Slack's limits; an empty list means Slack would accept them. */
export function validateBlocks(blocks: unknown): BlockProblem[] {
  const walker = new Walker();
  if (!Array.isArray(blocks)) {
    walker.fail('/blocks', 'must be an array');
    return walker.problems;
  }
  if (blocks.length > LIMITS.blocksPerMessage) walker.fail('/blocks', `must have at most ${LIMITS.blocksPerMessage} items (has ${blocks.length})`);
  const blockIds = new Set<string>();
  blocks.forEach((block, i) => {
    walker.block(`/blocks/${i}`, block);
    const id = isObject(block) ? block.block_id : undefined;
    if (typeof id !== 'string') return;
    if (blockIds.has(id)) walker.fail(`/blocks/${i}/block_id`, `duplicate block_id ${JSON.stringify(id)}`);
    blockIds.add(id);
  });
  if (walker.textTotal > LIMITS.messageBlocksText) {
    walker.fail('/blocks', `text of all blocks must total at most ${LIMITS.messageBlocksText} characters (has ${walker.textTotal})`, 'msg_blocks_too_long');
  }
  return walker.problems;
}

/** Slack's own wording for a problem: `message [json-pointer:/blocks/0/text]`. */
export function describeBlockProblem(problem: BlockProblem): string {
  return `${problem.message} [json-pointer:${problem.pointer}]`;
}
