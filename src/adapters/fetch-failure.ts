/**
 * Why a fetch() never got an answer, in a few words: fetch hides the network's code (ECONNREFUSED,
 * ENOTFOUND, …) one level down, in its cause.
 */
export function networkCause(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause as { code?: string; message?: string } | undefined;
  return cause?.code ?? cause?.message ?? error.message;
}
