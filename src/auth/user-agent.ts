/** A rough, human label for a User-Agent string ("Firefox", "Windows") for the session list. */

// Limit: only the first 512 characters of a User-Agent are examined.
export function describeUserAgent(ua: string): { device: string; browser: string } {
  const s = ua.slice(0, 512);
  const browser = /Edg\//.test(s) ? 'Edge' : /OPR\//.test(s) ? 'Opera' : /Firefox\//.test(s) ? 'Firefox' : /Chrom(e|ium)\//.test(s) ? 'Chrome' : /Safari\//.test(s) ? 'Safari' : /Thunderbird\//.test(s) ? 'Thunderbird' : s ? s.split(/[\s/]/)[0].slice(0, 40) : '';
  const device = /Android/.test(s) ? 'Android' : /iPhone|iPad|iOS/.test(s) ? 'iOS' : /Windows/.test(s) ? 'Windows' : /Mac OS X|Macintosh/.test(s) ? 'macOS' : /CrOS/.test(s) ? 'ChromeOS' : /Linux/.test(s) ? 'Linux' : '';
  return { device, browser };
}
