export interface FaultTiming {
  firstAfterMs: number;
  everyMs: number;
}

const DEFAULT_FAULT_TIMING: FaultTiming = { firstAfterMs: 3_000, everyMs: 5_000 };

interface BoardForPreview {
  layout?: { shapes: unknown[] };
}

/** The regression shipped in the sandbox's 1.2.0: previews read the layout of a board that has none yet. */
function renderPreview(board: BoardForPreview): number {
  return (board.layout as NonNullable<BoardForPreview['layout']>).shapes.length;
}

/**
 * Runs the faulty preview job soon after start and then periodically, reporting what it throws
 * (`TypeError: Cannot read properties of undefined (reading 'shapes')`). Returns a stop function.
 */
export function startPreviewFault(report: (error: unknown) => void, timing: FaultTiming = DEFAULT_FAULT_TIMING): () => void {
  const run = () => {
    try {
      renderPreview({});
    } catch (error) {
      report(error);
    }
  };
  let interval: NodeJS.Timeout | undefined;
  const first = setTimeout(() => {
    run();
    interval = setInterval(run, timing.everyMs);
  }, timing.firstAfterMs);
  return () => {
    clearTimeout(first);
    clearInterval(interval);
  };
}
