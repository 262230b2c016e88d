/** Minimal JMAP client for the webmail. RFC 8620 (core, push), RFC 8621 (mail), RFC 9425 (quota). */
import { getCsrfToken, HttpError, requestJson } from './http.ts';

export const CORE = 'urn:ietf:params:jmap:core';
export const MAIL = 'urn:ietf:params:jmap:mail';
export const SUBMISSION = 'urn:ietf:params:jmap:submission';
export const QUOTA = 'urn:ietf:params:jmap:quota';

export interface JmapSession {
  apiUrl: string;
  downloadUrl: string;
  uploadUrl: string;
  eventSourceUrl: string;
  username: string;
  state: string;
  capabilities: Record<string, Record<string, unknown>>;
  accounts: Record<string, { name: string; isPersonal: boolean; accountCapabilities: Record<string, Record<string, unknown>> }>;
  primaryAccounts: Record<string, string>;
}

export type Invocation = [string, Record<string, unknown>, string];

/** A JMAP method-level error (RFC 8620 §3.6.2). */
export class MethodError extends Error {
  type: string;
  constructor(type: string, description?: string) {
    super(description ? `${type}: ${description}` : type);
    this.type = type;
  }
}

/** A refusal in a /set response (RFC 8620 §5.3 SetError): its type says what went wrong. */
export class SetFailed extends Error {
  type: string;
  properties?: string[];
  constructor(e: { type: string; description?: string; properties?: string[] }) {
    super(e.description ?? e.type);
    this.type = e.type;
    this.properties = e.properties;
  }
}

/** RFC 8620 §5.3: the SetError of `id` in a /set response, under notCreated, notUpdated or notDestroyed, thrown as SetFailed. */
export function throwIfRefused(r: { notCreated?: unknown; notUpdated?: unknown; notDestroyed?: unknown }, not: 'notCreated' | 'notUpdated' | 'notDestroyed', id: string): void {
  const e = (r[not] as Record<string, { type: string; description?: string; properties?: string[] }> | null | undefined)?.[id];
  if (e) throw new SetFailed(e);
}

export class Jmap {
  session: JmapSession;
  accountId: string;
  constructor(session: JmapSession) {
    this.session = session;
    this.accountId = session.primaryAccounts[MAIL] ?? Object.keys(session.accounts)[0];
  }

  /** RFC 8620 §2: fetch the session resource (cookies authenticate). */
  static async connect(quiet401 = false): Promise<Jmap> {
    const s = await requestJson<JmapSession>('GET', '/.well-known/jmap', undefined, { quiet401 });
    return new Jmap(s);
  }

  has(capability: string): boolean {
    return capability in this.session.capabilities;
  }

  capability<T = Record<string, unknown>>(name: string): T | undefined {
    return (this.session.accounts[this.accountId]?.accountCapabilities?.[name] ?? this.session.capabilities[name]) as T | undefined;
  }

  /** RFC 8620 §3.3: one request of several method calls; returns responses by call id. */
  async call(calls: Invocation[], extraUsing: string[] = [], opts: { quiet401?: boolean } = {}): Promise<Map<string, Record<string, any>>> {
    const using = [CORE, MAIL, ...extraUsing].filter((u, i, a) => a.indexOf(u) === i && (u === CORE || this.has(u)));
    const res = await requestJson<{ methodResponses: Invocation[]; sessionState?: string }>('POST', this.session.apiUrl, {
      using,
      methodCalls: calls,
    }, opts);
    const out = new Map<string, Record<string, any>>();
    for (const [name, args, id] of res.methodResponses) {
      // RFC 8620 §3.6.2: an "error" response replaces the method's response.
      if (name === 'error') out.set(id, { __error: new MethodError(String(args.type), args.description as string | undefined) });
      else if (!out.has(id)) out.set(id, args);
      else out.set(`${id}:${name}`, args);
    }
    return out;
  }

  /** One method; throws MethodError on a method-level error. */
  async one<T = Record<string, any>>(name: string, args: Record<string, unknown>, using: string[] = []): Promise<T> {
    const r = await this.call([[name, { accountId: this.accountId, ...args }, '0']], using);
    const v = r.get('0');
    if (!v) throw new MethodError('serverFail', 'no response');
    if (v.__error) throw v.__error;
    return v as T;
  }

  /** RFC 8620 §6.2: download URL template. */
  downloadUrl(blobId: string, name: string, type: string, inline = false): string {
    return this.session.downloadUrl
      .replace('{accountId}', encodeURIComponent(this.accountId))
      .replace('{blobId}', encodeURIComponent(blobId))
      .replace('{name}', encodeURIComponent(name || 'fichier'))
      .replace('{type}', encodeURIComponent(type || 'application/octet-stream'))
      + (inline ? (this.session.downloadUrl.includes('?') ? '&' : '?') + 'inline=1' : '');
  }

  /** RFC 8620 §6.1: upload with progress (XMLHttpRequest reports upload progress; fetch does not). */
  upload(file: Blob, onProgress?: (fraction: number) => void, signal?: AbortSignal): Promise<{ blobId: string; type: string; size: number }> {
    const url = this.session.uploadUrl.replace('{accountId}', encodeURIComponent(this.accountId));
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', url);
      xhr.withCredentials = true;
      xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
      const token = getCsrfToken();
      if (token) xhr.setRequestHeader('X-CSRF-Token', token);
      xhr.upload.onprogress = (e) => {
        if (e.lengthComputable) onProgress?.(e.loaded / e.total);
      };
      xhr.onload = () => {
        let body: unknown = null;
        try {
          body = JSON.parse(xhr.responseText);
        } catch {
          body = null;
        }
        if (xhr.status >= 200 && xhr.status < 300 && body) resolve(body as { blobId: string; type: string; size: number });
        else reject(new HttpError(xhr.status, body));
      };
      xhr.onerror = () => reject(new HttpError(0, null));
      signal?.addEventListener('abort', () => xhr.abort());
      xhr.send(file);
    });
  }

  /** RFC 8620 §7.3: EventSource push; calls onChange with the changed types. */
  push(onChange: (changed: Record<string, Record<string, string>>) => void): () => void {
    if (!this.session.eventSourceUrl || typeof EventSource === 'undefined') return () => {};
    const url = this.session.eventSourceUrl
      .replace('{types}', '*')
      .replace('{closeafter}', 'no')
      .replace('{ping}', '60');
    const es = new EventSource(url, { withCredentials: true });
    es.addEventListener('state', (ev) => {
      try {
        const data = JSON.parse((ev as MessageEvent).data) as { changed?: Record<string, Record<string, string>> };
        if (data.changed) onChange(data.changed);
      } catch {
        // Ignore malformed events; the next one refreshes anyway.
      }
    });
    return () => es.close();
  }
}
