import type { StoreClient } from '../board/store-client.js';

export interface VerifyResult {
  /** Acknowledged edits looked up in the store. */
  checked: number;
  lostEdits: number;
  /** The first lost edits (at most 20), to say which. */
  missing: { board: string; editId: string }[];
}

const MISSING_SHOWN = 20;

/** Every acknowledged edit must be in its board in the store: a server acks only after saving. */
export async function verifyAckedEdits(store: StoreClient, acked: ReadonlyMap<string, readonly string[]>): Promise<VerifyResult> {
  let checked = 0;
  let lostEdits = 0;
  const missing: VerifyResult['missing'] = [];
  for (const [board, editIds] of acked) {
    const saved = new Set((await store.load(board)).edits.map((edit) => edit.editId));
    for (const editId of editIds) {
      checked += 1;
      if (saved.has(editId)) continue;
      lostEdits += 1;
      if (missing.length < MISSING_SHOWN) missing.push({ board, editId });
    }
  }
  return { checked, lostEdits, missing };
}
