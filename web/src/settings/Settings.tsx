/** Settings: display, notifications and quiet hours, identities and signatures, language, security. */
import { useState } from 'react';
import type { Jmap } from '../api/jmap.ts';
import type { Account } from '../api/auth.ts';
import { getLang, setLang, t, type Key } from '../i18n/index.ts';
import { navigate, segments, useLocation } from '../router.ts';
import { getPrefs, setPrefs, usePrefs } from '../prefs.ts';
import { toast } from '../ui/toast.tsx';
import { reasonText } from '../ui/errors.ts';
import type { Identity } from '../mail/data.ts';
import { Identities } from './Identities.tsx';
import { SecurityPage } from './Security.tsx';

const SECTIONS: [string, Key][] = [['affichage', 'settings.display'], ['notifications', 'settings.notifications'], ['signatures', 'settings.signatures'], ['langue', 'settings.language'], ['securite', 'settings.security']];

export default function Settings({ jmap, me, identities, onIdentities }: { jmap: Jmap; me: Account; identities: Identity[]; onIdentities: (i: Identity[]) => void }) {
  const seg = segments(useLocation());
  const section = seg[1] ?? 'affichage';
  return (
    <div className="page settings">
      <h1>{t('settings.title')}</h1>
      <nav className="tabs" aria-label={t('settings.sections')}>
        {SECTIONS.map(([id, label]) => (
          <a key={id} href={`/parametres/${id}`} aria-current={section === id ? 'page' : undefined} onClick={(e) => { e.preventDefault(); navigate(`/parametres/${id}`); }}>{t(label)}</a>
        ))}
      </nav>
      {section === 'affichage' && <Display />}
      {section === 'notifications' && <Notifications />}
      {section === 'signatures' && <Identities jmap={jmap} identities={identities} onIdentities={onIdentities} />}
      {section === 'langue' && <Language />}
      {section === 'securite' && <SecurityPage me={me} />}
    </div>
  );
}

function Radio<T extends string>(props: { legend: string; name: string; value: T; options: [T, string][]; onChange: (v: T) => void }) {
  return (
    <fieldset className="radio-group">
      <legend>{props.legend}</legend>
      {props.options.map(([v, label]) => (
        <label key={v}><input type="radio" name={props.name} value={v} checked={props.value === v} onChange={() => props.onChange(v)} />{label}</label>
      ))}
    </fieldset>
  );
}

/** Remove a trusted sender; the focus goes to the next remove button, or to the image setting once the list is gone. */
function removeTrusted(sender: string, index: number): void {
  setPrefs({ trustedSenders: getPrefs().trustedSenders.filter((x) => x !== sender) });
  requestAnimationFrame(() => {
    const rest = document.querySelectorAll<HTMLElement>('.trusted-senders button');
    (rest[Math.min(index, rest.length - 1)] ?? document.querySelector<HTMLElement>('input[name="images"]:checked'))?.focus();
  });
}

function Display() {
  const p = usePrefs();
  return (
    <section aria-labelledby="s-display"><h2 id="s-display">{t('settings.display')}</h2>
      <Radio legend={t('settings.density')} name="density" value={p.density} options={[['comfortable', t('settings.comfortable')], ['compact', t('settings.compact')]]} onChange={(density) => setPrefs({ density })} />
      <Radio legend={t('settings.readingPane')} name="pane" value={p.readingPane} options={[['right', t('settings.paneRight')], ['bottom', t('settings.paneBottom')], ['off', t('settings.paneOff')]]} onChange={(readingPane) => setPrefs({ readingPane })} />
      <label className="check"><input type="checkbox" checked={p.conversations} onChange={(e) => setPrefs({ conversations: e.target.checked })} />{t('settings.conversations')}</label>
      <label className="check"><input type="checkbox" checked={p.preferHtml} onChange={(e) => setPrefs({ preferHtml: e.target.checked })} />{t('settings.preferHtml')}</label>
      <Radio legend={t('settings.remoteImages')} name="images" value={p.remoteImages} options={[['ask', t('settings.imagesAsk')], ['always', t('settings.imagesAlways')]]} onChange={(remoteImages) => setPrefs({ remoteImages })} />
      {p.trustedSenders.length > 0 && (
        <div><h3>{t('settings.trustedSenders')}</h3>
          <ul className="plain-list trusted-senders">{p.trustedSenders.map((s, i) => <li key={s}>{s} <button type="button" className="btn small" onClick={() => removeTrusted(s, i)}>{t('common.remove')}<span className="sr-only"> {s}</span></button></li>)}</ul>
        </div>
      )}
      <label className="inline">{t('settings.undoSeconds')}
        <select value={p.undoSeconds} onChange={(e) => setPrefs({ undoSeconds: Number(e.target.value) })}>
          {[5, 10, 20, 30].map((n) => <option key={n} value={n}>{t('settings.seconds', { n })}</option>)}
        </select>
      </label>
    </section>
  );
}

const DAYS: [number, Key][] = [[1, 'day.1'], [2, 'day.2'], [3, 'day.3'], [4, 'day.4'], [5, 'day.5'], [6, 'day.6'], [7, 'day.7']];

function Notifications() {
  const p = usePrefs();
  const [perm, setPerm] = useState(typeof Notification === 'undefined' ? 'unsupported' : Notification.permission);
  const enable = async (on: boolean) => {
    if (on && typeof Notification !== 'undefined' && Notification.permission !== 'granted') setPerm(await Notification.requestPermission());
    setPrefs({ notifications: on });
  };
  return (
    <section aria-labelledby="s-notif"><h2 id="s-notif">{t('settings.notifications')}</h2>
      <label className="check"><input type="checkbox" checked={p.notifications} disabled={perm === 'unsupported'} onChange={(e) => void enable(e.target.checked)} />{t('settings.desktopNotifications')}</label>
      {perm === 'denied' && <p className="hint">{t('settings.notificationsDenied')}</p>}
      <label className="check"><input type="checkbox" checked={p.quietHours} onChange={(e) => setPrefs({ quietHours: e.target.checked })} />{t('settings.quietHours')}</label>
      <p className="hint">{t('settings.quietHoursHint')}</p>
      <fieldset><legend>{t('settings.workingTime')}</legend>
        <label className="inline">{t('settings.workStart')}<input type="time" value={p.workStart} onChange={(e) => setPrefs({ workStart: e.target.value })} /></label>
        <label className="inline">{t('settings.workEnd')}<input type="time" value={p.workEnd} onChange={(e) => setPrefs({ workEnd: e.target.value })} /></label>
        <div className="days">
          {DAYS.map(([d, label]) => (
            <label key={d} className="check"><input type="checkbox" checked={p.workDays.includes(d)} onChange={(e) => setPrefs({ workDays: e.target.checked ? [...p.workDays, d] : p.workDays.filter((x) => x !== d) })} />{t(label)}</label>
          ))}
        </div>
      </fieldset>
    </section>
  );
}

function Language() {
  return (
    <section aria-labelledby="s-lang"><h2 id="s-lang">{t('settings.language')}</h2>
      <fieldset className="radio-group"><legend>{t('settings.chooseLanguage')}</legend>
        <label lang="fr"><input type="radio" name="lang" checked={getLang() === 'fr'} onChange={() => setLang('fr')} />Français</label>
        <label lang="en"><input type="radio" name="lang" checked={getLang() === 'en'} onChange={() => setLang('en')} />English</label>
      </fieldset>
    </section>
  );
}
