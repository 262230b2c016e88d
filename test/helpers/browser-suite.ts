/**
 * The shared set-up of the browser test files on the real server: inside a describe(), the whole
 * app (startTestApp: SMTP, IMAP, HTTP on free ports, a temporary data directory) and Chromium with
 * every host name on loopback (launchLoopback), started before the file's own `before` hooks and
 * closed after its tests.
 */
import { after, before } from 'node:test';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import type { Browser } from 'playwright-core';
import type { ConfigInput } from '../../src/config/schema.ts';
import { startTestApp, type TestApp } from './app.ts';
import { launchLoopback } from '../web-helpers.ts';

export interface BrowserSuite { app: TestApp; browser: Browser; base: string }

/** `ready` receives the started app, browser and base URL (the file keeps them in its own variables). */
export function browserSuite(overrides: ConfigInput, ready: (s: BrowserSuite) => void): void {
  let s: BrowserSuite | null = null;
  before(async () => {
    const app = await startTestApp(overrides);
    s = { app, base: app.ctx.config.publicUrl.replace(/\/+$/, ''), browser: await launchLoopback() };
    ready(s);
  });
  after(async () => {
    await s?.browser.close();
    await s?.app.stop();
  });
}

/** Mail from the Internet: one message through the app's MX door (SMTP, RFC 5321). */
export async function mxSend(app: TestApp, mail: SendMailOptions): Promise<void> {
  const t = nodemailer.createTransport({ host: '127.0.0.1', port: app.ports.smtp, secure: false, ignoreTLS: true });
  try {
    await t.sendMail(mail);
  } finally {
    t.close();
  }
}
