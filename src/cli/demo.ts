/** Demo académie: ~30 staff with real-looking French names, a few groups, mail in their inboxes. */
import type { AppContext } from '../context.ts';
import type { AccountId } from '../store/ids.ts';
import { createAccount, createGroup, listAccounts } from '../accounts/service.ts';
import { ingest } from '../mail/ingest.ts';

export const DEMO_PASSWORD = 'Préau-démo-2026!';

const STAFF: [string, string, string][] = [
  ['Élodie', 'Lefèvre', 'Professeure de lettres — Collège Jean-Moulin'],
  ['Jean-Pierre', "N'Diaye", 'Principal — Collège Jean-Moulin'],
  ['Anne-Sophie', 'de La Fontaine', 'Professeure d’histoire-géographie — Lycée Condorcet'],
  ['Jean', 'Martin', 'Professeur de mathématiques — Lycée Condorcet'],
  ['Jean', 'Martin', 'Conseiller principal d’éducation — Collège Victor-Hugo'],
  ['François', 'Cœur', 'Proviseur — Lycée Condorcet'],
  ['Marie-Hélène', 'Dubois', 'Secrétaire de direction — Rectorat'],
  ['Zoé', 'L’Hôte', 'Professeure d’anglais — Collège Victor-Hugo'],
  ['Mathéo', 'Garçon', 'Professeur d’EPS — Collège Jean-Moulin'],
  ['Aïcha', 'Benali', 'Infirmière scolaire — Collège Victor-Hugo'],
  ['Loïc', 'Le Goff', 'Professeur de technologie — Collège Jean-Moulin'],
  ['Céline', 'Rousseau', 'Documentaliste — Lycée Condorcet'],
  ['Benoît', 'Lemaître', 'Inspecteur pédagogique — Rectorat'],
  ['Inès', 'Moreau-Giraud', 'Professeure de physique-chimie — Lycée Condorcet'],
  ['Hervé', 'Da Silva', 'Agent comptable — Lycée Condorcet'],
  ['Noémie', 'Fontaine', 'Professeure des écoles — École Jules-Ferry'],
  ['Thibault', 'Dupont', 'Directeur — École Jules-Ferry'],
  ['Gaëlle', 'Bréval', 'Professeure des écoles — École Jules-Ferry'],
  ['Rémi', 'Vasseur', 'Gestionnaire — Collège Victor-Hugo'],
  ['Océane', 'Marchand', 'Assistante sociale — Collège Jean-Moulin'],
  ['Jérôme', 'd’Harcourt', 'Principal adjoint — Collège Victor-Hugo'],
  ['Agnès', 'Perrin', 'Professeure de SVT — Lycée Condorcet'],
  ['Yannick', 'Guérin', 'Chef de division — Rectorat (DSDEN)'],
  ['Solène', 'Caron', 'Professeure de musique — Collège Jean-Moulin'],
  ['Karim', 'Haddad', 'Professeur d’économie-gestion — Lycée Condorcet'],
  ['Léa', 'Chevalier', 'Conseillère d’orientation — Collège Victor-Hugo'],
  ['Frédéric', 'Lambert', 'Professeur d’allemand — Lycée Condorcet'],
  ['Clémence', 'Roux', 'Professeure d’arts plastiques — Collège Jean-Moulin'],
  ['Pierre-Yves', 'Le Bihan', 'Technicien informatique — Rectorat'],
  ['Maëlys', 'Bonnet', 'Professeure des écoles — École Jules-Ferry'],
];

function mail(from: string, fromName: string, to: string, subject: string, body: string, date: Date): Buffer {
  const enc = (s: string) => `=?UTF-8?B?${Buffer.from(s).toString('base64')}?=`;
  return Buffer.from(
    [
      `From: ${enc(fromName)} <${from}>`,
      `To: <${to}>`,
      `Subject: ${enc(subject)}`,
      `Date: ${date.toUTCString().replace('GMT', '+0000')}`,
      `Message-ID: <${date.getTime()}.${Math.random().toString(36).slice(2)}@demo.preau>`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      body,
      '',
    ].join('\r\n'),
  );
}

/** Seeds once (when only the administrator exists). Returns null when already seeded. */
export async function seedDemo(ctx: AppContext): Promise<{ accounts: number; password: string; example: string } | null> {
  const existing = await listAccounts(ctx.store, { limit: 5 });
  if (existing.length > 1) return null;
  const domain = ctx.config.domain;
  const made: { id: AccountId; address: string; name: string; title: string }[] = [];
  for (const [first, last, title] of STAFF) {
    const r = await createAccount(ctx.store, { domain, firstName: first, lastName: last, title, password: DEMO_PASSWORD });
    made.push({ id: r.id, address: r.address, name: `${first} ${last}`, title });
  }
  const bySchool = (s: string) => made.filter((m) => m.title.includes(s)).map((m) => m.id);
  await createGroup(ctx.store, domain, 'Collège Jean-Moulin', bySchool('Jean-Moulin'), 'Équipe du collège Jean-Moulin');
  await createGroup(ctx.store, domain, 'Lycée Condorcet', bySchool('Condorcet'), 'Équipe du lycée Condorcet');
  await createGroup(ctx.store, domain, 'Rectorat', bySchool('Rectorat'), 'Services du rectorat');
  const rector = made.find((m) => m.title.includes('Secrétaire'))!;
  const now = Date.now();
  await ingest(ctx, {
    raw: mail(rector.address, `${rector.name} (Rectorat)`, `tous@${domain}`, 'Bulletin inform@lire — calendrier des mutations', 'Bonjour à toutes et à tous,\r\n\r\nVous trouverez ci-dessous le calendrier des mutations intra-académiques.\r\nLa saisie des vœux est ouverte jusqu’au 15 décembre sur iProf.\r\n\r\nBien cordialement,\r\nLe Rectorat', new Date(now - 86_400_000)),
    targets: made.map((m) => ({ account: m.id })),
  });
  for (let i = 0; i < made.length; i++) {
    const from = made[(i + 1) % made.length];
    const to = made[i];
    await ingest(ctx, {
      raw: mail(from.address, from.name, to.address, 'Réunion parents-professeurs de jeudi', `Bonjour ${to.name.split(' ')[0]},\r\n\r\nPeux-tu me confirmer ta présence à la réunion parents-professeurs de jeudi à 17 h 30 ?\r\n\r\nMerci,\r\n${from.name}`, new Date(now - 3_600_000 * (i + 1))),
      targets: [{ account: to.id }],
    });
  }
  return { accounts: made.length, password: DEMO_PASSWORD, example: made[0].address };
}
