/** The problem's code when the router rejects a preferences call without a problem document. */
export const REJECTED = 'PREFERENCES_REQUEST_REJECTED';
