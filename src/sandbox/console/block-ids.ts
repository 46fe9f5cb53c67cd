/**
 * Slack gives every block without a `block_id` (and every input element without an `action_id`)
 * a generated one, and reports those in payloads. The console derives them from the position,
 * so the same block always gets the same ID.
 */

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

export function blockIdOf(block: unknown, index: number): string {
  return isObject(block) && typeof block.block_id === 'string' ? block.block_id : `console-block-${index}`;
}

/** The view as Slack stores it: every input block and its element named, so a submission can key its values. */
export function withInputIds(view: Json): Json {
  if (!Array.isArray(view.blocks)) return view;
  const blocks = view.blocks.map((block: unknown, index) => {
    if (!isObject(block) || block.type !== 'input' || !isObject(block.element)) return block;
    const element = block.element;
    return {
      ...block,
      block_id: blockIdOf(block, index),
      element: { ...element, action_id: typeof element.action_id === 'string' ? element.action_id : `console-action-${index}` },
    };
  });
  return { ...view, blocks };
}

export interface FoundButton {
  blockId: string;
  button: Json;
}

function buttonsOf(block: unknown): Json[] {
  if (!isObject(block)) return [];
  const elements = block.type === 'actions' && Array.isArray(block.elements) ? block.elements : block.type === 'section' ? [block.accessory] : [];
  return elements.filter((element): element is Json => isObject(element) && element.type === 'button');
}

/**
 * The button the reader clicked: looked up at the block the page rendered it in, then anywhere
 * in the message, since the bot may have edited the message (moving its blocks) meanwhile.
 */
export function findButton(blocks: unknown[], blockIndex: number, actionId: string): FoundButton | undefined {
  const order = [blockIndex, ...blocks.keys()].filter((i) => i >= 0 && i < blocks.length);
  for (const index of order) {
    const button = buttonsOf(blocks[index]).find((b) => b.action_id === actionId);
    if (button) return { blockId: blockIdOf(blocks[index], index), button };
  }
  return undefined;
}
