// Calls to the MedShare API with the session's bearer token; problem+json answers become readable errors.
import { freshToken } from './auth.js';

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

const STATUS_WORDS = {
  401: 'Your session has ended. Please log in again.',
  403: 'Your role may not do this.',
  404: 'Not found.',
  409: 'The request conflicts with the current state.',
  503: 'The service is temporarily unavailable. Try again in a moment.',
};

export async function api(path, { method = 'GET', body, accept = 'application/json' } = {}) {
  const headers = { Accept: `${accept}, application/problem+json` };
  const t = await freshToken();
  if (t) headers.Authorization = `Bearer ${t}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new ApiError(0, 'The MedShare service cannot be reached. Is it running?');
  }
  if (!res.ok) {
    let detail = '';
    if ((res.headers.get('Content-Type') || '').includes('json')) {
      try {
        const p = await res.json();
        detail = [p.title, p.detail].filter(Boolean).join(': ');
      } catch (e) { /* no readable body */ }
    }
    throw new ApiError(res.status, detail || STATUS_WORDS[res.status] || `The service answered ${res.status}.`);
  }
  if (accept === 'application/json') return res.json();
  return res.text();
}
