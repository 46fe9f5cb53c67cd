/** Action IDs of the pre-release buttons; the button's `value` is the deploy id. */
export const PRERELEASE_APPROVE = 'prerelease_approve';
export const PRERELEASE_REJECT = 'prerelease_reject';
export const PRERELEASE_EXTEND = 'prerelease_extend';
