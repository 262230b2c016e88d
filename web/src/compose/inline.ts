/**
 * Inline images of a message being written (RFC 2392 cid: URLs, RFC 2387 multipart/related via
 * JMAP's attachments with a cid, RFC 8621 §4.1.4). In the editor an inline image shows through its
 * download URL; in the message it is `cid:<id>`. The swap works on the parsed HTML (an inert
 * template: nothing loads), because the editor serialises `&` in attributes as `&amp;`, so the
 * URL never appears verbatim in its HTML.
 */
export interface InlineFile { blobId?: string; cid?: string; inline?: boolean; name: string; type: string }

function swapImages(html: string, map: Map<string, string>): string {
  if (!map.size || !html.includes('<img')) return html;
  const tpl = document.createElement('template');
  tpl.innerHTML = html;
  let changed = false;
  for (const img of tpl.content.querySelectorAll('img[src]')) {
    const to = map.get(img.getAttribute('src') ?? '');
    if (to !== undefined) {
      img.setAttribute('src', to);
      changed = true;
    }
  }
  return changed ? tpl.innerHTML : html;
}

/** The editor's HTML as sent: the download URL of each inline image becomes `cid:<id>`. */
export function toCid(html: string, files: InlineFile[], urlOf: (f: InlineFile) => string): string {
  return swapImages(html, new Map(files.filter((f) => f.inline && f.blobId && f.cid).map((f) => [urlOf(f), `cid:${f.cid}`])));
}

/** A draft's HTML for the editor: each `cid:<id>` of its inline images becomes the download URL. */
export function fromCid(html: string, files: InlineFile[], urlOf: (f: InlineFile) => string): string {
  return swapImages(html, new Map(files.filter((f) => f.blobId && f.cid).map((f) => [`cid:${f.cid}`, urlOf(f)])));
}
