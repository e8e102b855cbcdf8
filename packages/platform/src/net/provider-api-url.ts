// Owns the rule for a payments provider's API URL setting (STRIPE_API_URL, RAZORPAY_API_URL): the
// secret key travels with every call, so the URL must be https, or http only to this machine
// (127.0.0.1, ::1, localhost: a local stripe-mock or a test fake), and an origin only: no path,
// query, fragment or credentials (the SDKs add their own paths).

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * Reads the setting `name` (its value may be undefined or empty: not set). Answers `{ url: null }`
 * when not set, `{ url }` when acceptable, or `{ problem }` naming the setting and the rule.
 */
export function readProviderApiUrl(
  name: string,
  value: string | undefined,
  /** The origin the problem shows as an example. */
  example = 'https://api.example.com:8443',
): { url: URL | null; problem?: undefined } | { url?: undefined; problem: string } {
  if (value === undefined || value === '') return { url: null };
  const url = URL.canParse(value) ? new URL(value) : null;
  const loopback = url !== null && LOOPBACK_HOSTS.has(url.hostname);
  if (!url || !(url.protocol === 'https:' || (url.protocol === 'http:' && loopback))) {
    return { problem: `${name} must be an https URL (http only to 127.0.0.1, ::1 or localhost)` };
  }
  if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) {
    return { problem: `${name} must be an origin like ${example}, without a path` };
  }
  return { url };
}
