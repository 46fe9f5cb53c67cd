import { z } from 'zod';

/** One series of an instant vector. `value` is NaN for anything Prometheus would not print as a number. */
export interface Sample {
  metric: Record<string, string>;
  value: number;
  /** The value exactly as Prometheus sent it, for messages. */
  text: string;
}

const successSchema = z.object({
  status: z.literal('success'),
  data: z.object({ resultType: z.string(), result: z.unknown() }),
});

const vectorSchema = z.array(
  z.object({
    metric: z.record(z.string(), z.string()),
    // Prometheus sends [unix seconds, "value as a string"].
    value: z.tuple([z.number(), z.string()]),
  }),
);

const errorSchema = z.object({
  status: z.literal('error'),
  errorType: z.string().optional(),
  error: z.string().optional(),
});

export type QueryAnswer = { ok: true; samples: Sample[] } | { ok: false; problem: string };

/** Reads a parsed `/api/v1/query` body: an instant vector, or what Prometheus said was wrong. */
export function readQueryAnswer(body: unknown): QueryAnswer {
  const failure = errorSchema.safeParse(body);
  if (failure.success) {
    const { errorType, error } = failure.data;
    return { ok: false, problem: `${errorType ?? 'error'}: ${error ?? 'no details given'}` };
  }
  const success = successSchema.safeParse(body);
  if (!success.success) return { ok: false, problem: 'the answer is not a Prometheus API response' };
  const { resultType, result } = success.data.data;
  if (resultType !== 'vector') return { ok: false, problem: `expected an instant vector, got a ${resultType} (check the PromQL in the catalog)` };
  const vector = vectorSchema.safeParse(result);
  if (!vector.success) return { ok: false, problem: `malformed vector at result.${vector.error.issues[0]?.path.map(String).join('.')}` };
  return { ok: true, samples: vector.data.map(({ metric, value: [, text] }) => ({ metric, value: sampleValue(text), text })) };
}

const DECIMAL = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** Go's float formatting as Prometheus prints it: "5", "0.25", "1e+21", "NaN", "+Inf", "-Inf". */
function sampleValue(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  // Number('') is 0: anything that is not a plain number must never read as one.
  return DECIMAL.test(text) ? Number(text) : NaN;
}
