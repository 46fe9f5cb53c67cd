import { randomBytes } from 'node:crypto';
import { withInputIds } from './block-ids.js';

/** A modal the bot opened for someone acting in the console. */
export interface ConsoleView {
  id: string;
  user: string;
  view: Record<string, unknown>;
}

/** Slack's trigger IDs expire within seconds; the console only needs to remember the recent ones. */
const MAX_TRIGGERS = 1000;

/**
 * Who a trigger belongs to, and the modals open per person. Slack opens a modal for whoever's
 * click or command produced the trigger, and only once.
 */
export class OpenViews {
  private readonly owners = new Map<string, string>();
  private readonly open = new Map<string, ConsoleView>();
  private issued = 0;

  newTrigger(user: string): string {
    this.issued += 1;
    const id = `${Math.floor(Date.now() / 1000)}.${this.issued}.${randomBytes(8).toString('hex')}`;
    this.owners.set(id, user);
    if (this.owners.size > MAX_TRIGGERS) this.owners.delete(this.owners.keys().next().value as string);
    return id;
  }

  /** The modal for the trigger's owner; undefined for a trigger the console did not hand out. */
  opened(triggerId: string, id: string, view: Record<string, unknown>): ConsoleView | undefined {
    const user = this.owners.get(triggerId);
    if (user === undefined) return undefined;
    this.owners.delete(triggerId);
    const opened = { id, user, view: withInputIds(view) };
    this.open.set(id, opened);
    return opened;
  }

  of(user: string): ConsoleView[] {
    return [...this.open.values()].filter((v) => v.user === user);
  }

  get(id: string, user: string): ConsoleView | undefined {
    const view = this.open.get(id);
    return view?.user === user ? view : undefined;
  }

  replace(id: string, view: Record<string, unknown>): ConsoleView | undefined {
    const current = this.open.get(id);
    if (!current) return undefined;
    const replaced = { ...current, view: withInputIds(view) };
    this.open.set(id, replaced);
    return replaced;
  }

  close(id: string): void {
    this.open.delete(id);
  }

  /** `response_action: clear` closes every modal of the person. */
  closeAll(user: string): string[] {
    const ids = this.of(user).map((v) => v.id);
    for (const id of ids) this.open.delete(id);
    return ids;
  }
}
