import type { ServerResponse } from 'node:http';

export interface ErrorAnswer {
  status: number;
  errorType: string;
  error: string;
}

export interface GarbageAnswer {
  status: number;
  contentType: string;
  body: string;
}

type QueryFault = { kind: 'error'; answer: ErrorAnswer } | { kind: 'garbage'; answer: GarbageAnswer } | { kind: 'hang' };

const QUERY_TIMEOUT: ErrorAnswer = { status: 503, errorType: 'timeout', error: 'query timed out in query execution' };
const CUT_OFF_JSON: GarbageAnswer = { status: 200, contentType: 'application/json', body: '{"status":"success","data":{"resultType":"vector","result":[{"metric":' };

/** Trouble the stand-in causes on its next query requests, to prove clients never read it as data. */
export function createQueryFaults() {
  const queue: QueryFault[] = [];
  const enqueue = (fault: QueryFault, times: number) => {
    for (let i = 0; i < times; i += 1) queue.push(fault);
  };

  return {
    /** Prometheus's own error body; a query timeout (503) unless told otherwise. */
    failNext(times: number, answer: Partial<ErrorAnswer> = {}): void {
      enqueue({ kind: 'error', answer: { ...QUERY_TIMEOUT, ...answer } }, times);
    },
    /** A body that is not a Prometheus answer; JSON cut off mid-way unless told otherwise. */
    garbageNext(times: number, answer: Partial<GarbageAnswer> = {}): void {
      enqueue({ kind: 'garbage', answer: { ...CUT_OFF_JSON, ...answer } }, times);
    },
    /** Never answers (until the server closes). */
    hangNext(times: number): void {
      enqueue({ kind: 'hang' }, times);
    },
    /** Applies the next queued fault to the response; false when there is none. */
    apply(response: ServerResponse): boolean {
      const fault = queue.shift();
      if (!fault) return false;
      if (fault.kind === 'error') {
        const { status, errorType, error } = fault.answer;
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ status: 'error', errorType, error }));
      } else if (fault.kind === 'garbage') {
        response.writeHead(fault.answer.status, { 'content-type': fault.answer.contentType });
        response.end(fault.answer.body);
      }
      return true;
    },
  };
}
