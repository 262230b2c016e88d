/** Prepares server-sanitised mail HTML for the sandboxed iframe: defence in depth, cid: images, remote images. */

export interface PreparedHtml { html: string; hasRemote: boolean }

const DROP = 'script,iframe,frame,frameset,object,embed,applet,form,base,meta,link,noscript,template,portal,svg script,math';
const URL_ATTRS = ['href', 'src', 'action', 'formaction', 'xlink:href', 'background', 'poster', 'srcset', 'data'];

const REMOTE_CSS_URL = /url\s*\(\s*['"]?\s*(https?:)?\/\/[^)]*\)/i;
const REMOTE_CSS_URL_G = new RegExp(REMOTE_CSS_URL.source, 'gi');

function isRemote(url: string): boolean {
  return /^\s*(https?:)?\/\//i.test(url);
}

/**
 * Returns the body HTML to put inside our own document shell. Parsed in a <template>: its content
 * document is inert and has no browsing context, so nothing loads or runs and no CSP check fires
 * (a DOMParser document would borrow this window's CSP and log a violation per handler).
 */
export function prepareHtml(raw: string, opts: { showRemote: boolean; cidUrl: (cid: string) => string | null; accountId?: string }): PreparedHtml {
  const tpl = document.createElement('template');
  // Rename event-handler attributes before parsing: Chromium checks each one against the page's
  // CSP while parsing (and logs a violation) even in an inert template. The DOM pass below
  // removes them anyway.
  tpl.innerHTML = neutraliseHandlers(raw);
  const doc = tpl.content;
  let hasRemote = false;
  // Server-sanitised HTML (preauSafeHtml) keeps remote images in data-preau-src and leaves
  // {accountId} in its cid: download URLs.
  doc.querySelectorAll('img[data-preau-src]').forEach((img) => {
    const src = img.getAttribute('data-preau-src') ?? '';
    if (!/^https?:\/\//i.test(src)) return;
    hasRemote = true;
    if (opts.showRemote) img.setAttribute('src', src);
  });
  if (opts.accountId) {
    doc.querySelectorAll('img[src*="%7BaccountId%7D"], img[src*="{accountId}"]').forEach((img) => {
      img.setAttribute('src', (img.getAttribute('src') ?? '').replace(/\{accountId\}|%7BaccountId%7D/g, encodeURIComponent(opts.accountId!)));
    });
  }
  doc.querySelectorAll(DROP).forEach((n) => n.remove());
  for (const el of Array.from(doc.querySelectorAll('*'))) {
    for (const attr of Array.from(el.attributes)) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on') || name.startsWith('data-preau-on')) {
        el.removeAttribute(attr.name);
        continue;
      }
      if (URL_ATTRS.includes(name)) {
        const v = attr.value.trim();
        if (/^(javascript|vbscript|data:text\/html|file):/i.test(v.replace(/[\s\u0000-\u001f]/g, ''))) {
          el.removeAttribute(attr.name);
          continue;
        }
        if (name !== 'href' && /^cid:/i.test(v)) {
          const u = opts.cidUrl(v.slice(4));
          if (u) el.setAttribute(attr.name, u);
          else el.removeAttribute(attr.name);
          continue;
        }
        if (name !== 'href' && (isRemote(v) || (name === 'srcset' && /https?:/i.test(v)))) {
          hasRemote = true;
          if (!opts.showRemote) {
            el.setAttribute(`data-blocked-${name}`, '');
            el.removeAttribute(attr.name);
          }
        }
      }
      if (name === 'style' && REMOTE_CSS_URL.test(attr.value)) {
        hasRemote = true;
        if (!opts.showRemote) el.setAttribute('style', attr.value.replace(REMOTE_CSS_URL_G, 'none'));
      }
    }
    if (el.tagName === 'A') {
      el.setAttribute('target', '_blank');
      el.setAttribute('rel', 'noopener noreferrer');
    }
  }
  doc.querySelectorAll('style').forEach((s) => {
    // @import could pull remote CSS; remote url() loads count as remote images.
    let css = (s.textContent ?? '').replace(/@import[^;]*;?/gi, '');
    if (REMOTE_CSS_URL.test(css)) {
      hasRemote = true;
      if (!opts.showRemote) css = css.replace(REMOTE_CSS_URL_G, 'none');
    }
    s.textContent = css;
  });
  return { html: tpl.innerHTML, hasRemote };
}

// Limit: the loop stops after 8 passes; handlers nested in pathological markup are still removed by the DOM pass.
function neutraliseHandlers(html: string): string {
  let out = html;
  for (let i = 0; i < 8; i++) {
    const next = out.replace(/(<[^>]*?[\s/"'])on([a-z]+\s*=)/gi, '$1data-preau-on$2');
    if (next === out) break;
    out = next;
  }
  return out;
}

/** The mail document written into the reader's frame (Reader.tsx MessageFrame): a strict CSP (no script at all; images only from us unless allowed). */
export function shell(body: string, showRemote: boolean, dark: boolean): string {
  const origin = location.origin;
  const img = showRemote ? `${origin} data: https: http:` : `${origin} data:`;
  const csp = `default-src 'none'; script-src 'none'; object-src 'none'; img-src ${img}; style-src 'unsafe-inline'; font-src data:; media-src 'none'; form-action 'none'; base-uri 'none'`;
  return `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${csp}"><meta name="referrer" content="no-referrer"><style>html{color-scheme:light}body{margin:0;padding:4px 2px;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;background:#fff;overflow-wrap:anywhere}img{max-width:100%;height:auto}pre{white-space:pre-wrap;font:inherit;margin:0}blockquote{margin:0 0 0 .5em;padding-left:.75em;border-left:3px solid #c8ccd1;color:#444}table{max-width:100%}a{color:#1d4ed8}${dark ? '' : ''}</style></head><body>${body}</body></html>`;
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Elements whose content is never text to read. */
const NOT_TEXT = 'script,style,head,title,template,noscript,iframe,frame,frameset,object,embed,applet,svg,math,select,button,input,textarea';
const BLOCKS = 'p,div,li,tr,h1,h2,h3,h4,h5,h6,blockquote,pre,table,section,article,header,footer,dl,dt,dd,ul,ol,hr';

/**
 * Mail HTML → plain text, for a reader who turned HTML off and a message without a text part.
 * Parsed in an inert <template> (nothing loads or runs) and only its text is kept: no markup of the
 * sender's reaches the frame. A link's real address follows its words ("words <https://…>"), so a
 * deceptive link shows where it goes.
 * Limit: layout (tables, columns) is reduced to line breaks.
 */
export function htmlToText(html: string): string {
  const tpl = document.createElement('template');
  tpl.innerHTML = neutraliseHandlers(html);
  const doc = tpl.content;
  doc.querySelectorAll(NOT_TEXT).forEach((n) => n.remove());
  doc.querySelectorAll('a[href]').forEach((a) => {
    const href = (a.getAttribute('href') ?? '').trim();
    const words = (a.textContent ?? '').trim();
    if (/^https?:\/\//i.test(href) && words && words !== href) a.append(` <${href}>`);
  });
  doc.querySelectorAll('br').forEach((b) => b.replaceWith('\n'));
  doc.querySelectorAll('td,th').forEach((c) => c.append(' '));
  doc.querySelectorAll(BLOCKS).forEach((b) => { b.prepend('\n'); b.append('\n'); });
  return (doc.textContent ?? '')
    .replace(/[ \t\u00a0]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Plain text → HTML with clickable links, quoted lines in blockquotes. */
export function textToHtml(text: string): string {
  const linked = escapeHtml(text).replace(/\bhttps?:\/\/[^\s<>"]+/g, (u) => `<a href="${u}">${u}</a>`);
  return `<pre>${linked}</pre>`;
}
