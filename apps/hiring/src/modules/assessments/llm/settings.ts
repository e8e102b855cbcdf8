// Owns the LLM configuration read from the hiring app's environment: LLM_API_URL (the base URL of
// an OpenAI-compatible chat-completions API, e.g. https://api.openai.com/v1 or a local server;
// https, or http only to this machine, because the key travels with every call), LLM_MODEL,
// LLM_TIMEOUT_MS (the whole budget of one call including the SDK's retries, default 20000),
// LLM_MAX_RETRIES (0 to 2, default 2) and the secret LLM_API_KEY. Without both URL and model the
// assessments use the deterministic generator and scorer only.
import type { PlatformConfig } from '@app/platform';

export const LLM_SECRETS = ['LLM_API_KEY'] as const;
export const LLM_SETTINGS = ['LLM_API_URL', 'LLM_MODEL', 'LLM_TIMEOUT_MS', 'LLM_MAX_RETRIES'] as const;

export interface LlmSettings {
  baseUrl: string;
  model: string;
  apiKey: string;
  timeoutMs: number;
  maxRetries: number;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * Null when no provider is configured (URL or model missing); throws an Error naming every
 * malformed value otherwise (the app refuses to start rather than silently grading without it).
 */
export function readLlmSettings(config: Pick<PlatformConfig, 'settings' | 'secrets'>): LlmSettings | null {
  const { settings, secrets } = config;
  const problems: string[] = [];
  const rawUrl = settings.LLM_API_URL?.trim();
  const model = settings.LLM_MODEL?.trim();
  if (rawUrl && !model) problems.push('LLM_MODEL must be set when LLM_API_URL is');
  if (model && !rawUrl) problems.push('LLM_API_URL must be set when LLM_MODEL is');
  let baseUrl = '';
  if (rawUrl) {
    const url = URL.canParse(rawUrl) ? new URL(rawUrl) : null;
    const loopback = url !== null && LOOPBACK_HOSTS.has(url.hostname);
    if (!url || !(url.protocol === 'https:' || (url.protocol === 'http:' && loopback))) {
      problems.push('LLM_API_URL must be an https URL (http only to 127.0.0.1, ::1 or localhost)');
    } else if (url.search || url.hash || url.username || url.password) {
      problems.push(
        'LLM_API_URL must be a base URL like https://api.example.com/v1, without query or credentials',
      );
    } else {
      baseUrl = url.href.replace(/\/+$/, '');
    }
  }
  const timeoutMs = Number(settings.LLM_TIMEOUT_MS ?? 20_000);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 300_000) {
    problems.push('LLM_TIMEOUT_MS must be a whole number of milliseconds from 1 to 300000');
  }
  const maxRetries = Number(settings.LLM_MAX_RETRIES ?? 2);
  if (!Number.isInteger(maxRetries) || maxRetries < 0 || maxRetries > 2) {
    problems.push('LLM_MAX_RETRIES must be 0, 1 or 2');
  }
  if (problems.length > 0) throw new Error(`assessment AI settings: ${problems.join('; ')}`);
  if (!rawUrl || !model) return null;
  // Local OpenAI-compatible servers often take no key; the SDK insists on one, so send a placeholder.
  return { baseUrl, model, apiKey: secrets.LLM_API_KEY ?? 'not-needed', timeoutMs, maxRetries };
}
