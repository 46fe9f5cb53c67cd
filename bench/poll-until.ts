/** Resolves with the first truthy answer of `probe`; a probe that throws ends the wait with its error. */
export async function pollUntil<T>(probe: () => T | Promise<T>, timeoutMs: number, intervalMs: number, what: string): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await probe();
    if (answer) return answer as NonNullable<T>;
    if (Date.now() >= deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
