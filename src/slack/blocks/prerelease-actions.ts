/** Action IDs of the pre-release buttons; each button's `value` is the deploy id. */
export const PRERELEASE_ACTIONS = {
  approve: 'prerelease_approve',
  reject: 'prerelease_reject',
  extend: 'prerelease_extend',
} as const;
