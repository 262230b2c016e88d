/** In-app help centre (French/English): first steps, phishing, Thunderbird and phones, problems, FAQ, support. */
import { useEffect, useState, type ReactNode } from 'react';
import { clientConfig, type ClientConfig } from '../api/auth.ts';
import { t, type Key } from '../i18n/index.ts';
import { navigate, segments, useLocation } from '../router.ts';
import { Icon } from '../ui/Icon.tsx';

const ARTICLES: [string, Key, Key][] = [
  ['premiers-pas', 'help.firstSteps', 'help.firstStepsBody'],
  ['hameconnage', 'help.phishing', 'help.phishingBody'],
  ['thunderbird', 'help.thunderbird', 'help.thunderbirdBody'],
  ['telephone', 'help.phone', 'help.phoneBody'],
  ['problemes', 'help.problems', 'help.problemsBody'],
  ['faq', 'help.faq', 'help.faqBody'],
  ['raccourcis', 'help.shortcuts', 'help.shortcutsBody'],
];

/** Render the catalogue's light markup: "## " headings, "- " lists, blank-line paragraphs. */
function Markup({ text }: { text: string }) {
  const blocks = text.split(/\n{2,}/);
  const out: ReactNode[] = [];
  blocks.forEach((b, i) => {
    const lines = b.split('\n');
    if (b.startsWith('## ')) out.push(<h3 key={i}>{b.slice(3)}</h3>);
    else if (lines.every((l) => l.startsWith('- '))) out.push(<ul key={i}>{lines.map((l, j) => <li key={j}>{l.slice(2)}</li>)}</ul>);
    else if (lines.every((l) => /^\d+\. /.test(l))) out.push(<ol key={i}>{lines.map((l, j) => <li key={j}>{l.replace(/^\d+\. /, '')}</li>)}</ol>);
    else out.push(<p key={i}>{b}</p>);
  });
  return <>{out}</>;
}

function vars(c: ClientConfig): Record<string, string> {
  const host = c.hostname || location.hostname;
  const imap = c.imap?.find((x) => x.security === 'tls') ?? c.imap?.[0];
  const smtp = c.smtp?.find((x) => x.security === 'tls') ?? c.smtp?.find((x) => x.security === 'starttls') ?? c.smtp?.[0];
  const sec = (s?: string) => (s === 'tls' ? 'SSL/TLS' : 'STARTTLS');
  return {
    host,
    imapPort: String(imap?.port ?? 993),
    imapSecurity: sec(imap?.security ?? 'tls'),
    smtpPort: String(smtp?.port ?? 465),
    smtpSecurity: sec(smtp?.security ?? 'tls'),
    support: c.supportContact || t('help.supportDefault'),
    org: c.orgName || t('app.name'),
  };
}

export default function HelpCentre({ standalone = false }: { standalone?: boolean }) {
  const seg = segments(useLocation());
  const [config, setConfig] = useState<ClientConfig | null>(null);
  useEffect(() => { void clientConfig().then(setConfig); }, []);
  const current = ARTICLES.find((a) => a[0] === seg[1]);
  const v = vars(config ?? {});
  const body = (
    <div className="page help">
      <h1>{t('help.title')}</h1>
      <nav aria-label={t('help.contents')}>
        <ul className="help-index">
          {ARTICLES.map(([id, title]) => (
            <li key={id}><a href={`/aide/${id}`} aria-current={current?.[0] === id ? 'page' : undefined} onClick={(e) => { e.preventDefault(); navigate(`/aide/${id}`); }}>{t(title)}</a></li>
          ))}
        </ul>
      </nav>
      {config === null ? (
        <p role="status">{t('app.loading')}</p>
      ) : current ? (
        <article aria-labelledby="help-article">
          <h2 id="help-article">{t(current[1])}</h2>
          <Markup text={t(current[2], v)} />
        </article>
      ) : (
        <p>{t('help.intro')}</p>
      )}
      <aside className="support-box" aria-labelledby="help-support">
        <h2 id="help-support">{t('help.support')}</h2>
        <p>{t('help.supportText', v)}</p>
      </aside>
    </div>
  );
  if (!standalone) return body;
  return (
    <div className="standalone">
      <header className="auth-brand" role="banner">
        <span className="logo"><Icon name="mail" /></span><span>{t('app.name')}</span>
        <a className="btn link lang-switch" href="/connexion" onClick={(e) => { e.preventDefault(); navigate('/connexion'); }}>{t('auth.backToSignIn')}</a>
      </header>
      <main id="main">{body}</main>
    </div>
  );
}
