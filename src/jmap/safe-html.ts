/** Display HTML for the web client: sanitize-html allow-list, remote images blocked, cid: → download URL. Préau extension "preauSafeHtml" (docs/jmap.md). */
import sanitizeHtml from 'sanitize-html';

export interface SafeHtmlOptions {
  /** Map a Content-ID (without <>) to a download URL, or null when the message has no such part. */
  cidUrl: (cid: string) => string | null;
  /** When true, remote images keep their src (the user allowed them for this message). */
  allowRemoteImages?: boolean;
}

export interface SafeHtml {
  html: string;
  /** Number of remote images replaced by a placeholder (data-preau-src). */
  blockedImages: number;
}

// Limit: at most 2 MiB of HTML is sanitised; longer input is cut first (sanitize-html is linear,
// but a display body larger than this is not meant for reading).
const MAX_INPUT = 2 * 1024 * 1024;

const TAGS = [
  'a', 'abbr', 'address', 'b', 'bdi', 'bdo', 'blockquote', 'br', 'caption', 'center', 'cite', 'code', 'col', 'colgroup', 'dd', 'del', 'details', 'dfn', 'div', 'dl', 'dt', 'em',
  'figcaption', 'figure', 'font', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'i', 'img', 'ins', 'kbd', 'li', 'mark', 'ol', 'p', 'pre', 'q', 's', 'samp', 'small', 'span', 'strike',
  'strong', 'sub', 'summary', 'sup', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'tt', 'u', 'ul', 'var', 'wbr',
];

// CSS: only declarations whose value cannot load or run anything (no url(), expression(), behaviour, -moz-binding).
const SAFE_CSS_VALUE = /^(?!.*(url\s*\(|expression\s*\(|javascript:|behavior|-moz-binding|@import|\\)).*$/i;
const CSS_PROPS = ['color', 'background-color', 'font-size', 'font-weight', 'font-style', 'font-family', 'text-align', 'text-decoration', 'line-height', 'margin', 'margin-top', 'margin-bottom', 'margin-left', 'margin-right', 'padding', 'padding-top', 'padding-bottom', 'padding-left', 'padding-right', 'border', 'border-collapse', 'border-spacing', 'width', 'max-width', 'height', 'vertical-align', 'white-space', 'display', 'list-style-type'];

/** Sanitise one HTML body for display (never trusted as-is: it is also shown in a sandboxed iframe with a strict CSP). */
export function safeHtml(input: string, opts: SafeHtmlOptions): SafeHtml {
  let blocked = 0;
  const html = sanitizeHtml(input.length > MAX_INPUT ? input.slice(0, MAX_INPUT) : input, {
    allowedTags: TAGS,
    // Scripts, styles, forms, SVG, iframes, objects … are dropped with their content.
    nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title', 'svg', 'math', 'template', 'iframe', 'object', 'embed', 'form', 'select', 'button'],
    disallowedTagsMode: 'discard',
    allowedAttributes: {
      '*': ['style', 'title', 'dir', 'lang', 'align', 'valign', 'width', 'height', 'bgcolor', 'color', 'colspan', 'rowspan', 'cellpadding', 'cellspacing', 'border'],
      a: ['href', 'name', 'target', 'rel'],
      img: ['src', 'alt', 'data-preau-src', 'data-preau-cid'],
      font: ['face', 'size', 'color'],
      ol: ['start', 'type'],
    },
    allowedSchemes: ['http', 'https', 'mailto', 'tel'],
    allowedSchemesByTag: { img: ['http', 'https', 'data', 'cid'] },
    allowProtocolRelative: false,
    allowedStyles: { '*': Object.fromEntries(CSS_PROPS.map((p) => [p, [SAFE_CSS_VALUE]])) },
    transformTags: {
      a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, target: '_blank', rel: 'noopener noreferrer nofollow' } }),
      img: (tagName, attribs) => {
        const src = (attribs.src ?? '').trim();
        const out: Record<string, string> = { ...attribs };
        delete out.src;
        if (/^cid:/i.test(src)) {
          const url = opts.cidUrl(decodeURIComponent(src.slice(4)).replace(/^<|>$/g, ''));
          if (url) out.src = url;
          out['data-preau-cid'] = src.slice(4);
        } else if (/^data:image\/(png|gif|jpeg|webp);base64,/i.test(src)) {
          out.src = src;
        } else if (/^https?:\/\//i.test(src)) {
          // Remote images are replaced by a placeholder attribute until the user allows them (issue 6).
          if (opts.allowRemoteImages) out.src = src;
          else {
            out['data-preau-src'] = src;
            blocked++;
          }
        }
        return { tagName, attribs: out };
      },
    },
  });
  return { html, blockedImages: blocked };
}

/** Plain text shown as HTML (for messages without an HTML body). */
export function textToSafeHtml(text: string): string {
  const esc = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<pre style="white-space: pre-wrap">${esc}</pre>`;
}
